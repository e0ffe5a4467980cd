using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orderly.Bench.Phases;

/// <summary>
/// Issue #18's "fewer rows per order, measured" at the raw-SQL level. First the rows the server really writes: the
/// rows in every table before and after a fixed number of API orders (placed and confirmed), per order. Then the
/// raw-SQL limit (<see cref="RawSqliteOrders"/>) with each <see cref="RowVariant"/>, each on its own copy of that
/// database, alternating rounds A B C ... (one commit per order, then group commit, in each round); per variant
/// the median orders/s and its ratio to the baseline, this process's CPU per order (the raw writer is its only busy
/// thread; on a shared machine the steadier figure), the statements and rows per order, the new rows per table and
/// the database's growth in bytes per order, and the stock reconciliation sums R3 checks.
/// </summary>
public sealed class RowVariantsPhase : IPhase
{
    private const int TalliedOrders = 300;
    private const int GroupSize = 64;

    private static readonly (string Name, RowVariant Variant)[] Variants =
    [
        ("baseline (today's rows)", RowVariant.Baseline),
        ("reservation row is the ledger entry", RowVariant.ReservationIsLedger),
        ("allocation decision as JSON on the line", RowVariant.DecisionOnLine),
        ("both of those", RowVariant.ReservationIsLedger | RowVariant.DecisionOnLine),
        ("one status change (none -> Confirmed)", RowVariant.OneStatusChange),
        ("all three", RowVariant.ReservationIsLedger | RowVariant.DecisionOnLine | RowVariant.OneStatusChange),
        ("compact Create audit record", RowVariant.CompactCreateAudit),
        ("all four", RowVariant.ReservationIsLedger | RowVariant.DecisionOnLine | RowVariant.OneStatusChange | RowVariant.CompactCreateAudit),
    ];

    public string Name => "row-variants";

    public bool InSmoke => false;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var report = run.Report;
        var database = run.NewSqlite("rows");
        var template = Path.Combine(run.WorkDirectory, "rows-template.db");
        Fixture fixture;
        await using (var server = await ServerProcess.StartAsync(run.Options, database, run.LogFile("rows")))
        {
            using var api = await BenchApi.ConnectAsync(server.Address, 16);
            fixture = await Fixture.CreateAsync(api, "V");
            var bodies = fixture.OrderBodies(5_000, run.Options.Seed);
            Func<int, long, CancellationToken, Task<Outcome>> place = async (_, n, token) =>
                (await OrderCalls.PlaceAndConfirmAsync(api.Http, bodies[n % bodies.Length], token)).Outcome;
            var warm = await Load.RunAsync(16, TimeSpan.FromSeconds(run.Options.Smoke ? 1 : 3), long.MaxValue, place, ct);
            report.Line(Name, "warm-up: " + warm.Describe());

            // Background work (the outbox dispatcher marking events done) settles before and after the tally.
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var before = CountRows(database.ConnectionString);
            var tallied = await Load.RunAsync(8, TimeSpan.FromMinutes(5), TalliedOrders, place, ct);
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var after = CountRows(database.ConnectionString);
            report.Line(Name, $"**what the server writes**: {tallied.Ok} orders placed and confirmed through the API (10 lines, place path), " +
                $"new rows per order {Describe(before, after, tallied.Ok)}; besides these inserts each order updates 10 stock balances, " +
                "upserts 14 rollup rows (its day's sales shard, its customer's day, 10 products' days, the Confirmed count, the Draft stage) and " +
                "the year's number counter, and after commit the dispatcher updates its outbox rows to Done");
            if (tallied.Ok != TalliedOrders)
            {
                report.Fail(Name, $"{TalliedOrders - tallied.Ok} of the tallied API orders failed");
            }

            VacuumInto(database.ConnectionString, template);
        }

        var sides = new List<Side>();
        foreach (var (name, variant) in Variants)
        {
            var file = Path.Combine(run.WorkDirectory, $"rows-{(int)variant}.db");
            File.Copy(template, file, overwrite: true);
            var side = new Side(name, file, Bytes(file), CountRows(ConnectionString(file)));
            side.Writer = new RawSqliteOrders(file, RawSqliteOrders.Text(fixture.WarehouseId), fixture.Products, fixture.Customers, variant);
            sides.Add(side);
        }

        try
        {
            // Five rounds in a full run: eight sides share a noisy machine, and the medians need more than three.
            var rounds = run.Options.Smoke ? 3 : 5;
            var half = run.Options.Round / 2;
            foreach (var side in sides)
            {
                // Unmeasured: compiles the writer's paths and warms each copy's pages, so the first side measured is not the one that pays.
                side.Writer!.Run(TimeSpan.FromSeconds(1), 1, run.Options.Seed - 1);
                side.Writer.Run(TimeSpan.FromSeconds(1), GroupSize, run.Options.Seed - 2);
            }

            for (var round = 1; round <= rounds; round++)
            {
                foreach (var side in sides)
                {
                    var cpu = CpuTime();
                    var single = side.Writer!.Run(half, 1, run.Options.Seed + round);
                    var singleCpu = (CpuTime() - cpu).TotalMicroseconds / single.Orders;
                    cpu = CpuTime();
                    var group = side.Writer.Run(half, GroupSize, run.Options.Seed + round + 1000);
                    var groupCpu = (CpuTime() - cpu).TotalMicroseconds / group.Orders;
                    side.Single.Add(single.PerSecond);
                    side.Group.Add(group.PerSecond);
                    side.SingleCpu.Add(singleCpu);
                    side.GroupCpu.Add(groupCpu);
                    report.Line(Name, $"round {round}, {side.Name}: one commit per order {single.PerSecond:N0}/s ({singleCpu:N0} µs CPU each), " +
                        $"group commit ({GroupSize} per commit) {group.PerSecond:N0}/s ({groupCpu:N0} µs CPU each)");
                }
            }

            var baseline = sides[0];
            foreach (var side in sides)
            {
                var writer = side.Writer!;
                side.Writer = null;
                writer.Dispose();
                var orders = writer.Orders;
                var after = CountRows(ConnectionString(side.File));
                var grown = Bytes(side.File) - side.BytesBefore;
                var singleRatio = Comparison.Median(side.Single.Zip(baseline.Single, (v, b) => v / b));
                var groupRatio = Comparison.Median(side.Group.Zip(baseline.Group, (v, b) => v / b));
                var cpuRatio = Comparison.Median(side.GroupCpu.Zip(baseline.GroupCpu, (v, b) => v / b));
                report.Line(Name, $"**{side.Name}**: one commit per order median {Comparison.Median(side.Single):N0}/s ({singleRatio:N2}x baseline), " +
                    $"group commit median {Comparison.Median(side.Group):N0}/s ({groupRatio:N2}x); CPU per order in group commit {Comparison.Median(side.GroupCpu):N0} µs ({cpuRatio:N2}x), one commit per order {Comparison.Median(side.SingleCpu):N0} µs; per order {(double)writer.Statements / orders:N1} statements, " +
                    $"{(double)writer.RowsChanged / orders:N1} rows inserted or updated, {(double)grown / orders:N0} bytes of database growth; " +
                    $"new rows per order {Describe(side.RowsBefore, after, orders)}; R3 sums: {Reconcile(side.File)}");
            }
        }
        finally
        {
            foreach (var side in sides)
            {
                side.Writer?.Dispose();
            }
        }
    }

    private sealed class Side(string name, string file, long bytesBefore, Dictionary<string, long> rowsBefore)
    {
        public string Name { get; } = name;

        public string File { get; } = file;

        public long BytesBefore { get; } = bytesBefore;

        public Dictionary<string, long> RowsBefore { get; } = rowsBefore;

        public RawSqliteOrders? Writer { get; set; }

        public List<double> Single { get; } = [];

        public List<double> Group { get; } = [];

        public List<double> SingleCpu { get; } = [];

        public List<double> GroupCpu { get; } = [];
    }

    /// <summary>This process's CPU time: the raw writer is its only busy thread while the rounds run (the server is stopped).</summary>
    private static TimeSpan CpuTime()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static string ConnectionString(string file) => new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();

    /// <summary>Rows in every table but SQLite's own, the search index's shadow tables and the scheduler's.</summary>
    private static Dictionary<string, long> CountRows(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'order_search_%'
                    AND name NOT LIKE 'quartz_%' AND name NOT LIKE '__EF%' ORDER BY name
                """;
            using var rows = list.ExecuteReader();
            while (rows.Read())
            {
                tables.Add(rows.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table}\"";
            counts[table] = (long)count.ExecuteScalar()!;
        }

        return counts;
    }

    /// <summary>"57.0 (order_lines 10, ...)": the new rows per order in all, then per table, largest first.</summary>
    private static string Describe(Dictionary<string, long> before, Dictionary<string, long> after, long orders)
    {
        var per = after.Select(t => (Table: t.Key, Rows: (double)(t.Value - before.GetValueOrDefault(t.Key)) / Math.Max(1, orders)))
            .Where(t => Math.Abs(t.Rows) >= 0.005).OrderByDescending(t => t.Rows).ThenBy(t => t.Table, StringComparer.Ordinal).ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"{per.Sum(t => t.Rows):0.##} ({string.Join(", ", per.Select(t => $"{t.Table} {t.Rows:0.##}"))})");
    }

    /// <summary>The file's size once the WAL is checkpointed into it.</summary>
    private static long Bytes(string file)
    {
        using var connection = new SqliteConnection(ConnectionString(file));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        command.ExecuteNonQuery();
        command.CommandText = "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// The stock sums R3 reconciles, over all balances: reserved on the balances, the ledger's reserved deltas and the
    /// reservation rows' quantities (all reservations here are open).
    /// </summary>
    private static string Reconcile(string file)
    {
        using var connection = new SqliteConnection(ConnectionString(file));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT coalesce(sum(reserved), 0) FROM stock_balances), (SELECT coalesce(sum(reserved_delta), 0) FROM stock_ledger),
                (SELECT coalesce(sum(quantity), 0) FROM stock_reservations)
            """;
        using var rows = command.ExecuteReader();
        rows.Read();
        var (balances, ledger, reservations) = (rows.GetInt64(0), rows.GetInt64(1), rows.GetInt64(2));
        return string.Create(CultureInfo.InvariantCulture,
            $"balances' reserved {balances / 1000:N0}, ledger's reserved deltas {ledger / 1000:N0}{(ledger == balances ? " (equal)" : " (**differ**)")}, " +
            $"reservations {reservations / 1000:N0}{(reservations == balances ? " (equal)" : " (**differ**)")} units");
    }

    private static void VacuumInto(string connectionString, string file)
    {
        File.Delete(file);
        using var connection = new SqliteConnection(connectionString + ";Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $file";
        command.Parameters.AddWithValue("$file", file);
        command.ExecuteNonQuery();
    }
}
