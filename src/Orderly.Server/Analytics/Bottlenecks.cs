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
        bool[]? visible = null;
        if (customers is not null)
        {
            visible = new bool[snapshot.Customers.Count];
            foreach (var id in customers)
            {
                if (snapshot.CustomerIndex.TryGetValue(id, out var i))
                {
                    visible[i] = true;
                }
            }
        }

        // The runs of the days the stays of both periods ended on (a rep's: only their customers' stays).
        var length = last.DayNumber - first.DayNumber + 1;
        var current = new List<(DateOnly Day, StayRun[] Runs)>();
        var before = new List<StayRun[]>();
        for (var day = first.AddDays(-length); day <= last; day = day.AddDays(1))
        {
            if (snapshot.Stays.TryGetValue(day, out var runs))
            {
                var seen = visible is null ? runs : [.. runs.Select(r => r.Of(visible))];
                if (day >= first)
                {
                    current.Add((day, seen));
                }
                else
                {
                    before.Add(seen);
                }
            }
        }

        var trend = Stages.Select((name, i) =>
        {
            var now = Stats(name, [.. current.Select(d => d.Runs[i].Seconds)]);
            var then = Stats(name, [.. before.Select(d => d[i].Seconds)]);
            return new StageTrendDto(name, now.Orders, now.P50Hours, now.P90Hours, then.Orders, then.P50Hours, IsSlower(now.Orders, now.P50Hours, then.Orders, then.P50Hours));
        }).ToList();
        var byPeriod = current.GroupBy(d => OrdersAnalysis.PeriodStart(d.Day, grouping)).OrderBy(g => g.Key)
            .Select(g => new StagePeriodDto(g.Key, StageStats([.. g.Select(d => d.Runs)])))
            .Where(p => p.Stages.Count > 0).ToList();
        var reps = ByOwner(snapshot, current.Select(d => d.Runs));
        var owners = reps.Where(r => r.Owner is not null).Select(r => r.Owner!.Value).ToList();
        var names = await db.Users.AsNoTracking().Where(u => owners.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName ?? u.Email ?? "", ct);
        var byRep = reps
            .Select(r => new StageGroupDto(r.Owner?.ToString() ?? "(none)", r.Owner is { } id ? names.GetValueOrDefault(id, id.ToString()) : "(none)", r.Stages))
            .OrderBy(g => g.Label, StringComparer.Ordinal).ToList();
        var nowSeconds = calendar.Now.ToUnixTimeSeconds();
        var waiting = Waiting.ToDictionary(s => s, _ => new List<double>());
        foreach (var order in snapshot.Waiting)
        {
            if (visible is null || visible[order.Customer])
            {
                waiting[order.Status].Add(Hours(nowSeconds - order.Since));
            }
        }

        var ageing = waiting.Select(w => Ageing(w.Key, w.Value)).ToList();
        return new BottlenecksDto(first, last, grouping, trend, byPeriod, byRep, ageing,
            ["Per warehouse stage times are not available: the status history does not name the warehouse, and an order may ship from several."]);
    }

    /// <summary>Each owner's (rep's) stage figures over the days, from the stays of their customers (a filter keeps each run sorted).</summary>
    private static List<(Guid? Owner, List<StageTimeStatsDto> Stages)> ByOwner(FactsSnapshot snapshot, IEnumerable<StayRun[]> days)
    {
        var owners = new List<Guid?>();
        var index = new Dictionary<Guid, int>();
        var ownerOf = new int[snapshot.Customers.Count];
        for (var c = 0; c < ownerOf.Length; c++)
        {
            ownerOf[c] = -1;
            if (snapshot.Customers[c].OwnerUserId is { } id)
            {
                if (!index.TryGetValue(id, out var at))
                {
                    index[id] = at = owners.Count;
                    owners.Add(id);
                }

                ownerOf[c] = at;
            }
        }

        // Per owner (the last slot for none) and stage, one sorted run per day.
        var none = owners.Count;
        owners.Add(null);
        var runs = new List<int[]>[owners.Count, Stages.Length];
        var buffers = Enumerable.Range(0, owners.Count).Select(_ => new List<int>()).ToArray();
        foreach (var day in days)
        {
            for (var stage = 0; stage < Stages.Length; stage++)
            {
                var run = day[stage];
                for (var i = 0; i < run.Count; i++)
                {
                    var owner = ownerOf[run.Customers[i]];
                    buffers[owner < 0 ? none : owner].Add(run.Seconds[i]);
                }

                for (var o = 0; o < buffers.Length; o++)
                {
                    if (buffers[o].Count > 0)
                    {
                        (runs[o, stage] ??= []).Add([.. buffers[o]]);
                        buffers[o].Clear();
                    }
                }
            }
        }

        var result = new List<(Guid? Owner, List<StageTimeStatsDto> Stages)>();
        for (var o = 0; o < owners.Count; o++)
        {
            var stats = Stages.Select((name, stage) => Stats(name, runs[o, stage] ?? [])).Where(s => s.Orders > 0).ToList();
            if (stats.Count > 0)
            {
                result.Add((owners[o], stats));
            }
        }

        return result;
    }

    private static List<StageTimeStatsDto> StageStats(List<StayRun[]> days) =>
        [.. Stages.Select((name, i) => Stats(name, [.. days.Select(d => d[i].Seconds)])).Where(s => s.Orders > 0)];

    /// <summary>The stays' count, and p50 and p90 by nearest rank (as <see cref="Percentile.OfSorted"/>) over runs each sorted ascending.</summary>
    private static StageTimeStatsDto Stats(string stage, List<int[]> runs)
    {
        var count = runs.Sum(r => r.Length);
        if (count == 0)
        {
            return new StageTimeStatsDto(stage, 0, null, null);
        }

        double At(double p) => Hours(StayRun.Kth(runs, Math.Clamp((int)Math.Ceiling(p * count), 1, count)));
        return new StageTimeStatsDto(stage, count, Round(At(0.5)), Round(At(0.9)));
    }

    /// <summary>The ageing of the orders waiting in a status; <paramref name="ages"/> ascending (the snapshot keeps the waiting orders so).</summary>
    private static AgeingDto Ageing(OrderStatus status, List<double> ages) =>
        new(status.ToString(), ages.Count, Round(Percentile.OfSorted(ages, 0.5)), Round(Percentile.OfSorted(ages, 0.9)),
            ages.Count == 0 ? null : Round(ages[^1]),
            ages.Count(a => a < 24), ages.Count(a => a is >= 24 and < 72), ages.Count(a => a is >= 72 and < 168), ages.Count(a => a is >= 168 and < 720), ages.Count(a => a >= 720));

    private static double Hours(long seconds) => seconds / 3600d;

    private static double? Round(double? hours) => hours is { } h ? Math.Round(h, 3) : null;
}
