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
/// </summary>
public sealed class CustomerAnalysis(OrderFacts facts, BusinessCalendar calendar, OrderlyDbContext db)
{
    public const int WindowDays = 365;
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;

    public async Task<RfmDto> RfmAsync(DateOnly? asOf, int? compareDays, string? currency, int? limit, HashSet<Guid>? customers, CancellationToken ct)
    {
        var day = asOf ?? calendar.Today;
        var money = Currency(currency);
        var back = Math.Clamp(compareDays ?? 90, 1, WindowDays);
        var snapshot = await facts.CurrentAsync(ct);
        var visible = customers?.Select(c => snapshot.CustomerIndex.TryGetValue(c, out var i) ? i : -2).ToHashSet();
        var now = Profiles(snapshot, day, money, visible);
        var then = Profiles(snapshot, day.AddDays(-back), money, visible);
        var nowScores = Score(now, day);
        var thenScores = Score(then, day.AddDays(-back));

        var items = now.Select((p, i) =>
        {
            var c = snapshot.Customers[p.Customer];
            var s = nowScores[i];
            var intervals = p.Days.Zip(p.Days.Skip(1), (a, b) => b.DayNumber - a.DayNumber).ToList();
            var recency = day.DayNumber - p.Days[^1].DayNumber;
            return new RfmCustomerDto(c.Id, c.Code, c.Name, recency, p.Orders, Money.FromMinor(p.ValueMinor, money).Amount, s.R, s.F, s.M, s.Segment.ToString(),
                p.Days[^1], intervals.Count == 0 ? null : Math.Round(intervals.Average(), 2), Rfm.ChurnWarning(intervals, recency));
        }).ToList();
        var segments = Enum.GetValues<RfmSegment>().Select(segment => new SegmentCountDto(segment.ToString(),
            items.Count(i => i.Segment == segment.ToString()), items.Where(i => i.Segment == segment.ToString()).Sum(i => i.Monetary))).ToList();
        var grid = items.GroupBy(i => (i.R, i.F)).Select(g => new RfmCellDto(g.Key.R, g.Key.F, g.Count())).OrderByDescending(c => c.R).ThenByDescending(c => c.F).ToList();
        var present = now.Select(p => p.Customer).ToHashSet();
        var before = then.Select((p, i) => (p.Customer, Segment: thenScores[i].Segment.ToString())).ToDictionary(x => x.Customer, x => x.Segment);
        var movement = now.Select((p, i) => (From: before.GetValueOrDefault(p.Customer, "(none)"), To: nowScores[i].Segment.ToString()))
            .Concat(then.Where(p => !present.Contains(p.Customer)).Select(p => (From: before[p.Customer], To: "(none)")))
            .GroupBy(m => m).Select(g => new SegmentMoveDto(g.Key.From, g.Key.To, g.Count()))
            .OrderBy(m => m.From, StringComparer.Ordinal).ThenBy(m => m.To, StringComparer.Ordinal).ToList();
        var top = items.OrderByDescending(i => i.Monetary).ThenBy(i => i.Code, StringComparer.Ordinal).Take(Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit)).ToList();
        return new RfmDto(day, day.AddDays(1 - WindowDays), money, items.Count, segments, grid, day.AddDays(-back), movement, items.Count(i => i.ChurnWarning), top);
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

    private static List<Profile> Profiles(FactsSnapshot snapshot, DateOnly asOf, string currency, HashSet<int>? visible)
    {
        var profiles = new Dictionary<int, Profile>();
        foreach (var day in snapshot.Between(asOf.AddDays(1 - WindowDays), asOf))
        {
            foreach (ref readonly var order in day.Orders.AsSpan())
            {
                if (!order.Counted || order.Currency != currency || order.Customer < 0 || (visible is not null && !visible.Contains(order.Customer)))
                {
                    continue;
                }

                if (!profiles.TryGetValue(order.Customer, out var profile))
                {
                    profiles[order.Customer] = profile = new Profile(order.Customer);
                }

                profile.Orders++;
                profile.ValueMinor += order.TotalMinor;
                if (profile.Days.Count == 0 || profile.Days[^1] != day.Day)
                {
                    profile.Days.Add(day.Day);
                }
            }
        }

        return [.. profiles.Values.OrderBy(p => p.Customer)];
    }

    private static RfmScore[] Score(List<Profile> profiles, DateOnly asOf) =>
        Rfm.Score([.. profiles.Select(p => new RfmInput(asOf.DayNumber - p.Days[^1].DayNumber, p.Orders, p.ValueMinor))]);

    private static string Currency(string? currency)
    {
        var money = string.IsNullOrWhiteSpace(currency) ? Domain.Common.Currency.Default : currency.Trim().ToUpperInvariant();
        Domain.Common.Currency.DigitsOf(money);
        return money;
    }

    private sealed class Profile(int customer)
    {
        public int Customer { get; } = customer;
        public int Orders { get; set; }
        public long ValueMinor { get; set; }
        public List<DateOnly> Days { get; } = [];
    }
}
