using Microsoft.AspNetCore.Http.HttpResults;

namespace Orderly.Server.Analytics;

public static class ForecastEndpoints
{
    public static void MapForecastEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/forecasts").WithTags("Forecasts").RequireAuthorization(AnalyticsPolicies.ReadDemand);
        group.MapGet("", ForecastAsync).WithName("ForecastDemand")
            .WithSummary("Weekly demand forecast of a product (ordered, company-wide; or shipped from one warehouse) with its prediction interval, the method its backtest chose, every method's accuracy and whether last week was a spike.");
        group.MapGet("/accuracy", AccuracyAsync).WithName("ForecastAccuracy")
            .WithSummary("Rolling-origin backtest of every product: WAPE, MASE and bias per method and per ABC/XYZ class, how often each method was chosen, and last week's demand spikes.");
    }

    private static async Task<Results<Ok<ForecastDto>, NotFound, ValidationProblem>> ForecastAsync(
        ForecastService forecasts, Guid? productId, Guid? warehouseId, int? horizonWeeks, CancellationToken ct)
    {
        if (productId is not { } id)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["productId"] = ["A product id is required."] });
        }

        return await forecasts.ForecastAsync(id, warehouseId, horizonWeeks, ct) is { } forecast ? TypedResults.Ok(forecast) : TypedResults.NotFound();
    }

    private static async Task<Ok<ForecastAccuracyDto>> AccuracyAsync(ForecastService forecasts, CancellationToken ct) =>
        TypedResults.Ok(await forecasts.AccuracyAsync(ct));
}
