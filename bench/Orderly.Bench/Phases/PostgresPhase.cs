using Npgsql;

namespace Orderly.Bench.Phases;

/// <summary>
/// P8, with --postgres: the P1 workload on PostgreSQL (a throwaway cluster with production durability) side by
/// side with the raw-SQL limit for the same writes, then three server processes on one database racing for the
/// last 1,000 units of a product: exactly 1,000 sold, nothing oversold, no order number twice.
/// </summary>
public sealed class PostgresPhase : IPhase
{
    private const int LastUnits = 1000;

    public string Name => "postgres";

    public bool InSmoke => false;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        if (!run.Options.Postgres)
        {
            return;
        }

        var admin = run.PostgresAdmin ?? throw new InvalidOperationException("--postgres needs ORDERLY_BENCH_POSTGRES (bench.sh starts a cluster).");
        var (throughput, ratio) = await ThroughputAsync(run, admin, ct);
        var perNodes = await NodeScalingAsync(run, admin, ct);
        var chains = await AuditChainsAsync(run, admin, ct);
        var (sold, oversold, duplicates, failures) = await ThreeNodesAsync(run, admin, ct);
        var met = throughput >= 5000 && sold == LastUnits && oversold == 0 && duplicates == 0 && failures == 0;
        run.Report.Bar("P8", throughput, "orders/s", 5000, met,
            $"PostgreSQL, API at 64 clients ({ratio:N3} of the raw-SQL limit); by node count {string.Join(", ", perNodes.Select((r, i) => $"{i + 1}: {r:N0}/s"))}; "
            + $"64 audit chains / 1 chain {chains:N2}x; 3 nodes racing for {LastUnits} units: {sold} sold, {oversold} oversold, {duplicates} duplicate order numbers, {failures} other errors");
    }

    /// <summary>Load before a measurement while a server's code tiers up (a round in smoke runs).</summary>
    private static TimeSpan WarmUp(BenchRun run, int seconds) => run.Options.Smoke ? run.Options.Round : TimeSpan.FromSeconds(seconds);

    /// <summary>Order entry at 64 clients spread over 1, 2 and 3 server processes on one database.</summary>
    private async Task<double[]> NodeScalingAsync(BenchRun run, string admin, CancellationToken ct)
    {
        var database = await CreateDatabaseAsync(admin, "scale", ct);
        var nodes = new List<ServerProcess>();
        var apis = new List<BenchApi>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await ServerProcess.StartAsync(run.Options, database, run.LogFile($"pg-scale{i + 1}")));
                apis.Add(await BenchApi.ConnectAsync(nodes[i].Address, 64));
            }

            var bodies = (await Fixture.CreateAsync(apis[0], "S")).OrderBodies(20_000, run.Options.Seed);
            // Each node warmed alone first, so one node is not measured colder than the two and three after it.
            for (var i = 0; i < nodes.Count; i++)
            {
                var node = i;
                var warm = await Load.RunAsync(64, WarmUp(run, 10), long.MaxValue,
                    async (_, n, token) => (await OrderCalls.PlaceAndConfirmAsync(apis[node].Http, bodies[n % bodies.Length], token)).Outcome, ct);
                run.Report.Line(Name, $"warm-up of node {node + 1}: {warm.Describe()}");
            }

            var rates = new double[3];
            for (var count = 1; count <= 3; count++)
            {
                var used = count;
                var result = await Load.RunAsync(64, run.Options.Round, long.MaxValue,
                    async (client, n, token) => (await OrderCalls.PlaceAndConfirmAsync(apis[client % used].Http, bodies[n % bodies.Length], token)).Outcome, ct);
                run.Report.Line(Name, $"{count} node(s) on one database, 64 clients: {result.Describe()}");
                if (result.Failed > 0)
                {
                    run.Report.Fail(Name, $"{result.Failed} orders failed with {count} nodes: {string.Join("; ", result.Failures.Keys)}");
                }

                rates[count - 1] = result.PerSecond;
            }

            return rates;
        }
        finally
        {
            apis.ForEach(a => a.Dispose());
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>What splitting the audit trail into chains buys: one chain (every writer in line) against 64, alternated.</summary>
    private async Task<double> AuditChainsAsync(BenchRun run, string admin, CancellationToken ct)
    {
        var databaseA = await CreateDatabaseAsync(admin, "chain1", ct);
        var databaseB = await CreateDatabaseAsync(admin, "chain64", ct);
        await using var serverA = await ServerProcess.StartAsync(run.Options, databaseA, run.LogFile("pg-chain1"), new Dictionary<string, string> { ["Orderly__Audit__Chains"] = "1" });
        await using var serverB = await ServerProcess.StartAsync(run.Options, databaseB, run.LogFile("pg-chain64"), new Dictionary<string, string> { ["Orderly__Audit__Chains"] = "64" });
        using var apiA = await BenchApi.ConnectAsync(serverA.Address, 64);
        using var apiB = await BenchApi.ConnectAsync(serverB.Address, 64);
        var bodiesA = (await Fixture.CreateAsync(apiA, "A")).OrderBodies(10_000, run.Options.Seed);
        var bodiesB = (await Fixture.CreateAsync(apiB, "B")).OrderBodies(10_000, run.Options.Seed);
        async Task<double> Measure(BenchApi api, byte[][] bodies, string side, TimeSpan? duration = null)
        {
            var result = await Load.RunAsync(64, duration ?? run.Options.Round, long.MaxValue,
                async (_, n, token) => (await OrderCalls.PlaceAndConfirmAsync(api.Http, bodies[n % bodies.Length], token)).Outcome, ct);
            run.Report.Line(Name, $"audit chains, {side}: {result.Describe()}");
            return result.PerSecond;
        }

        await Measure(apiA, bodiesA, "warm-up, 1 chain", WarmUp(run, 10));
        await Measure(apiB, bodiesB, "warm-up, 64 chains", WarmUp(run, 10));
        var comparison = await Comparison.AlternateAsync("1 chain", () => Measure(apiA, bodiesA, "1 chain"), "64 chains", () => Measure(apiB, bodiesB, "64 chains"), run.Options.Pairs);
        run.Report.Line(Name, $"**audit chains on PostgreSQL**: 64 / 1 = {comparison.MedianRatio:N2}x orders/s (medians {comparison.MedianB:N0} vs {comparison.MedianA:N0}/s)");
        return comparison.MedianRatio;
    }

    private async Task<(double Api, double Ratio)> ThroughputAsync(BenchRun run, string admin, CancellationToken ct)
    {
        var database = await CreateDatabaseAsync(admin, "p8", ct);
        await using var server = await ServerProcess.StartAsync(run.Options, database, run.LogFile("pg-p8"));
        using var api = await BenchApi.ConnectAsync(server.Address, 64);
        var fixture = await Fixture.CreateAsync(api, "P");
        var bodies = fixture.OrderBodies(20_000, run.Options.Seed);
        async Task<double> Api(TimeSpan? duration = null)
        {
            var result = await Load.RunAsync(64, duration ?? run.Options.Round, long.MaxValue,
                async (_, n, token) => (await OrderCalls.PlaceAndConfirmAsync(api.Http, bodies[n % bodies.Length], token)).Outcome, ct);
            run.Report.Line(Name, $"API on PostgreSQL, {result.Describe()}");
            if (result.Failed > 0)
            {
                run.Report.Fail(Name, $"{result.Failed} orders failed on PostgreSQL: {string.Join("; ", result.Failures.Keys)}");
            }

            return result.PerSecond;
        }

        await using var data = NpgsqlDataSource.Create(database.ConnectionString + ";Maximum Pool Size=80");
        var raw = new RawPostgresOrders(data, fixture.WarehouseId, fixture.Products, fixture.Customers);
        var round = 0;
        async Task<double> Raw()
        {
            var (perSecond, _) = await raw.RunAsync(64, run.Options.Round, run.Options.Seed + ++round, ct);
            run.Report.Line(Name, $"raw SQL on PostgreSQL, 64 connections, one round trip per order: {perSecond:N0}/s");
            return perSecond;
        }

        await Api(WarmUp(run, 15));
        var comparison = await Comparison.AlternateAsync("raw SQL", Raw, "API", () => Api(), run.Options.Pairs);
        return (comparison.MedianB, comparison.MedianRatio);
    }

    private async Task<(long Sold, long Oversold, long Duplicates, long Failures)> ThreeNodesAsync(BenchRun run, string admin, CancellationToken ct)
    {
        var database = await CreateDatabaseAsync(admin, "nodes", ct);
        var first = await ServerProcess.StartAsync(run.Options, database, run.LogFile("pg-node1"));
        var others = await Task.WhenAll(
            ServerProcess.StartAsync(run.Options, database, run.LogFile("pg-node2")),
            ServerProcess.StartAsync(run.Options, database, run.LogFile("pg-node3")));
        ServerProcess[] nodes = [first, .. others];
        try
        {
            var apis = await Task.WhenAll(nodes.Select(n => BenchApi.ConnectAsync(n.Address, 32)));
            var fixture = await Fixture.CreateAsync(apis[0], "N");
            var product = await fixture.HotProductAsync(apis[0], "NODES", LastUnits);
            var body = Fixture.OneLineBody(fixture.NoBackorderCustomer, product, 1);
            var result = await Load.RunAsync(64, TimeSpan.FromMinutes(5), LastUnits + (64 * 4),
                async (client, _, token) => (await OrderCalls.PlaceAndConfirmAsync(apis[client % apis.Length].Http, body, token)).Outcome, ct);
            run.Report.Line(Name, $"3 nodes racing for the last {LastUnits} units: {result.Describe()}");
            foreach (var (failure, count) in result.Failures)
            {
                run.Report.Line(Name, $"  {count} x {failure}");
            }

            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(ct);
            var reserved = await ScalarAsync(connection, $"SELECT coalesce(sum(reserved), 0) / 1000 FROM stock_balances WHERE product_id = '{product}'", ct);
            var onHand = await ScalarAsync(connection, $"SELECT coalesce(sum(on_hand), 0) / 1000 FROM stock_balances WHERE product_id = '{product}'", ct);
            var duplicates = await ScalarAsync(connection, "SELECT count(*) - count(DISTINCT number) FROM sales_orders", ct);
            var oversold = Math.Max(0, Math.Max(result.Ok, reserved) - onHand);
            if (oversold > 0 || duplicates > 0)
            {
                run.Report.Fail(Name, $"3 nodes: {oversold} units oversold, {duplicates} duplicate order numbers");
            }

            foreach (var api in apis)
            {
                api.Dispose();
            }

            return (result.Ok, oversold, duplicates, result.Failed);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<DatabaseTarget> CreateDatabaseAsync(string admin, string name, CancellationToken ct)
    {
        var database = $"orderly_bench_{Environment.ProcessId}_{name}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database}", connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = database };
        return new DatabaseTarget("postgres", builder.ConnectionString);
    }
}
