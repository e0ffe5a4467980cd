namespace Orderly.Domain.Analytics;

/// <summary>Percentiles by nearest rank: the smallest value with at least p of the values at or below it (p50 of 1, 2, 3, 4 is 2).</summary>
public static class Percentile
{
    /// <summary>The percentile of values already sorted ascending; null for none.</summary>
    public static double? OfSorted(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
