using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Orderly.Bench.DataSet;

namespace Orderly.Bench.Phases;

/// <summary>
/// P7: does order entry slow down as the database grows? Two servers, each on a copy of a built data set (10k and 1M
/// existing orders with their lines, histories, ledger and rollups), take the order-entry workload of P1 (64 clients
/// placing and confirming 10-line orders against the data set's own products and customers) in alternating rounds,
/// A B A B, only one of them under load at a time. The bar is the median per-pair throughput ratio large/small; it is
/// met when that is at least 0.97 and the median per-pair p99 ratio is at most 1.1. Every acknowledged order is
/// checked in its database afterwards.
/// </summary>
public sealed class GrowthPhase(int smallOrders = LargeDataSet.Small, int largeOrders = LargeDataSet.Large) : IPhase
{
    private const int Clients = 64;

    public string Name => "growth";

    /// <summary>Not in smoke: the 1M-order data set alone takes longer than a smoke run (--phase growth forces it).</summary>
    public bool InSmoke => false;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        try
        {
            await MeasureAsync(run, ct);
        }
        finally
        {
            // The 1M-order copy is several GB: not kept to the end of the run unless asked to keep the scratch folder.
            if (Environment.GetEnvironmentVariable("ORDERLY_BENCH_KEEP") is null)
            {
                SqliteConnection.ClearAllPools();
                foreach (var file in Directory.GetFiles(run.WorkDirectory, "growth-*.db*"))
                {
                    File.Delete(file);
                }
            }
        }
    }

    private async Task MeasureAsync(BenchRun run, CancellationToken ct)
    {
        var report = run.Report;
        var (smallSize, largeSize) = run.Options.GrowthSizes ?? (smallOrders, largeOrders);
        var small = await LargeDataSet.CopyAsync(run, smallSize, "growth-small", ct);
        var large = await LargeDataSet.CopyAsync(run, largeSize, "growth-large", ct);
        await using var smallServer = await ServerProcess.StartAsync(run.Options, small.Database, run.LogFile("growth-small"));
        await using var largeServer = await ServerProcess.StartAsync(run.Options, large.Database, run.LogFile("growth-large"));
        report.Line(Name, $"servers started on {small.Orders:N0} orders in {smallServer.StartTime.TotalSeconds:N2} s and on {large.Orders:N0} orders in {largeServer.StartTime.TotalSeconds:N2} s");
        var a = await Side.ConnectAsync(smallServer, small, $"{Label(small.Orders)} orders", run.Options.Seed);
        using var aApi = a.Api;
        var b = await Side.ConnectAsync(largeServer, large, $"{Label(large.Orders)} orders", run.Options.Seed);
        using var bApi = b.Api;

        // Longer than other phases' rounds: with 6 s rounds the servers were still warming (29, 60, 80 orders/s in
        // successive rounds) and the ratio moved by several points between runs. A 15 s warm-up per side and 20 s
        // rounds, 5 pairs, settle it (the report gives the spread of the pairs' ratios).
        var warmUp = run.Options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(15);
        var roundLength = run.Options.Smoke || run.Options.RoundOverride is not null ? run.Options.Round : TimeSpan.FromSeconds(20);
        var pairs = run.Options.Smoke ? run.Options.Pairs : 5;
        foreach (var side in new[] { a, b })
        {
            report.Line(Name, $"warm-up {side.Label}: {(await side.RunAsync(warmUp, ct)).Describe()}");
        }

        var rounds = new Dictionary<Side, List<LoadResult>> { [a] = [], [b] = [] };
        async Task<double> Round(Side side)
        {
            var result = await side.RunAsync(roundLength, ct);
            rounds[side].Add(result);
            report.Line(Name, $"{side.Label} round {rounds[side].Count}: {result.Describe()}");
            foreach (var (failure, count) in result.Failures)
            {
                report.Line(Name, $"  {count} x {failure}");
            }

            return result.PerSecond;
        }

        var throughput = await Comparison.AlternateAsync(a.Label, () => Round(a), b.Label, () => Round(b), pairs);
        var ratios = throughput.Pairs.Select(p => p.B / p.A).Order().ToList();
        var p99 = new Comparison(a.Label, b.Label, [.. rounds[a].Zip(rounds[b], (x, y) => (x.Latency.P99, y.Latency.P99))]);
        var met = throughput.MedianRatio >= 0.97 && p99.MedianRatio <= 1.1;
        var scale = largeSize == LargeDataSet.Large && smallSize == LargeDataSet.Small ? "" : " (NOT the 10k/1M sizes of the bar)";
        report.Bar("P7", throughput.MedianRatio, "ratio", 0.97, met,
            $"order entry (64 clients, 10-line orders placed + confirmed) on {b.Label} / on {a.Label}{scale}, median of {throughput.Pairs.Count} A/B pairs; " +
            $"medians {throughput.MedianB:N0}/s vs {throughput.MedianA:N0}/s, pair ratios {ratios[0]:N3}-{ratios[^1]:N3} ({roundLength.TotalSeconds:N0} s rounds); p99 ratio {p99.MedianRatio:N3} (target <= 1.1), p99 medians {p99.MedianB:N1} ms vs {p99.MedianA:N1} ms");
        report.FailIfFarBelow(Name, "P7 (throughput large / small)", throughput.MedianRatio, 0.5);

        foreach (var side in new[] { a, b })
        {
            var failed = rounds[side].Sum(r => r.Failed);
            if (failed > 0)
            {
                report.Fail(Name, $"{side.Label}: {failed} orders failed (not refusals)");
            }

            await CheckAcknowledgedAsync(run, side);
        }
    }

    private static string Label(int orders) => orders >= 1_000_000 && orders % 1_000_000 == 0 ? $"{orders / 1_000_000}M"
        : orders >= 1_000 && orders % 1_000 == 0 ? $"{orders / 1_000}k" : $"{orders:N0}";

    /// <summary>Every acknowledged order is in its database once, confirmed, with all its lines reserved; and no other new order is.</summary>
    private async Task CheckAcknowledgedAsync(BenchRun run, Side side)
    {
        await using var connection = new SqliteConnection(side.Data.Database.ConnectionString + ";Mode=ReadOnly");
        await connection.OpenAsync();
        var ids = side.Acknowledged.ToHashSet();
        var found = new Dictionary<Guid, (string Status, long Lines)>();
        await using (var command = connection.CreateCommand())
        {
            // The data set's orders were all created before the bench started; the new ones are after it.
            command.CommandText = """
                SELECT o.id, o.status, (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id AND l.reserved = l.quantity)
                FROM sales_orders o WHERE o.created_at >= $since
                """;
            command.Parameters.AddWithValue("$since", side.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                found[Guid.Parse(rows.GetString(0))] = (rows.GetString(1), rows.GetInt64(2));
            }
        }

        var missing = ids.Count(id => !found.TryGetValue(id, out var row) || row.Status != "Confirmed" || row.Lines != Fixture.LinesPerOrder);
        run.Report.Line(Name, $"{side.Label}: {side.Acknowledged.Count:N0} acknowledged orders ({ids.Count:N0} distinct); {found.Count:N0} new orders in the database; " +
            $"{missing} acknowledged but missing or not whole");
        if (missing > 0 || ids.Count != side.Acknowledged.Count)
        {
            run.Report.Fail(Name, $"{side.Label}: {missing} acknowledged orders missing or not whole, {side.Acknowledged.Count - ids.Count} acknowledged twice");
        }
    }

    /// <summary>One server of the comparison, its data set, its order bodies and the orders it acknowledged.</summary>
    private sealed class Side
    {
        private readonly byte[][] _bodies;

        private Side(string label, DataSetCopy data, BenchApi api, byte[][] bodies)
        {
            Label = label;
            Data = data;
            Api = api;
            _bodies = bodies;
        }

        public string Label { get; }

        public DataSetCopy Data { get; }

        public BenchApi Api { get; }

        public DateTimeOffset Since { get; } = DateTimeOffset.UtcNow.AddMinutes(-1);

        public ConcurrentBag<Guid> Acknowledged { get; } = [];

        public static async Task<Side> ConnectAsync(ServerProcess server, DataSetCopy data, string label, int seed)
        {
            var api = await BenchApi.ConnectAsync(server.Address, Clients);
            return new Side(label, data, api, data.Fixture.OrderBodies(20_000, seed));
        }

        public Task<LoadResult> RunAsync(TimeSpan duration, CancellationToken ct) =>
            Load.RunAsync(Clients, duration, long.MaxValue, async (_, n, token) =>
            {
                var (outcome, order) = await OrderCalls.PlaceAndConfirmAsync(Api.Http, _bodies[n % _bodies.Length], token);
                if (outcome.Kind == OutcomeKind.Ok)
                {
                    Acknowledged.Add(order!.Id);
                }

                return outcome;
            }, ct);
    }
}
