using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orderly.Bench;

/// <summary>How one operation of a load round ended.</summary>
public readonly record struct Outcome(OutcomeKind Kind, string? Detail = null)
{
    public static readonly Outcome Ok = new(OutcomeKind.Ok);

    public static Outcome Refused(string why) => new(OutcomeKind.Refused, why);

    public static Outcome Failed(string why) => new(OutcomeKind.Failed, why);
}

public enum OutcomeKind
{
    Ok,

    /// <summary>An answer the workload expects, such as "insufficient stock" in a race for the last units.</summary>
    Refused,

    Failed,
}

public sealed record LoadResult(int Clients, long Ok, long Refused, long Failed, TimeSpan Elapsed, Latency Latency, IReadOnlyDictionary<string, long> Failures)
{
    public double PerSecond => Ok / Elapsed.TotalSeconds;

    public string Describe() =>
        $"{Clients} clients: {PerSecond:N0}/s ({Ok:N0} ok, {Refused:N0} refused, {Failed:N0} failed in {Elapsed.TotalSeconds:N1} s), " +
        $"p50 {Latency.P50:N2} ms, p99 {Latency.P99:N2} ms";
}

/// <summary>
/// A closed-loop load generator: each client sends its next operation as soon as the previous answer arrives, so
/// the offered load is exactly what the system under test sustains. Operations take a global sequence number
/// (bodies are generated up front and picked by it); a round ends after its duration or its operation budget.
/// </summary>
public static class Load
{
    public static async Task<LoadResult> RunAsync(
        int clients, TimeSpan duration, long maxOperations, Func<int, long, CancellationToken, Task<Outcome>> operation, CancellationToken ct)
    {
        var next = -1L;
        long ok = 0, refused = 0, failed = 0;
        var failures = new ConcurrentDictionary<string, long>();
        var samples = new List<long>[clients];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var mine = samples[client] = new List<long>(4096);
            while (Stopwatch.GetTimestamp() < deadline && !stop.IsCancellationRequested)
            {
                var sequence = Interlocked.Increment(ref next);
                if (sequence >= maxOperations)
                {
                    break;
                }

                var begun = Stopwatch.GetTimestamp();
                Outcome outcome;
                try
                {
                    outcome = await operation(client, sequence, stop.Token);
                }
                catch (Exception e)
                {
                    if (stop.IsCancellationRequested)
                    {
                        break;
                    }

                    outcome = Outcome.Failed(e.GetType().Name + ": " + e.Message);
                }

                mine.Add(Latency.MicrosecondsSince(begun));
                switch (outcome.Kind)
                {
                    case OutcomeKind.Ok: Interlocked.Increment(ref ok); break;
                    case OutcomeKind.Refused: Interlocked.Increment(ref refused); break;
                    default:
                        Interlocked.Increment(ref failed);
                        failures.AddOrUpdate(Shorten(outcome.Detail), 1, (_, n) => n + 1);
                        break;
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new LoadResult(clients, ok, refused, failed, elapsed, new Latency(samples.SelectMany(s => s ?? [])), failures);
    }

    private static string Shorten(string? detail) => detail is null ? "?" : detail.Length <= 160 ? detail : detail[..160];
}
