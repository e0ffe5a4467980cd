namespace Orderly.Bench;

/// <summary>What every phase shares: the options, the report, and a scratch folder for databases and server logs.</summary>
public sealed class BenchRun(BenchOptions options, Report report, string workDirectory)
{
    public BenchOptions Options { get; } = options;

    public Report Report { get; } = report;

    public string WorkDirectory { get; } = workDirectory;

    /// <summary>Set by bench.sh with --postgres: a superuser connection string to a throwaway cluster.</summary>
    public string? PostgresAdmin { get; } = Environment.GetEnvironmentVariable("ORDERLY_BENCH_POSTGRES");

    public string LogFile(string name) => Path.Combine(WorkDirectory, name + ".log");

    public DatabaseTarget NewSqlite(string name) =>
        new("sqlite", $"Data Source={Path.Combine(WorkDirectory, name + ".db")}");

    /// <summary>Starts a server on a fresh SQLite file, ready for the bench administrator to log in.</summary>
    public Task<ServerProcess> StartSqliteServerAsync(string name, IDictionary<string, string>? settings = null) =>
        ServerProcess.StartAsync(Options, NewSqlite(name), LogFile(name), settings);
}

/// <summary>One phase of the bench; phases run in order and report bars and lines.</summary>
public interface IPhase
{
    string Name { get; }

    /// <summary>Whether --smoke runs this phase (in its short form).</summary>
    bool InSmoke { get; }

    Task RunAsync(BenchRun run, CancellationToken ct);
}
