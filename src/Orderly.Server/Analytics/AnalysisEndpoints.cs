using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Server.Identity;

namespace Orderly.Server.Analytics;

/// <summary>The analyses: orders, bottlenecks, customers (RFM) and inventory.</summary>
public static class AnalysisEndpoints
{
    public static void MapAnalysisEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics");
        group.MapGet("/orders", OrdersAsync).WithName("AnalyseOrders").RequireAuthorization(Policies.ReadAnalytics)
            .WithSummary("Volume, lines, value and margin of the counted orders by day, week or month and by product, category, region, customer or rep, with the previous period, the same period last year, the mix and the Pareto; a sales rep sees their customers'.");
        group.MapGet("/bottlenecks", BottlenecksAsync).WithName("AnalyseBottlenecks").RequireAuthorization(Policies.ReadAnalytics)
            .WithSummary("Time per stage (entry, approval, confirmation, fulfilment, delivery) p50 and p90 per period and per rep, the stages that got slower, and the ageing of the orders waiting now; a sales rep sees their customers'.");
        group.MapGet("/customers/rfm", RfmAsync).WithName("AnalyseCustomersRfm").RequireAuthorization(Policies.ReadAnalytics)
            .WithSummary("RFM quintile scores and segments of the customers over the year up to asOf, the movement between segments since compareDays before, buying intervals and churn warnings; a sales rep ranks their own customers.");
        group.MapGet("/customers/{id:guid}/preferences", PreferencesAsync).WithName("CustomerPreferences").RequireAuthorization(Policies.ReadAnalytics)
            .WithSummary("A customer's top categories and products by value over a period (default the last year).");
        group.MapGet("/inventory", InventoryAsync).WithName("AnalyseInventory").RequireAuthorization(AnalyticsPolicies.ReadDemand)
            .WithSummary("Turnover, days of inventory, ABC/XYZ classes, dead and slow stock, carrying cost, GMROI, backorders and lost demand per product, category and warehouse over the year up to asOf.");
    }

    private static async Task<Ok<OrdersAnalysisDto>> OrdersAsync(
        OrdersAnalysis analysis, AnalyticsScope scope, DateOnly? from, DateOnly? to, string? groupBy, string? by, string? currency, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await analysis.AnalyseAsync(from, to, groupBy, by, currency, limit, await scope.CustomerSetAsync(ct), ct));

    private static async Task<Ok<BottlenecksDto>> BottlenecksAsync(
        Bottlenecks analysis, AnalyticsScope scope, DateOnly? from, DateOnly? to, string? groupBy, CancellationToken ct) =>
        TypedResults.Ok(await analysis.AnalyseAsync(from, to, groupBy, await scope.CustomerSetAsync(ct), ct));

    private static async Task<Ok<RfmDto>> RfmAsync(
        CustomerAnalysis analysis, AnalyticsScope scope, DateOnly? asOf, int? compareDays, string? currency, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await analysis.RfmAsync(asOf, compareDays, currency, limit, await scope.CustomerSetAsync(ct), ct));

    private static async Task<Results<Ok<CustomerPreferencesDto>, NotFound>> PreferencesAsync(
        CustomerAnalysis analysis, AnalyticsScope scope, Guid id, DateOnly? from, DateOnly? to, string? currency, CancellationToken ct) =>
        await analysis.PreferencesAsync(id, from, to, currency, await scope.CustomerSetAsync(ct), ct) is { } preferences
            ? TypedResults.Ok(preferences)
            : TypedResults.NotFound();

    private static async Task<Ok<InventoryAnalysisDto>> InventoryAsync(InventoryAnalysis analysis, DateOnly? asOf, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await analysis.AnalyseAsync(asOf, limit, ct));
}
