using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Analytics;

/// <summary>
/// The dashboards' numbers, read from the rollups (a few hundred to a few tens of thousands of rows), never a
/// GROUP BY over the orders and their lines; the top lists from the rollups' in-memory projection
/// (<see cref="SalesProjection"/>), with the SQL over the rollups kept as their reference. Periods are business days,
/// both ends included.
/// </summary>
public sealed class AnalyticsQueries(OrderlyDbContext db, BusinessCalendar calendar, SalesProjection projection)
{
    public const int MaxDays = 366;
    public const int DefaultDays = 30;

    public (DateOnly From, DateOnly To) Period(DateOnly? from, DateOnly? to, int defaultDays = DefaultDays)
    {
        var last = to ?? calendar.Today;
        var first = from ?? last.AddDays(1 - defaultDays);
        if (first > last)
        {
            throw new RuleViolationException("from", "InvalidPeriod", "The period's first day is after its last.");
        }

        if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            throw new RuleViolationException("from", "PeriodTooLong", $"A period is at most {MaxDays} days.");
        }

        return (first, last);
    }

    public (DateOnly From, DateOnly To) LastDays(int? days) => Period(null, null, Math.Clamp(days ?? DefaultDays, 1, MaxDays));

    public async Task<RevenueDto> RevenueAsync(DateOnly first, DateOnly last, string currency, IQueryable<Guid>? customers, CancellationToken ct)
    {
        Currency.DigitsOf(currency);
        var perDay = customers is null
            ? await db.Set<DailySalesRow>().AsNoTracking()
                .Where(r => r.Day >= first && r.Day <= last && r.Currency == currency)
                .GroupBy(r => r.Day).Select(g => new { Day = g.Key, Orders = g.Sum(r => r.Orders), Minor = g.Sum(r => r.ValueMinor) })
                .ToListAsync(ct)
            : await db.Set<DailyCustomerSalesRow>().AsNoTracking()
                .Where(r => customers.Contains(r.CustomerId) && r.Day >= first && r.Day <= last && r.Currency == currency)
                .GroupBy(r => r.Day).Select(g => new { Day = g.Key, Orders = g.Sum(r => r.Orders), Minor = g.Sum(r => r.ValueMinor) })
                .ToListAsync(ct);
        var byDay = perDay.ToDictionary(d => d.Day);
        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays)
            .Select(d => byDay.TryGetValue(d, out var x) ? new RevenueDayDto(d, x.Orders, Amount(x.Minor, currency)) : new RevenueDayDto(d, 0, 0m))
            .ToList();
        return new RevenueDto(currency, first, last, perDay.Sum(d => d.Orders), Amount(perDay.Sum(d => d.Minor), currency), days);
    }

    public async Task<TopProductsDto> TopProductsAsync(DateOnly first, DateOnly last, string currency, int limit, CancellationToken ct)
    {
        Currency.DigitsOf(currency);
        List<SalesProjection.Total> top;
        await using (await SalesProjection.SnapshotAsync(db, ct))
        {
            top = projection.TopProducts(await projection.DaysAsync(db, first, last, currency, ct), limit);
        }

        var ids = top.ConvertAll(t => t.Id);
        var names = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Sku, p.Name }).ToDictionaryAsync(p => p.Id, ct);
        return new TopProductsDto(currency, first, last, top.ConvertAll(t => new ProductSalesDto(
            t.Id, names.GetValueOrDefault(t.Id)?.Sku ?? "", names.GetValueOrDefault(t.Id)?.Name ?? "",
            Quantity.FromStored(t.Count), Amount(t.ValueMinor, currency))));
    }

    public async Task<TopCustomersDto> TopCustomersAsync(DateOnly first, DateOnly last, string currency, int limit, IQueryable<Guid>? customers, CancellationToken ct)
    {
        Currency.DigitsOf(currency);
        List<SalesProjection.Total> top;
        await using (await SalesProjection.SnapshotAsync(db, ct))
        {
            // The rep's customers are read in the same snapshot as the sums.
            var visible = customers is null ? null : await customers.ToListAsync(ct);
            top = projection.TopCustomers(await projection.DaysAsync(db, first, last, currency, ct), limit, visible);
        }

        var ids = top.ConvertAll(t => t.Id);
        var names = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Code, c.Name }).ToDictionaryAsync(c => c.Id, ct);
        return new TopCustomersDto(currency, first, last, top.ConvertAll(t => new CustomerSalesDto(
            t.Id, names.GetValueOrDefault(t.Id)?.Code ?? "", names.GetValueOrDefault(t.Id)?.Name ?? "",
            t.Count, Amount(t.ValueMinor, currency))));
    }

    /// <summary>The reference for <see cref="TopProductsAsync"/>: the same list as a GROUP BY over the product rollup.</summary>
    public async Task<List<SalesProjection.Total>> TopProductsBySqlAsync(DateOnly first, DateOnly last, string currency, int limit, CancellationToken ct) =>
        (await db.Set<DailyProductSalesRow>().AsNoTracking()
            .Where(r => r.Day >= first && r.Day <= last && r.Currency == currency)
            .GroupBy(r => r.ProductId)
            .Select(g => new { ProductId = g.Key, Quantity = g.Sum(r => r.QuantityThousandths), Minor = g.Sum(r => r.ValueMinor) })
            .OrderByDescending(x => x.Minor).ThenBy(x => x.ProductId).Take(limit)
            .ToListAsync(ct)).ConvertAll(x => new SalesProjection.Total(x.ProductId, x.Quantity, x.Minor));

    /// <summary>The reference for <see cref="TopCustomersAsync"/>: the same list as a GROUP BY over the customer rollup.</summary>
    public async Task<List<SalesProjection.Total>> TopCustomersBySqlAsync(DateOnly first, DateOnly last, string currency, int limit, IQueryable<Guid>? customers, CancellationToken ct)
    {
        var rows = db.Set<DailyCustomerSalesRow>().AsNoTracking().Where(r => r.Day >= first && r.Day <= last && r.Currency == currency);
        if (customers is not null)
        {
            rows = rows.Where(r => customers.Contains(r.CustomerId));
        }

        return (await rows.GroupBy(r => r.CustomerId)
            .Select(g => new { CustomerId = g.Key, Orders = g.Sum(r => r.Orders), Minor = g.Sum(r => r.ValueMinor) })
            .OrderByDescending(x => x.Minor).ThenBy(x => x.CustomerId).Take(limit)
            .ToListAsync(ct)).ConvertAll(x => new SalesProjection.Total(x.CustomerId, x.Orders, x.Minor));
    }

    public async Task<FunnelDto> FunnelAsync(DateOnly first, DateOnly last, CancellationToken ct)
    {
        var counts = (await StatusCountsAsync(ct)).Where(s => s.Value != 0).ToDictionary();
        var statuses = Enum.GetValues<OrderStatus>().Select(s => new StatusCountDto(s, counts.GetValueOrDefault(s))).ToList();
        var stages = await db.Set<StageTimeRow>().AsNoTracking()
            .Where(r => r.Day >= first && r.Day <= last)
            .GroupBy(r => r.Status)
            .Select(g => new { Status = g.Key, Exits = g.Sum(r => r.Exits), Milliseconds = g.Sum(r => r.TotalMilliseconds) })
            .ToListAsync(ct);
        var stageTimes = stages.Where(s => s.Exits > 0).OrderBy(s => s.Status)
            .Select(s => new StageTimeDto(s.Status, s.Exits, Hours(s.Milliseconds / (double)s.Exits), Hours(s.Milliseconds))).ToList();
        return new FunnelDto(first, last, statuses, stageTimes);
    }

    /// <summary>Orders per status now, summed over the shards.</summary>
    public async Task<Dictionary<OrderStatus, long>> StatusCountsAsync(CancellationToken ct) =>
        await db.Set<StatusCountRow>().AsNoTracking().GroupBy(r => r.Status)
            .Select(g => new { Status = g.Key, Orders = g.Sum(r => r.Orders) })
            .ToDictionaryAsync(x => x.Status, x => x.Orders, ct);

    private static decimal Amount(long minor, string currency) => Money.FromMinor(minor, currency).Amount;

    private static double Hours(double milliseconds) => Math.Round(milliseconds / 3_600_000d, 3);
}
