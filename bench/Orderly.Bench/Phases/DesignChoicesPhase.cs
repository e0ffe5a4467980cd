namespace Orderly.Bench.Phases;

/// <summary>
/// What each write-path design choice buys: the order-entry workload (64 clients, 10-line orders placed and
/// confirmed) against two servers that differ in one setting, alternating rounds A B A B on the same machine,
/// only one server under load at a time. The ratio is B / A.
/// </summary>
public sealed class DesignChoicesPhase : IPhase
{
    private static readonly (string Name, string Without, string With, Dictionary<string, string> A, Dictionary<string, string> B, bool TwoRequestsA)[] Choices =
    [
        ("place path", "create + submit (2 requests, 2 transactions)", "\"submit\": true (1 request, 1 transaction)",
            new(), new(), true),
        ("SQLite group commit", "synchronous=FULL, one fsync per commit", "group commit (one fsync for many commits)",
            new() { ["Database__SqliteGroupCommit"] = "false" }, new() { ["Database__SqliteGroupCommit"] = "true" }, false),
        ("SQLite write batches", "one transaction per unit of work", "up to 16 units per transaction, a savepoint each",
            new() { ["Database__SqliteBatchUnits"] = "1" }, new() { ["Database__SqliteBatchUnits"] = "16" }, false),
        ("lists as one query parameter", "one parameter per list element (EF Core 10's default)", "one parameter holding the list",
            new() { ["Database__CollectionsAsOneParameter"] = "false" }, new() { ["Database__CollectionsAsOneParameter"] = "true" }, false),
        ("event inbox rows only where needed", "an inbox row per handler and event", "rows only for work done or a retried event",
            new() { ["Orderly__Events__InboxRowPerDelivery"] = "true" }, new() { ["Orderly__Events__InboxRowPerDelivery"] = "false" }, false),
        ("thread-pool spinning off", "idle workers spin (.NET default)", "no spinning (UnfairSemaphoreSpinLimit=0)",
            new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "70" }, new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }, false),
        ("workstation GC", "server GC", "workstation GC",
            new() { ["DOTNET_gcServer"] = "1" }, new() { ["DOTNET_gcServer"] = "0" }, false),
    ];

    public string Name => "design-choices";

    public bool InSmoke => false;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        foreach (var (choice, without, with, a, b, twoRequestsA) in Choices)
        {
            if (run.Options.OnlyChoices.Count > 0 && !run.Options.OnlyChoices.Any(c => choice.Contains(c, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var slug = choice.Replace(' ', '-').ToLowerInvariant();
            await using var serverA = await ServerProcess.StartAsync(run.Options, run.NewSqlite(slug + "-a"), run.LogFile(slug + "-a"), a);
            await using var serverB = await ServerProcess.StartAsync(run.Options, run.NewSqlite(slug + "-b"), run.LogFile(slug + "-b"), b);
            using var apiA = await BenchApi.ConnectAsync(serverA.Address, 64);
            using var apiB = await BenchApi.ConnectAsync(serverB.Address, 64);
            var bodiesA = (await Fixture.CreateAsync(apiA, "A")).OrderBodies(10_000, run.Options.Seed);
            var bodiesB = (await Fixture.CreateAsync(apiB, "B")).OrderBodies(10_000, run.Options.Seed);
            var cpu = new Dictionary<string, List<double>>();
            async Task<double> Measure(ServerProcess server, BenchApi api, byte[][] bodies, string side, TimeSpan? duration = null)
            {
                var before = server.CpuTime();
                var result = await Load.RunAsync(64, duration ?? run.Options.Round, long.MaxValue, Orders(api, bodies, oneRequest: !(twoRequestsA && server == serverA)), ct);
                var perOrder = (server.CpuTime() - before).TotalMilliseconds / Math.Max(1, result.Ok);
                (cpu.TryGetValue(side, out var list) ? list : cpu[side] = []).Add(perOrder);
                run.Report.Line(Name, $"{choice}, {side}: {result.Describe()}; server CPU {perOrder:N1} ms per order");
                return result.PerSecond;
            }

            // As in the order-entry phase: a server's code is still tiering up for several seconds of load.
            var warmUp = run.Options.Smoke ? run.Options.Round : TimeSpan.FromSeconds(15);
            await Measure(serverA, apiA, bodiesA, "warm-up " + without, warmUp);
            await Measure(serverB, apiB, bodiesB, "warm-up " + with, warmUp);
            var comparison = await Comparison.AlternateAsync(
                without, () => Measure(serverA, apiA, bodiesA, without), with, () => Measure(serverB, apiB, bodiesB, with), run.Options.Pairs);
            var cpuRatio = Comparison.Median(cpu[with]) / Comparison.Median(cpu[without]);
            // One client alone (P3's case): what the choice costs or buys when nothing queues.
            var alone = new List<(double A, double B)>();
            for (var pair = 0; pair < run.Options.Pairs; pair++)
            {
                var soloA = await Load.RunAsync(1, run.Options.Round, long.MaxValue, Orders(apiA, bodiesA, oneRequest: !twoRequestsA), ct);
                var soloB = await Load.RunAsync(1, run.Options.Round, long.MaxValue, Orders(apiB, bodiesB, oneRequest: true), ct);
                alone.Add((soloA.Latency.P50, soloB.Latency.P50));
            }

            run.Report.Line(Name, $"{choice}, one client: p50 {Comparison.Median(alone.Select(p => p.B)):N2} ms {with} vs {Comparison.Median(alone.Select(p => p.A)):N2} ms {without} " +
                $"({Comparison.Median(alone.Select(p => p.B / p.A)):N2}x, median of {alone.Count} alternated pairs)");
            foreach (var (api, side) in new[] { (apiA, without), (apiB, with) })
            {
                if (await UnitsPerBatchAsync(api, ct) is { } perBatch)
                {
                    run.Report.Line(Name, $"{choice}, {side}: {perBatch.Units:N0} units of work in {perBatch.Batches:N0} SQLite transactions ({(double)perBatch.Units / perBatch.Batches:N1} per transaction)");
                }
            }

            run.Report.Line(Name, $"**{choice}**: {with} / {without} = {comparison.MedianRatio:N2}x orders/s (medians {comparison.MedianB:N0} vs {comparison.MedianA:N0}/s), {cpuRatio:N2}x server CPU per order");
        }
    }

    /// <summary>Places and confirms the order bodies in turn: in one request, or created and then submitted.</summary>
    private static Func<int, long, CancellationToken, Task<Outcome>> Orders(BenchApi api, byte[][] bodies, bool oneRequest) =>
        async (_, n, token) => (await OrderCalls.PlaceAndConfirmAsync(api.Http, bodies[n % bodies.Length], token, oneRequest)).Outcome;

    /// <summary>The server's write batches so far (orderly_write_batch_units on /metrics), or null where it ran none.</summary>
    private static async Task<(double Units, double Batches)?> UnitsPerBatchAsync(BenchApi api, CancellationToken ct)
    {
        string text;
        try
        {
            text = await api.Http.GetStringAsync("/metrics", ct);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        // Prometheus text: one sample per line, its value last; summed over the outcome label.
        double Sum(string metric) => text.Split('\n').Where(l => l.StartsWith(metric, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var batches = Sum("orderly_write_batch_units_count");
        return batches > 0 ? (Sum("orderly_write_batch_units_sum"), batches) : null;
    }
}
