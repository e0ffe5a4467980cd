using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Analytics;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Analytics;

/// <summary>
/// Customers by recency, frequency and value of their counted orders in one currency over the year up to a day:
/// quintile scores, named segments, the move between segments since an earlier day, and each customer's buying
/// interval with a warning when the silence is far longer than their habit. A rep's scores rank their own customers.
/// RFM reads the per-customer daily rollups through the <see cref="SalesProjection"/> (frequency, value, last day and
/// the days bought on are all in them), so it is exact and bounded by the window, not by all the orders.
/// </summary>
public sealed class CustomerAnalysis(SalesProjection projection, BusinessCalendar calendar, OrderlyDbContext db)
{
    public const int WindowDays = 365;
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;

    public async Task<RfmDto> RfmAsync(DateOnly? asOf, int? compareDays, string? currency, int? limit, HashSet<Guid>? customers, CancellationToken ct)
    {
        var day = asOf ?? calendar.Today;
        var money = Currency(currency);
        var back = Math.Clamp(compareDays ?? 90, 1, WindowDays);
        var earlier = day.AddDays(-back);
        IReadOnlyList<SalesProjection.DaySlice> days;
        await using (await SalesProjection.SnapshotAsync(db, ct))
        {
            days = await projection.DaysAsync(db, earlier.AddDays(1 - WindowDays), day, money, ct);
        }

        var now = projection.CustomerHistories(days, day.AddDays(1 - WindowDays), day, customers);
        var then = projection.CustomerHistories(days, earlier.AddDays(1 - WindowDays), earlier, customers);
        var nowScores = Score(now, day);
        var thenScores = Score(then, earlier);

        var scored = now.Select((p, i) =>
        {
            var s = nowScores[i];
            // The gaps between buying days: as many as the days less one, summing to last - first.
            var gaps = p.DaysBought - 1;
            var gapSum = p.LastDay.DayNumber - p.FirstDay.DayNumber;
            var recency = day.DayNumber - p.LastDay.DayNumber;
            return (p.Id, Recency: recency, Orders: (int)p.Orders, Monetary: Money.FromMinor(p.ValueMinor, money).Amount, Score: s,
                Last: p.LastDay, Interval: gaps == 0 ? (double?)null : Math.Round(gapSum / (double)gaps, 2), Churn: Rfm.ChurnWarning(gaps, gapSum, p.SquaredGaps, recency));
        }).ToList();
        // One pass over the customers for the segments, and the movement counted by segment number, named once at the end.
        var segmentCounts = new int[Enum.GetValues<RfmSegment>().Length];
        var segmentValues = new decimal[segmentCounts.Length];
        foreach (var item in scored)
        {
            segmentCounts[(int)item.Score.Segment]++;
            segmentValues[(int)item.Score.Segment] += item.Monetary;
        }

        var segments = Enum.GetValues<RfmSegment>().Select(segment => new SegmentCountDto(segment.ToString(),
            segmentCounts[(int)segment], segmentValues[(int)segment])).ToList();
        var grid = scored.GroupBy(i => (i.Score.R, i.Score.F)).Select(g => new RfmCellDto(g.Key.R, g.Key.F, g.Count())).OrderByDescending(c => c.R).ThenByDescending(c => c.F).ToList();
        var present = now.Select(p => p.Id).ToHashSet();
        var before = new Dictionary<Guid, RfmSegment>(then.Count);
        for (var i = 0; i < then.Count; i++)
        {
            before[then[i].Id] = thenScores[i].Segment;
        }

        const int None = -1;
        var moves = new Dictionary<(int From, int To), int>();
        void Move(int from, int to) => CollectionsMarshal.GetValueRefOrAddDefault(moves, (from, to), out _)++;
        for (var i = 0; i < now.Count; i++)
        {
            Move(before.TryGetValue(now[i].Id, out var was) ? (int)was : None, (int)nowScores[i].Segment);
        }

        foreach (var p in then.Where(p => !present.Contains(p.Id)))
        {
            Move((int)before[p.Id], None);
        }

        static string SegmentName(int segment) => segment == None ? "(none)" : ((RfmSegment)segment).ToString();
        var movement = moves.Select(m => new SegmentMoveDto(SegmentName(m.Key.From), SegmentName(m.Key.To), m.Value))
            .OrderBy(m => m.From, StringComparer.Ordinal).ThenBy(m => m.To, StringComparer.Ordinal).ToList();

        // Only the customers listed need a code and name: the best `limit` by value and any tied with the last of them
        // (sorted on the value in minor units, a plain long, rather than on the decimal amount).
        var take = Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
        var valueKeys = now.Select(p => -p.ValueMinor).ToArray();
        var order = Enumerable.Range(0, scored.Count).ToArray();
        Array.Sort(valueKeys, order);
        var byValue = Array.ConvertAll(order, i => scored[i]);
        var candidates = byValue.Length <= take ? [.. byValue] : byValue.TakeWhile((i, at) => at < take || i.Monetary == byValue[take - 1].Monetary).ToList();
        var ids = candidates.ConvertAll(c => c.Id);
        var names = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Code, c.Name }).ToDictionaryAsync(c => c.Id, ct);
        var top = candidates.Select(i => new RfmCustomerDto(
                i.Id, names.GetValueOrDefault(i.Id)?.Code ?? "", names.GetValueOrDefault(i.Id)?.Name ?? "", i.Recency, i.Orders, i.Monetary,
                i.Score.R, i.Score.F, i.Score.M, i.Score.Segment.ToString(), i.Last, i.Interval, i.Churn))
            .OrderByDescending(i => i.Monetary).ThenBy(i => i.Code, StringComparer.Ordinal).Take(take).ToList();
        return new RfmDto(day, day.AddDays(1 - WindowDays), money, scored.Count, segments, grid, earlier, movement, scored.Count(i => i.Churn), top);
    }

    /// <summary>A customer's top categories and products by value over a period (default the last year); null when not visible.</summary>
    public async Task<CustomerPreferencesDto?> PreferencesAsync(Guid customerId, DateOnly? from, DateOnly? to, string? currency, HashSet<Guid>? customers, CancellationToken ct)
    {
        if ((customers is not null && !customers.Contains(customerId)) || !await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return null;
        }

        var last = to ?? calendar.Today;
        var first = from ?? last.AddDays(1 - WindowDays);
        var money = Currency(currency);
        var counted = Rollups.Counted;
        var lines = await (
                from l in db.OrderLines.AsNoTracking()
                join o in db.SalesOrders on l.OrderId equals o.Id
                join p in db.Products on l.ProductId equals p.Id
                where o.CustomerId == customerId && o.OrderDate >= first && o.OrderDate <= last && o.Currency == money && counted.Contains(o.Status)
                select new { l.ProductId, p.Sku, p.Name, p.Category, l.Quantity, l.LineTotalMinor })
            .ToListAsync(ct);
        var categories = lines.GroupBy(l => l.Category ?? "(none)")
            .Select(g => new PreferenceDto(g.Key, g.Key, g.Sum(l => l.Quantity), Money.FromMinor(g.Sum(l => l.LineTotalMinor), money).Amount, g.Count()))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(10).ToList();
        var products = lines.GroupBy(l => (l.ProductId, l.Sku, l.Name))
            .Select(g => new PreferenceDto(g.Key.ProductId.ToString(), $"{g.Key.Sku} {g.Key.Name}", g.Sum(l => l.Quantity), Money.FromMinor(g.Sum(l => l.LineTotalMinor), money).Amount, g.Count()))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Label, StringComparer.Ordinal).Take(10).ToList();
        return new CustomerPreferencesDto(customerId, first, last, money, categories, products);
    }

    private static RfmScore[] Score(List<CustomerHistory> histories, DateOnly asOf) =>
        Rfm.Score([.. histories.Select(p => new RfmInput(asOf.DayNumber - p.LastDay.DayNumber, (int)p.Orders, p.ValueMinor))]);

    private static string Currency(string? currency)
    {
        var money = string.IsNullOrWhiteSpace(currency) ? Domain.Common.Currency.Default : currency.Trim().ToUpperInvariant();
        Domain.Common.Currency.DigitsOf(money);
        return money;
    }
}
