namespace Orderly.Domain.Analytics;

/// <summary>Named customer groups from the recency and frequency scores (the usual RFM segment map).</summary>
public enum RfmSegment
{
    Champions,
    Loyal,
    PotentialLoyalists,
    NewCustomers,
    NeedAttention,
    CannotLoseThem,
    AtRisk,
    Hibernating,
    Lost,
}

/// <summary>One customer's recency (days since the last order), frequency (orders) and monetary value in a period.</summary>
public readonly record struct RfmInput(int RecencyDays, int Frequency, double Monetary);

public readonly record struct RfmScore(int R, int F, int M)
{
    public RfmSegment Segment => Rfm.SegmentOf(R, F);
}

/// <summary>
/// RFM scores by quintiles: each score is 1 + 5 x (share of the customers strictly worse on that measure), rounded
/// down, so equal values score alike and the best fifth scores 5. Fewer days since the last order is better.
/// </summary>
public static class Rfm
{
    public static RfmScore[] Score(IReadOnlyList<RfmInput> customers)
    {
        var n = customers.Count;
        // Array.Sort of the plain values (an introsort on doubles), not a LINQ OrderBy: the same order, a fraction of the time.
        var recency = Sorted(customers, c => -c.RecencyDays);
        var frequency = Sorted(customers, c => c.Frequency);
        var monetary = Sorted(customers, c => c.Monetary);
        var scores = new RfmScore[n];
        for (var i = 0; i < n; i++)
        {
            scores[i] = new RfmScore(
                Quintile(recency, -customers[i].RecencyDays), Quintile(frequency, customers[i].Frequency), Quintile(monetary, customers[i].Monetary));
        }

        return scores;
    }

    public static RfmSegment SegmentOf(int r, int f) => (r, f) switch
    {
        ( >= 4, >= 4) => RfmSegment.Champions,
        (3, >= 4) => RfmSegment.Loyal,
        ( >= 4, >= 2) => RfmSegment.PotentialLoyalists,
        ( >= 4, _) => RfmSegment.NewCustomers,
        (3, _) => RfmSegment.NeedAttention,
        ( <= 2, >= 4) => RfmSegment.CannotLoseThem,
        ( <= 2, >= 2) => RfmSegment.AtRisk,
        (2, _) => RfmSegment.Hibernating,
        _ => RfmSegment.Lost,
    };

    /// <summary>
    /// A customer's buying habit broken: at least three orders, and more days since the last one than their mean
    /// interval plus twice its standard deviation (and at least 1.5 mean intervals).
    /// </summary>
    public static bool ChurnWarning(IReadOnlyList<int> intervalDays, int daysSinceLast) =>
        ChurnWarning(intervalDays.Count, intervalDays.Sum(d => (long)d), intervalDays.Sum(d => (long)d * d), daysSinceLast);

    /// <summary>
    /// The same from the intervals' count, sum and sum of squares, which add up over periods (an analysis keeps those
    /// per customer, not every interval); the variance is exact in integers up to the square root.
    /// </summary>
    public static bool ChurnWarning(int count, long sum, long sumOfSquares, int daysSinceLast)
    {
        if (count < 2)
        {
            return false;
        }

        var mean = sum / (double)count;
        var sd = Math.Sqrt(((count * sumOfSquares) - (sum * sum)) / ((double)count * count));
        return daysSinceLast > Math.Max(mean + (2 * sd), 1.5 * mean);
    }

    private static double[] Sorted(IReadOnlyList<RfmInput> customers, Func<RfmInput, double> measure)
    {
        var values = new double[customers.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = measure(customers[i]);
        }

        Array.Sort(values);
        return values;
    }

    private static int Quintile(double[] sorted, double value)
    {
        var worse = LowerBound(sorted, value);
        return 1 + Math.Min(4, 5 * worse / sorted.Length);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
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
