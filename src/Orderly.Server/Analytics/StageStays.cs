namespace Orderly.Server.Analytics;

/// <summary>
/// The stays of one stage that ended on one business day, sorted by duration: seconds, the customer (an index into the
/// facts' customer list) and the business day of the order (so a refresh can replace the stays of the days it reloads).
/// </summary>
public sealed class StayRun(int[] seconds, int[] customers, int[] orderDays)
{
    public static readonly StayRun Empty = new([], [], []);

    public int[] Seconds { get; } = seconds;

    public int[] Customers { get; } = customers;

    public int[] OrderDays { get; } = orderDays;

    public int Count => Seconds.Length;

    /// <summary>The earliest and latest order day of the stays (a refresh skips a run holding none of the days it reloads).</summary>
    public (int First, int Last) OrderDayRange { get; } = orderDays.Length == 0 ? (int.MaxValue, int.MinValue) : (orderDays.Min(), orderDays.Max());

    /// <summary>Whether a stay of this run belongs to an order of one of the days.</summary>
    public bool MayHoldAny(IEnumerable<int> days) => days.Any(d => d >= OrderDayRange.First && d <= OrderDayRange.Last);

    /// <summary>The stays of the customers allowed; still sorted (a filter keeps the order).</summary>
    public StayRun Of(bool[] allowed)
    {
        var kept = 0;
        foreach (var c in Customers)
        {
            kept += allowed[c] ? 1 : 0;
        }

        if (kept == Count)
        {
            return this;
        }

        var (s, c2, d) = (new int[kept], new int[kept], new int[kept]);
        for (int i = 0, at = 0; i < Count; i++)
        {
            if (allowed[Customers[i]])
            {
                (s[at], c2[at], d[at]) = (Seconds[i], Customers[i], OrderDays[i]);
                at++;
            }
        }

        return new StayRun(s, c2, d);
    }

    /// <summary>
    /// The k-th smallest duration (1-based) over runs each sorted ascending: the smallest value with at least k stays at or
    /// below it, found by bisection on the value with a binary search per run. Exact, and about 30 x runs x log(run)
    /// steps, instead of merging and sorting every stay of the period on each call.
    /// </summary>
    public static int Kth(IReadOnlyList<int[]> runs, int k)
    {
        long lo = int.MaxValue;
        long hi = int.MinValue;
        foreach (var run in runs)
        {
            if (run.Length > 0)
            {
                lo = Math.Min(lo, run[0]);
                hi = Math.Max(hi, run[^1]);
            }
        }

        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var atMost = 0L;
            foreach (var run in runs)
            {
                atMost += UpperBound(run, (int)mid);
            }

            if (atMost >= k)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return (int)lo;
    }

    /// <summary>How many of the sorted values are at most <paramref name="value"/>.</summary>
    private static int UpperBound(int[] sorted, int value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

/// <summary>One stay being collected: which stage, the business day it ended, its duration, customer and order day.</summary>
public readonly record struct StageStay(int Stage, DateOnly Ended, int Seconds, int Customer, int OrderDay);

/// <summary>
/// The order facts' stage stays by the business day they ended (<see cref="Bottlenecks"/>): one sorted run per stage and
/// day, so a period's p50 and p90 read only the days of the period, never every order. Built once from all the facts and,
/// on a refresh, rebuilt only for the days a reloaded order's old or new stays ended on.
/// </summary>
public static class StageStays
{
    /// <summary>
    /// The stays of a day's orders as <see cref="Bottlenecks"/> defines the stages: entry (created to submitted), approval
    /// (submitted to approved), confirmation (approved, or submitted, to confirmed), fulfilment (confirmed to the first
    /// shipment), delivery (first shipment to delivered); each ended on the business day of its end. A stage not both
    /// begun and ended, or ended before it began, is no stay; an order of an unknown customer has none.
    /// </summary>
    public static IEnumerable<StageStay> Of(DayFacts day, Func<long, DateOnly> dayOf)
    {
        var orderDay = day.Day.DayNumber;
        foreach (var order in day.Orders)
        {
            if (order.Customer < 0)
            {
                continue;
            }

            var confirmationStart = order.ApprovedAt != 0 ? order.ApprovedAt : order.SubmittedAt;
            (long Start, long End)[] stages =
            [
                (order.CreatedAt, order.SubmittedAt), (order.SubmittedAt, order.ApprovedAt), (confirmationStart, order.ConfirmedAt),
                (order.ConfirmedAt, order.ShippedAt), (order.ShippedAt, order.DeliveredAt),
            ];
            for (var stage = 0; stage < stages.Length; stage++)
            {
                var (start, end) = stages[stage];
                if (start != 0 && end != 0 && end >= start)
                {
                    yield return new StageStay(stage, dayOf(end), (int)Math.Min(end - start, int.MaxValue), order.Customer, orderDay);
                }
            }
        }
    }

    /// <summary>Every stay of the orders, per day ended and stage (<see cref="Bottlenecks.Stages"/> order).</summary>
    public static Dictionary<DateOnly, StayRun[]> Build(IEnumerable<StageStay> stays)
    {
        var byDay = new Dictionary<DateOnly, List<StageStay>>();
        foreach (var stay in stays)
        {
            if (!byDay.TryGetValue(stay.Ended, out var list))
            {
                byDay[stay.Ended] = list = [];
            }

            list.Add(stay);
        }

        return byDay.ToDictionary(d => d.Key, d => Runs(d.Value));
    }

    /// <summary>
    /// The index after the orders of <paramref name="reloaded"/> order days were reloaded: on each day holding a stay of
    /// one of those order days and each day a new stay ended, the stays of other order days kept and the new stays added;
    /// every other day shared with the previous index.
    /// </summary>
    public static Dictionary<DateOnly, StayRun[]> Replace(
        IReadOnlyDictionary<DateOnly, StayRun[]> previous, IReadOnlyCollection<DateOnly> reloaded, IEnumerable<StageStay> fresh)
    {
        var result = new Dictionary<DateOnly, StayRun[]>(previous);
        if (reloaded.Count == 0)
        {
            return result;
        }

        var replaced = reloaded.Select(d => d.DayNumber).ToHashSet();
        var byDay = new Dictionary<DateOnly, List<StageStay>>();
        foreach (var (day, runs) in previous)
        {
            if (!runs.Any(r => r.MayHoldAny(replaced)))
            {
                continue;
            }

            var kept = new List<StageStay>();
            for (var stage = 0; stage < runs.Length; stage++)
            {
                var run = runs[stage];
                for (var i = 0; i < run.Count; i++)
                {
                    if (!replaced.Contains(run.OrderDays[i]))
                    {
                        kept.Add(new StageStay(stage, day, run.Seconds[i], run.Customers[i], run.OrderDays[i]));
                    }
                }
            }

            byDay[day] = kept;
        }

        foreach (var stay in fresh)
        {
            if (!byDay.TryGetValue(stay.Ended, out var list))
            {
                byDay[stay.Ended] = list = [];
            }

            list.Add(stay);
        }

        foreach (var (day, stays) in byDay)
        {
            if (stays.Count == 0)
            {
                result.Remove(day);
            }
            else
            {
                result[day] = Runs(stays);
            }
        }

        return result;
    }

    private static StayRun[] Runs(List<StageStay> stays)
    {
        stays.Sort(static (a, b) => a.Stage != b.Stage ? a.Stage.CompareTo(b.Stage) : a.Seconds.CompareTo(b.Seconds));
        var runs = new StayRun[Bottlenecks.Stages.Length];
        var at = 0;
        for (var stage = 0; stage < runs.Length; stage++)
        {
            var end = at;
            while (end < stays.Count && stays[end].Stage == stage)
            {
                end++;
            }

            var n = end - at;
            if (n == 0)
            {
                runs[stage] = StayRun.Empty;
                continue;
            }

            var (seconds, customers, orderDays) = (new int[n], new int[n], new int[n]);
            for (var i = 0; i < n; i++)
            {
                var s = stays[at + i];
                (seconds[i], customers[i], orderDays[i]) = (s.Seconds, s.Customer, s.OrderDay);
            }

            runs[stage] = new StayRun(seconds, customers, orderDays);
            at = end;
        }

        return runs;
    }
}
