using Orderly.Domain.Common;
using Orderly.Server.Identity;
using Orderly.Server.Integration;

namespace Orderly.Server.Analytics;

/// <summary>
/// The analyses' tables as XLSX or CSV files (<see cref="ExportFile"/>): the same query parameters, the same scope and
/// the same rows as the JSON of the route without <c>/export</c>.
/// </summary>
public static class AnalyticsExportEndpoints
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void MapAnalyticsExportEndpoints(this IEndpointRouteBuilder app)
    {
        var analytics = app.MapGroup("/api/analytics").WithTags("Analytics");
        analytics.MapGet("/orders/export", OrdersAsync).WithName("ExportOrdersAnalysis").RequireAuthorization(Policies.ReadAnalytics)
            .WithSummary("The items of the order analysis (by product, category, region, customer or rep) as XLSX or CSV (format=xlsx|csv), with the analysis' filters and scope.")
            .Produces(StatusCodes.Status200OK, contentType: Xlsx, additionalContentTypes: "text/csv");
        analytics.MapGet("/customers/rfm/export", RfmAsync).WithName("ExportRfmCustomers").RequireAuthorization(Policies.ReadAnalytics)
            .WithSummary("The customers of the RFM analysis with scores, segment, buying interval and churn warning as XLSX or CSV, with its filters and scope.")
            .Produces(StatusCodes.Status200OK, contentType: Xlsx, additionalContentTypes: "text/csv");
        analytics.MapGet("/inventory/export", InventoryAsync).WithName("ExportInventoryAnalysis").RequireAuthorization(AnalyticsPolicies.ReadDemand)
            .WithSummary("The products of the inventory analysis (turnover, days of inventory, ABC/XYZ, movement, carrying cost, GMROI, backorders) as XLSX or CSV.")
            .Produces(StatusCodes.Status200OK, contentType: Xlsx, additionalContentTypes: "text/csv");
        app.MapGet("/api/forecasts/accuracy/export", AccuracyAsync).WithTags("Forecasts").WithName("ExportForecastAccuracy").RequireAuthorization(AnalyticsPolicies.ReadDemand)
            .WithSummary("The forecast accuracy table (WAPE, MASE, bias per method and ABC/XYZ class) as XLSX or CSV.")
            .Produces(StatusCodes.Status200OK, contentType: Xlsx, additionalContentTypes: "text/csv");
    }

    private static async Task<IResult> OrdersAsync(
        OrdersAnalysis analysis, AnalyticsScope scope, string? format, DateOnly? from, DateOnly? to, string? groupBy, string? by, string? currency, int? limit,
        CancellationToken ct)
    {
        var extension = Extension(format);
        var result = await analysis.AnalyseAsync(from, to, groupBy, by, currency, limit, await scope.CustomerSetAsync(ct), ct);
        return await ExportFile.CreateAsync($"orders-by-{result.By}", AnalyticsExports.OrderItemColumns, AnalyticsExports.Rows(result.Items.Select(AnalyticsExports.Row)), extension, ct);
    }

    private static async Task<IResult> RfmAsync(
        CustomerAnalysis analysis, AnalyticsScope scope, string? format, DateOnly? asOf, int? compareDays, string? currency, int? limit, CancellationToken ct)
    {
        var extension = Extension(format);
        var result = await analysis.RfmAsync(asOf, compareDays, currency, limit, await scope.CustomerSetAsync(ct), ct);
        return await ExportFile.CreateAsync("customers-rfm", AnalyticsExports.RfmColumns, AnalyticsExports.Rows(result.Items.Select(AnalyticsExports.Row)), extension, ct);
    }

    private static async Task<IResult> InventoryAsync(InventoryAnalysis analysis, string? format, DateOnly? asOf, int? limit, CancellationToken ct)
    {
        var extension = Extension(format);
        var result = await analysis.AnalyseAsync(asOf, limit, ct);
        return await ExportFile.CreateAsync("inventory-analysis", AnalyticsExports.InventoryColumns, AnalyticsExports.Rows(result.Products.Select(AnalyticsExports.Row)), extension, ct);
    }

    private static async Task<IResult> AccuracyAsync(ForecastService forecasts, string? format, CancellationToken ct)
    {
        var extension = Extension(format);
        var result = await forecasts.AccuracyAsync(ct);
        return await ExportFile.CreateAsync("forecast-accuracy", AnalyticsExports.AccuracyColumns, AnalyticsExports.Rows(result.Rows.Select(AnalyticsExports.Row)), extension, ct);
    }

    /// <summary>xlsx (the default) or csv; anything else is refused naming the field.</summary>
    private static string Extension(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        null or "" or "xlsx" => ".xlsx",
        "csv" => ".csv",
        _ => throw new RuleViolationException("format", "InvalidFormat", "The format is xlsx or csv."),
    };
}
