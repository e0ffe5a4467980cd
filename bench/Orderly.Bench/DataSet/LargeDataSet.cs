using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orderly.Bench.DataSet;

/// <summary>A copy of a built data set: its SQLite file, its size and the master data ids the order workload uses.</summary>
public sealed record DataSetCopy(DatabaseTarget Database, int Orders, long Lines, Fixture Fixture, double BuildSeconds);

/// <summary>
/// Large SQLite databases in the server's exact schema (made by the Release server's <c>migrate</c> verb), filled with
/// raw SQL: master data, a year of orders with their lines, status histories, stock ledger and analytics rollups.
/// Built once per schema version (the last migration id) and size into a template under ~/.cache/orderly-bench, and
/// copied for every use.
/// </summary>
public static class LargeDataSet
{
    public const int Small = 10_000;
    public const int Large = 1_000_000;
    public const int SmokeSize = 20_000;

    public static async Task<DataSetCopy> CopyAsync(BenchRun run, int orders, string name, CancellationToken ct)
    {
        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "orderly-bench");
        Directory.CreateDirectory(folder);
        var template = Path.Combine(folder, $"{SchemaVersion(run.Options.Root)}-{orders}.db");
        var buildSeconds = 0d;
        if (!File.Exists(template))
        {
            var building = template + ".building";
            File.Delete(building);
            var started = Stopwatch.GetTimestamp();
            var migrated = new DatabaseTarget("sqlite", $"Data Source={building}");
            await ServerProcess.MigrateAsync(run.Options, migrated, run.LogFile("dataset-migrate"), ct);
            var lines = new DataSetWriter(building, orders).Write();
            buildSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            run.Report.Line("dataset", $"built {orders:N0} orders / {lines:N0} lines in {buildSeconds:N1} s (template {Path.GetFileName(template)})");
            File.Move(building, template);
        }

        var copy = Path.Combine(run.WorkDirectory, name + ".db");
        SqliteConnection.ClearAllPools();
        File.Copy(template, copy, overwrite: true);
        var database = new DatabaseTarget("sqlite", $"Data Source={copy}");
        var (fixture, lineCount) = ReadFixture(template);
        return new DataSetCopy(database, orders, lineCount, fixture, buildSeconds);
    }

    /// <summary>The id of the newest SQLite migration: a template built for another schema is never reused.</summary>
    public static string SchemaVersion(string root) =>
        Directory.GetFiles(Path.Combine(root, "src", "Orderly.Server", "Data", "Migrations", "Sqlite"), "*.cs")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && n.Length > 15 && char.IsAsciiDigit(n[0]) && !n.EndsWith(".Designer", StringComparison.Ordinal))
            .Max(StringComparer.Ordinal)!;

    private static (Fixture Fixture, long Lines) ReadFixture(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var warehouse = Guid.Parse(Scalar(connection, "SELECT id FROM warehouses ORDER BY code LIMIT 1"));
        var products = Column(connection, $"SELECT id FROM products ORDER BY sku LIMIT {Fixture.ProductCount}");
        var customers = Column(connection, $"SELECT id FROM customers WHERE reservation_policy <> 'NoBackorder' ORDER BY code LIMIT {Fixture.CustomerCount}");
        var strict = Guid.Parse(Scalar(connection, "SELECT id FROM customers WHERE reservation_policy = 'NoBackorder' LIMIT 1"));
        var lines = long.Parse(Scalar(connection, "SELECT MAX(rowid) FROM order_lines"), CultureInfo.InvariantCulture);
        return (new Fixture(warehouse, products, customers, strict), lines);
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? throw new InvalidOperationException($"No value for {sql}");
    }

    private static List<Guid> Column(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var ids = new List<Guid>();
        while (reader.Read())
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }

        return ids;
    }
}
