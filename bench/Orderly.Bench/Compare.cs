namespace Orderly.Bench;

/// <summary>
/// Two measurements taken side by side: A B A B ..., so that a noisy machine hurts both alike. The report keeps
/// every pair, the median of each side and the median of the per-pair ratios B/A.
/// </summary>
public sealed record Comparison(string A, string B, IReadOnlyList<(double A, double B)> Pairs)
{
    public double MedianA => Median(Pairs.Select(p => p.A));

    public double MedianB => Median(Pairs.Select(p => p.B));

    public double MedianRatio => Median(Pairs.Select(p => p.B / p.A));

    public static async Task<Comparison> AlternateAsync(string a, Func<Task<double>> measureA, string b, Func<Task<double>> measureB, int pairs)
    {
        var results = new List<(double, double)>();
        for (var i = 0; i < pairs; i++)
        {
            var x = await measureA();
            var y = await measureB();
            results.Add((x, y));
        }

        return new Comparison(a, b, results);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
