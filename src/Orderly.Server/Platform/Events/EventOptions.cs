using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Platform.Events;

/// <summary>Settings of the event backbone (<c>Orderly:Events</c>).</summary>
public sealed class EventOptions
{
    public const string Section = "Orderly:Events";

    /// <summary>
    /// Off only to measure what the outbox costs (the bench's P12 comparison): events are then dropped, not written,
    /// and nothing downstream of them works.
    /// </summary>
    public bool WriteEvents { get; set; } = true;

    /// <summary>
    /// On only to measure what the inbox's skipped rows buy (the bench's design choices): every handler's delivery of
    /// an event then writes its inbox row, whether it did anything or not and whether the event is retried or not.
    /// </summary>
    public bool InboxRowPerDelivery { get; set; }

    /// <summary>Off for a node that should only write events (another node delivers them).</summary>
    public bool DispatcherEnabled { get; set; } = true;

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>How often a node looks for events committed by other nodes; its own commits wake it at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a claimed event stays with its node; a node that dies loses its claims when they expire.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan LeaseFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries tried before an event is dead-lettered for an administrator to retry.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FirstRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Delivered events are kept this long for the feed (<c>GET /api/events</c>), then deleted.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan KeepDelivered { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The backoff before attempt <paramref name="attempt"/> + 1: exponential, with full jitter.</summary>
    public TimeSpan RetryDelay(int attempt, Random random)
    {
        var ceiling = Math.Min(MaxRetryAfter.TotalMilliseconds, FirstRetryAfter.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + random.NextDouble() * ceiling / 2);
    }
}
