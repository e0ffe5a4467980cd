namespace Orderly.Domain.Analytics;

/// <summary>
/// ABC by share of consumption value (A: the items making the first 80% of the value, B: up to 95%, C: the rest) and
/// XYZ by the coefficient of variation of periodic demand (X: up to 0.5, steady; Y: up to 1.0; Z: erratic or sparse).
/// </summary>
public static class AbcXyz
{
    public const double AShare = 0.8;
    public const double BShare = 0.95;
    public const double XVariation = 0.5;
    public const double YVariation = 1.0;

    /// <summary>The ABC class of each item, by value; items without value are C.</summary>
    public static Dictionary<TKey, char> Abc<TKey>(IEnumerable<KeyValuePair<TKey, double>> values)
        where TKey : notnull
    {
        var ordered = values.OrderByDescending(v => v.Value).ToList();
        var total = ordered.Sum(v => Math.Max(0, v.Value));
        var classes = new Dictionary<TKey, char>(ordered.Count);
        var before = 0d;
        foreach (var (key, value) in ordered)
        {
            // An item is A when the items ranked above it had not yet reached 80% of the value.
            classes[key] = value <= 0 || total <= 0 ? 'C' : before < AShare * total ? 'A' : before < BShare * total ? 'B' : 'C';
            before += Math.Max(0, value);
        }

        return classes;
    }

    /// <summary>Coefficient of variation (population standard deviation / mean) of a demand series; null without demand.</summary>
    public static double? Variation(ReadOnlySpan<double> demand)
    {
        if (demand.Length == 0)
        {
            return null;
        }

        var mean = 0d;
        foreach (var d in demand)
        {
            mean += d;
        }

        mean /= demand.Length;
        if (mean <= 0)
        {
            return null;
        }

        var sum = 0d;
        foreach (var d in demand)
        {
            sum += (d - mean) * (d - mean);
        }

        return Math.Sqrt(sum / demand.Length) / mean;
    }

    public static char Xyz(double? variation) => variation switch
    {
        null => 'Z',
        <= XVariation => 'X',
        <= YVariation => 'Y',
        _ => 'Z',
    };
}
