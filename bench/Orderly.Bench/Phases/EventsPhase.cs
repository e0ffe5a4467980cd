using Microsoft.Data.Sqlite;

namespace Orderly.Bench.Phases;

/// <summary>
/// P12: what the transactional outbox costs and how fast its events reach their handlers. The order-entry workload
/// (64 clients placing and confirming 10-line orders) against two servers that differ only in writing events
/// (A: dropped, B: written to the outbox and dispatched), alternating A B A B; the throughput ratio B / A is the
/// P2 ratio with the outbox on / off (the raw-SQL limit is the same for both). Then, from B's database, the time
/// from each event's commit to its delivery (every handler done), p50 and p99, for the events of the measured rounds.
/// </summary>
public sealed class EventsPhase : IPhase
{
    public string Name => "events";

    public bool InSmoke => false;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var report = run.Report;
        var databaseB = run.NewSqlite("events-on");
        await using var serverA = await ServerProcess.StartAsync(run.Options, run.NewSqlite("events-off"), run.LogFile("events-off"),
            new Dictionary<string, string> { ["Orderly__Events__WriteEvents"] = "false" });
        await using var serverB = await ServerProcess.StartAsync(run.Options, databaseB, run.LogFile("events-on"), new Dictionary<string, string>());
        using var apiA = await BenchApi.ConnectAsync(serverA.Address, 64);
        using var apiB = await BenchApi.ConnectAsync(serverB.Address, 64);
        var bodiesA = (await Fixture.CreateAsync(apiA, "A")).OrderBodies(10_000, run.Options.Seed);
        var bodiesB = (await Fixture.CreateAsync(apiB, "B")).OrderBodies(10_000, run.Options.Seed);

        async Task<double> Measure(BenchApi api, byte[][] bodies, string side)
        {
            var result = await Load.RunAsync(64, run.Options.Round, long.MaxValue,
                async (_, n, token) => (await OrderCalls.PlaceAndConfirmAsync(api.Http, bodies[n % bodies.Length], token)).Outcome, ct);
            report.Line(Name, $"{side}: {result.Describe()}");
            return result.PerSecond;
        }

        await Measure(apiA, bodiesA, "warm-up, outbox off");
        await Measure(apiB, bodiesB, "warm-up, outbox on");
        var measuredFrom = DateTime.UtcNow;
        var comparison = await Comparison.AlternateAsync(
            "outbox off", () => Measure(apiA, bodiesA, "outbox off"), "outbox on", () => Measure(apiB, bodiesB, "outbox on"), run.Options.Pairs);
        report.Line(Name, $"**outbox on / off** = {comparison.MedianRatio:N3}x orders/s (medians {comparison.MedianB:N0} vs {comparison.MedianA:N0}/s)");
        report.AtLeast("P12b", comparison.MedianRatio, "ratio", 0.97, "P2 with the outbox on / off: order entry at 64 clients, A B A B");

        // Let the dispatcher finish what the last round queued, then read each event's commit-to-delivery time.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var lags = await LagsAsync(databaseB.ConnectionString, measuredFrom, ct);
        if (lags.Count == 0)
        {
            report.Fail(Name, "no event was delivered during the measured rounds");
            return;
        }

        var p50 = Percentile(lags, 0.50);
        var p99 = Percentile(lags, 0.99);
        report.Line(Name, $"commit to delivery over {lags.Count:N0} events: p50 {p50:N1} ms, p99 {p99:N1} ms, max {lags[^1]:N1} ms");
        report.AtMost("P12", p99, "ms p99", 1000, $"commit to every handler done, under the P1 load (p50 {p50:N1} ms, {lags.Count:N0} events)");
    }

    private static async Task<List<double>> LagsAsync(string connectionString, DateTime from, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT occurred_at, processed_at FROM outbox WHERE state = 'Done' AND occurred_at >= $from";
        command.Parameters.AddWithValue("$from", from);
        var lags = new List<double>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lags.Add((reader.GetDateTime(1) - reader.GetDateTime(0)).TotalMilliseconds);
        }

        lags.Sort();
        return lags;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
