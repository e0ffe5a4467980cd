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
public sealed class CustomerAnalysis(SalesProjection projection, RfmWindows windows, AnalysisDimensions dimensions, BusinessCalendar calendar, OrderlyDbContext db)
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

        // Both windows kept per as-of day while their slices are unchanged (RfmWindows): a call usually scores neither.
        var now = windows.Of(days, day, money, customers);
        var then = windows.Of(days, earlier, money, customers);
        var segments = Enum.GetValues<RfmSegment>().Select(segment => new SegmentCountDto(segment.ToString(),
            now.SegmentCounts[(int)segment], now.SegmentValues[(int)segment])).ToList();

        // The movement between segments counted by segment number (0: none), named once at the end.
        var moves = new int[segments.Count + 1, segments.Count + 1];
        foreach (var row in now.Rows)
        {
            moves[then.SegmentOf(row.Ordinal) + 1, (int)row.Score.Segment + 1]++;
        }

        foreach (var row in then.Rows)
        {
            if (now.SegmentOf(row.Ordinal) == RfmWindow.NoSegment)
            {
                moves[(int)row.Score.Segment + 1, 0]++;
            }
        }

        static string SegmentName(int slot) => slot == 0 ? "(none)" : ((RfmSegment)(slot - 1)).ToString();
        var movement = new List<SegmentMoveDto>();
        for (var from = 0; from <= segments.Count; from++)
        {
            for (var to = 0; to <= segments.Count; to++)
            {
                if (moves[from, to] > 0)
                {
                    movement.Add(new SegmentMoveDto(SegmentName(from), SegmentName(to), moves[from, to]));
                }
            }
        }

        movement = [.. movement.OrderBy(m => m.From, StringComparer.Ordinal).ThenBy(m => m.To, StringComparer.Ordinal)];

        // Only the customers listed need a code and name (from the loaded dimension): the best `limit` by value and any
        // tied with the last of them.
        var take = Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
        var listed = now.ByValue.Length <= take ? now.ByValue.Length : Tied(now, take);
        var names = await dimensions.CustomersAsync(db, ct);
        var top = new List<RfmCustomerDto>(listed);
        for (var at = 0; at < listed; at++)
        {
            var i = now.Rows[now.ByValue[at]];
            var id = projection.CustomerIdOf(i.Ordinal);
            var name = names.GetValueOrDefault(id);
            top.Add(new RfmCustomerDto(
                id, name?.Code ?? "", name?.Name ?? "", i.Recency, i.Orders, i.Monetary,
                i.Score.R, i.Score.F, i.Score.M, i.Score.Segment.ToString(), i.Last, i.Interval, i.Churn));
        }

        top = [.. top.OrderByDescending(i => i.Monetary).ThenBy(i => i.Code, StringComparer.Ordinal).Take(take)];
        return new RfmDto(day, day.AddDays(1 - WindowDays), money, now.Rows.Length, segments, now.Grid, earlier, movement, now.ChurnWarnings, top);
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

    /// <summary>How many of the customers by value are listed: the first <paramref name="take"/> and any tied in value with the last of them.</summary>
    private static int Tied(RfmWindow window, int take)
    {
        var last = window.Rows[window.ByValue[take - 1]].ValueMinor;
        var count = take;
        while (count < window.ByValue.Length && window.Rows[window.ByValue[count]].ValueMinor == last)
        {
            count++;
        }

        return count;
    }

    private static string Currency(string? currency)
    {
        var money = string.IsNullOrWhiteSpace(currency) ? Domain.Common.Currency.Default : currency.Trim().ToUpperInvariant();
        Domain.Common.Currency.DigitsOf(money);
        return money;
    }
}
