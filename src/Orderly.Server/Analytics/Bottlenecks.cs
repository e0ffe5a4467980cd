using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Analytics;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Analytics;

/// <summary>
/// Where orders spend their time, from the status history: entry (created to submitted), approval (submitted to
/// approved, for orders a rule sent to a manager), confirmation (submitted or approved to confirmed), fulfilment
/// (confirmed to the first shipment) and delivery (first shipment to delivered). Each stay counts on the business day
/// it ended; p50 and p90 by nearest rank. Ageing: how long the orders waiting now have been in their status.
/// </summary>
public sealed class Bottlenecks(OrderFacts facts, AnalyticsQueries periods, BusinessCalendar calendar, OrderlyDbContext db)
{
    public static readonly string[] Stages = ["entry", "approval", "confirmation", "fulfilment", "delivery"];

    /// <summary>A stage is slower when its p50 grew by this share over the period before (with enough orders in both).</summary>
    public const double SlowerBy = 0.2;

    public const int MinOrdersToCompare = 3;

    /// <summary>A stage got slower: p50 up by more than <see cref="SlowerBy"/>, with <see cref="MinOrdersToCompare"/>+ orders in both periods.</summary>
    public static bool IsSlower(int orders, double? p50Hours, int previousOrders, double? previousP50Hours) =>
        orders >= MinOrdersToCompare && previousOrders >= MinOrdersToCompare && previousP50Hours is > 0
        && p50Hours > previousP50Hours * (1 + SlowerBy);

    private long _lowest;
    private long _highest;

    private static readonly OrderStatus[] Waiting =
        [OrderStatus.Draft, OrderStatus.PendingApproval, OrderStatus.OnHold, OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.Shipped];

    /// <summary>Whether an order in this status is waiting for someone (the ageing counts it).</summary>
    public static bool IsWaiting(OrderStatus status) => Array.IndexOf(Waiting, status) >= 0;

    public async Task<BottlenecksDto> AnalyseAsync(DateOnly? from, DateOnly? to, string? groupBy, HashSet<Guid>? customers, CancellationToken ct)
    {
        var (first, last) = periods.Period(from, to);
        var grouping = string.IsNullOrWhiteSpace(groupBy) ? "week" : groupBy.Trim().ToLowerInvariant();
        if (!OrdersAnalysis.GroupBys.Contains(grouping))
        {
            throw new Domain.Common.RuleViolationException("groupBy", "UnknownValue", "groupBy is one of day, week, month.");
        }

        var snapshot = await facts.CurrentAsync(ct);
        var visible = customers?.Select(c => snapshot.CustomerIndex.TryGetValue(c, out var i) ? i : -2).ToHashSet();
        var length = last.DayNumber - first.DayNumber + 1;
        var previousFirst = first.AddDays(-length);
        var now = calendar.Now.ToUnixTimeSeconds();
        _lowest = new DateTimeOffset(previousFirst.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        _highest = new DateTimeOffset(last.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();

        var stays = new List<Stay>();
        var waiting = Waiting.ToDictionary(s => s, _ => new List<double>());
        foreach (var day in snapshot.Days.Values)
        {
            var orders = day.Orders;
            foreach (var at in day.Waiting)
            {
                ref readonly var order = ref orders[at];
                if (order.Customer >= 0 && (visible is null || visible.Contains(order.Customer)))
                {
                    waiting[order.Status].Add(Hours(now - order.StatusSince));
                }
            }

            // A day whose orders all reached their last stage before the period (less a day for the zone) ended no stay in it.
            if (day.LatestStageAt < _lowest)
            {
                continue;
            }

            foreach (ref readonly var order in orders.AsSpan())
            {
                if (order.Customer < 0 || (visible is not null && !visible.Contains(order.Customer)))
                {
                    continue;
                }

                AddStay(stays, order, 0, order.CreatedAt, order.SubmittedAt, previousFirst, last);
                AddStay(stays, order, 1, order.SubmittedAt, order.ApprovedAt, previousFirst, last);
                AddStay(stays, order, 2, order.ApprovedAt != 0 ? order.ApprovedAt : order.SubmittedAt, order.ConfirmedAt, previousFirst, last);
                AddStay(stays, order, 3, order.ConfirmedAt, order.ShippedAt, previousFirst, last);
                AddStay(stays, order, 4, order.ShippedAt, order.DeliveredAt, previousFirst, last);
            }
        }

        var current = stays.Where(s => s.Day >= first).ToList();
        var before = stays.Where(s => s.Day < first).ToList();
        var trend = Stages.Select((name, i) =>
        {
            var now = Stats(name, current.Where(s => s.Stage == i));
            var then = Stats(name, before.Where(s => s.Stage == i));
            return new StageTrendDto(name, now.Orders, now.P50Hours, now.P90Hours, then.Orders, then.P50Hours, IsSlower(now.Orders, now.P50Hours, then.Orders, then.P50Hours));
        }).ToList();
        var byPeriod = current.GroupBy(s => OrdersAnalysis.PeriodStart(s.Day, grouping)).OrderBy(g => g.Key)
            .Select(g => new StagePeriodDto(g.Key, StageStats(g))).ToList();
        var owners = current.Select(s => snapshot.Customers[s.Customer].OwnerUserId).Distinct().Where(o => o is not null).Select(o => o!.Value).ToList();
        var names = await db.Users.AsNoTracking().Where(u => owners.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName ?? u.Email ?? "", ct);
        var byRep = current.GroupBy(s => snapshot.Customers[s.Customer].OwnerUserId)
            .Select(g => new StageGroupDto(g.Key?.ToString() ?? "(none)", g.Key is { } id ? names.GetValueOrDefault(id, id.ToString()) : "(none)", StageStats(g)))
            .OrderBy(g => g.Label, StringComparer.Ordinal).ToList();
        var ageing = waiting.Select(w => Ageing(w.Key, w.Value)).ToList();
        return new BottlenecksDto(first, last, grouping, trend, byPeriod, byRep, ageing,
            ["Per warehouse stage times are not available: the status history does not name the warehouse, and an order may ship from several."]);
    }

    private void AddStay(List<Stay> stays, in OrderFact order, int stage, long start, long end, DateOnly from, DateOnly to)
    {
        // Most stays ended far outside the period: a cheap bound (a day either side, wider than any zone offset) before the zone conversion.
        if (start == 0 || end == 0 || end < start || end < _lowest || end > _highest)
        {
            return;
        }

        var day = DayOf(end);
        if (day >= from && day <= to)
        {
            stays.Add(new Stay(stage, order.Customer, day, Hours(end - start)));
        }
    }

    private DateOnly DayOf(long unixSeconds) => calendar.DateOf(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    private static List<StageTimeStatsDto> StageStats(IEnumerable<Stay> stays)
    {
        var list = stays.ToList();
        return [.. Stages.Select((name, i) => Stats(name, list.Where(s => s.Stage == i))).Where(s => s.Orders > 0)];
    }

    private static StageTimeStatsDto Stats(string stage, IEnumerable<Stay> stays)
    {
        var hours = stays.Select(s => s.Hours).Order().ToList();
        return new StageTimeStatsDto(stage, hours.Count, Round(Percentile.OfSorted(hours, 0.5)), Round(Percentile.OfSorted(hours, 0.9)));
    }

    private static AgeingDto Ageing(OrderStatus status, List<double> ages)
    {
        ages.Sort();
        return new AgeingDto(status.ToString(), ages.Count, Round(Percentile.OfSorted(ages, 0.5)), Round(Percentile.OfSorted(ages, 0.9)),
            ages.Count == 0 ? null : Round(ages[^1]),
            ages.Count(a => a < 24), ages.Count(a => a is >= 24 and < 72), ages.Count(a => a is >= 72 and < 168), ages.Count(a => a is >= 168 and < 720), ages.Count(a => a >= 720));
    }

    private static double Hours(long seconds) => seconds / 3600d;

    private static double? Round(double? hours) => hours is { } h ? Math.Round(h, 3) : null;

    private sealed record Stay(int Stage, int Customer, DateOnly Day, double Hours);
}
