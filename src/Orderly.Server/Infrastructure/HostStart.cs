namespace Orderly.Server.Infrastructure;

/// <summary>
/// Background loops that nobody waits for at start (the event and message dispatchers) begin once the host has
/// started, so their first pass (queries, and the JIT of everything they call) does not share two cores with the
/// start itself. With an empty outbox this measured no change in the start (P11, docs/performance.md); it matters
/// for a node restarting with a backlog, and the loops lose nothing by beginning later.
/// </summary>
public static class HostStart
{
    /// <summary>Completes when the host has started (at once if it has), or is cancelled with <paramref name="ct"/>.</summary>
    public static async Task WhenStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        if (lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(ct);
    }
}
