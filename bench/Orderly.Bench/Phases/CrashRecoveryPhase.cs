using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Orderly.Bench.Phases;

/// <summary>
/// R5: the server is killed with SIGKILL at random moments while clients place orders; after each restart every
/// order that got a 2xx must be present and whole, SQLite's integrity check must pass and the stock ledger
/// invariants (R3) must hold.
/// </summary>
public sealed class CrashRecoveryPhase : IPhase
{
    public string Name => "crash-recovery";

    public bool InSmoke => true;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var report = run.Report;
        var database = run.NewSqlite("crash");
        var target = run.Options.Smoke ? 1000 : 10_000;
        var maxKills = run.Options.Smoke ? 2 : 6;
        var budget = Stopwatch.StartNew();
        var timeLimit = run.Options.Smoke ? TimeSpan.FromSeconds(45) : TimeSpan.FromMinutes(4);
        var kills = 0;
        var random = new Random(run.Options.Seed);
        var acknowledged = new ConcurrentDictionary<Guid, bool>();
        long attempted = 0;
        Fixture? fixture = null;
        byte[][]? bodies = null;
        while ((kills < maxKills || acknowledged.Count < target) && budget.Elapsed < timeLimit)
        {
            var server = await ServerProcess.StartAsync(run.Options, database, run.LogFile("crash"));
            using var api = await BenchApi.ConnectAsync(server.Address, 16);
            fixture ??= await Fixture.CreateAsync(api, "K");
            bodies ??= fixture.OrderBodies(4000, run.Options.Seed + 7);
            var before = acknowledged.Count;
            using var stop = new CancellationTokenSource();
            var load = Load.RunAsync(16, timeLimit, long.MaxValue, async (_, n, token) =>
            {
                Interlocked.Increment(ref attempted);
                var (outcome, order) = await OrderCalls.PlaceAndConfirmAsync(api.Http, bodies[n % bodies.Length], token);
                if (outcome.Kind == OutcomeKind.Ok)
                {
                    acknowledged[order!.Id] = true;
                }

                return outcome;
            }, stop.Token);

            // Kill at a random moment once orders are flowing; the last round runs to the target and stops cleanly.
            var lastRound = kills >= maxKills;
            while (acknowledged.Count == before && !load.IsCompleted && budget.Elapsed < timeLimit)
            {
                await Task.Delay(20, ct);
            }

            var killAt = TimeSpan.FromMilliseconds(random.Next(200, 2500));
            await Task.WhenAny(load, Task.Delay(killAt, ct));
            while (lastRound && acknowledged.Count < target && budget.Elapsed < timeLimit && !load.IsCompleted)
            {
                await Task.Delay(50, ct);
            }

            if (!lastRound)
            {
                await server.KillHardAsync();
                kills++;
                report.Line(Name, $"SIGKILL {kills}, {killAt.TotalMilliseconds:N0} ms after the first acknowledgement: {acknowledged.Count:N0} orders acknowledged so far");
            }

            await stop.CancelAsync();
            await load;
            await server.DisposeAsync();
        }

        report.Line(Name, $"{kills} kills, {attempted:N0} orders attempted, {acknowledged.Count:N0} acknowledged");
        Verify(run, database, acknowledged.Keys);
    }

    private void Verify(BenchRun run, DatabaseTarget database, ICollection<Guid> acknowledged)
    {
        using var connection = new SqliteConnection(database.ConnectionString);
        connection.Open();
        var integrity = Scalar(connection, "PRAGMA integrity_check");
        var present = new Dictionary<Guid, bool>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT o.id, o.status = 'Confirmed'
                    AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id AND l.reserved = l.quantity) = 10
                    AND (SELECT coalesce(sum(r.quantity), 0) FROM stock_reservations r WHERE r.order_id = o.id)
                      = (SELECT sum(l.quantity) FROM order_lines l WHERE l.order_id = o.id)
                FROM sales_orders o
                """;
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                present[Guid.Parse(rows.GetString(0))] = rows.GetBoolean(1);
            }
        }

        var lost = acknowledged.Count(id => !present.ContainsKey(id));
        var broken = acknowledged.Count(id => present.TryGetValue(id, out var whole) && !whole);
        var invariants = Scalar(connection, """
            SELECT count(*) FROM stock_balances b
            WHERE b.on_hand <> (SELECT coalesce(sum(l.on_hand_delta), 0) FROM stock_ledger l WHERE l.product_id = b.product_id AND l.warehouse_id = b.warehouse_id)
               OR b.reserved <> (SELECT coalesce(sum(r.quantity), 0) FROM stock_reservations r WHERE r.product_id = b.product_id AND r.warehouse_id = b.warehouse_id)
               OR b.reserved <> (SELECT coalesce(sum(l.reserved_delta), 0) FROM stock_ledger l WHERE l.product_id = b.product_id AND l.warehouse_id = b.warehouse_id)
               OR b.reserved < 0 OR b.on_hand < b.reserved
            """);
        var whole = integrity == "ok" && lost == 0 && broken == 0 && invariants == "0";
        run.Report.Bar("R5", acknowledged.Count, "acknowledged orders checked", run.Options.Smoke ? 1000 : 10_000, whole && (run.Options.Smoke || acknowledged.Count >= 10_000),
            $"after SIGKILLs: {lost} lost, {broken} not whole, integrity_check '{integrity}', {invariants} stock balances breaking the ledger invariants");
        if (!whole)
        {
            run.Report.Fail(Name, $"after kill -9: {lost} acknowledged orders lost, {broken} not whole, integrity '{integrity}', {invariants} balances off");
        }
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
