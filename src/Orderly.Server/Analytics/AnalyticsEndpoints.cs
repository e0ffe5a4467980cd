using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Server.Identity;

namespace Orderly.Server.Analytics;

public static class AnalyticsEndpoints
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    public static void MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics");
        group.MapGet("/revenue", RevenueAsync).WithName("Revenue").RequireAuthorization(Policies.ReadAnalytics)
            .WithSummary("Submitted orders and their value per business day in one currency (default the last 30 days); a sales rep sees their customers'.");
        group.MapGet("/top-customers", TopCustomersAsync).WithName("TopCustomers").RequireAuthorization(Policies.ReadAnalytics)
            .WithSummary("The customers with the highest order value over the last N days (default 30); a sales rep sees their own customers.");
        group.MapGet("/top-products", TopProductsAsync).WithName("TopProducts").RequireAuthorization(Policies.ReadCompanyAnalytics)
            .WithSummary("The products with the highest order value over the last N days (default 30), company-wide.");
        group.MapGet("/funnel", FunnelAsync).WithName("OrderFunnel").RequireAuthorization(Policies.ReadCompanyAnalytics)
            .WithSummary("Orders per status now, and the time orders spent in each status they left in the last N days (default 30), company-wide.");
    }

    private static async Task<Ok<RevenueDto>> RevenueAsync(
        AnalyticsQueries queries, AnalyticsScope scope, DateOnly? from, DateOnly? to, string? currency, CancellationToken ct)
    {
        var (first, last) = queries.Period(from, to);
        return TypedResults.Ok(await queries.RevenueAsync(first, last, CurrencyOrDefault(currency), scope.Customers(), ct));
    }

    private static async Task<Ok<TopCustomersDto>> TopCustomersAsync(
        AnalyticsQueries queries, AnalyticsScope scope, int? days, string? currency, int? limit, CancellationToken ct)
    {
        var (first, last) = queries.LastDays(days);
        return TypedResults.Ok(await queries.TopCustomersAsync(first, last, CurrencyOrDefault(currency), Limit(limit), scope.Customers(), ct));
    }

    private static async Task<Ok<TopProductsDto>> TopProductsAsync(AnalyticsQueries queries, int? days, string? currency, int? limit, CancellationToken ct)
    {
        var (first, last) = queries.LastDays(days);
        return TypedResults.Ok(await queries.TopProductsAsync(first, last, CurrencyOrDefault(currency), Limit(limit), ct));
    }

    private static async Task<Ok<FunnelDto>> FunnelAsync(AnalyticsQueries queries, int? days, CancellationToken ct)
    {
        var (first, last) = queries.LastDays(days);
        return TypedResults.Ok(await queries.FunnelAsync(first, last, ct));
    }

    private static string CurrencyOrDefault(string? currency) =>
        string.IsNullOrWhiteSpace(currency) ? Domain.Common.Currency.Default : currency.Trim().ToUpperInvariant();

    private static int Limit(int? limit) => Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
}
