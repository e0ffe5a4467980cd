using System.Diagnostics.Metrics;

namespace Orderly.Server.Platform.Events;

/// <summary>The event backbone's instruments (meter <c>Orderly</c>): deliveries, dead letters and commit-to-handler lag.</summary>
public static class OrderlyEventMetrics
{
    public const string MeterName = "Orderly";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> HandledCount = Meter.CreateCounter<long>("orderly.events.handled", description: "Events applied by a handler");
    private static readonly Counter<long> DeadCount = Meter.CreateCounter<long>("orderly.events.dead_lettered", description: "Events dead-lettered after their last attempt");
    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>("orderly.events.lag", "ms", "From the event's commit to its handler");

    /// <summary>Lags of recent deliveries, for the bench's p50/p99 (a bounded ring, newest last).</summary>
    private static readonly double[] Recent = new double[65_536];
    private static long _recentCount;

    public static void Handled(EventEnvelope e, string handler, DateTimeOffset now)
    {
        var lag = (now - e.OccurredAt).TotalMilliseconds;
        HandledCount.Add(1, new KeyValuePair<string, object?>("type", e.Type), new KeyValuePair<string, object?>("handler", handler));
        Lag.Record(lag, new KeyValuePair<string, object?>("handler", handler));
        var slot = Interlocked.Increment(ref _recentCount) - 1;
        Recent[slot % Recent.Length] = lag;
    }

    public static void DeadLettered(EventEnvelope e) => DeadCount.Add(1, new KeyValuePair<string, object?>("type", e.Type));

    /// <summary>The lags recorded so far (up to the last 65,536), for a percentile report.</summary>
    public static double[] RecentLags()
    {
        var count = Math.Min(Interlocked.Read(ref _recentCount), Recent.Length);
        return Recent[..(int)count];
    }
}
