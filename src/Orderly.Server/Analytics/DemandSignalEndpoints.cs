using Microsoft.AspNetCore.Http.HttpResults;

namespace Orderly.Server.Analytics;

public static class DemandSignalEndpoints
{
    public static void MapDemandSignalEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/analytics/demand-signals", ListAsync).WithTags("Analytics").WithName("ListDemandSignals")
            .RequireAuthorization(AnalyticsPolicies.ReadDemandSignals)
            .WithSummary("Demand spikes and drops: closed weeks whose demand left the prediction interval of the forecast made before them, per product (ordered, company-wide) and per warehouse (shipped); weeks starting from..to (default the last 12 weeks), kind spike or drop; product-level, no customer data.");

    private static async Task<Ok<DemandSignalsDto>> ListAsync(
        DemandSignalService signals, DateOnly? from, DateOnly? to, string? kind, Guid? productId, CancellationToken ct) =>
        TypedResults.Ok(await signals.ListAsync(from, to, kind, productId, ct));
}
