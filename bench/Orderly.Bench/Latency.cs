using System.Diagnostics;

namespace Orderly.Bench;

/// <summary>Latencies of one load round, in microseconds; percentiles by nearest rank over every sample.</summary>
public sealed class Latency
{
    private readonly long[] _sorted;

    public Latency(IEnumerable<long> microseconds)
    {
        _sorted = [.. microseconds];
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    /// <summary>Every sample, in microseconds, sorted.</summary>
    public IReadOnlyList<long> Samples => _sorted;

    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double P99 => Percentile(0.99);

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1] / 1000.0;

    /// <summary>The percentile in milliseconds.</summary>
    public double Percentile(double p)
    {
        if (_sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * _sorted.Length) - 1;
        return _sorted[Math.Clamp(rank, 0, _sorted.Length - 1)] / 1000.0;
    }

    public static long MicrosecondsSince(long startTimestamp) =>
        (Stopwatch.GetTimestamp() - startTimestamp) * 1_000_000 / Stopwatch.Frequency;
}
