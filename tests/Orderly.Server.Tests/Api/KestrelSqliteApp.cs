namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// The server behind real Kestrel on a loopback port, on a SQLite file of its own. The in-memory TestServer
/// applies none of Kestrel's limits, so what Kestrel enforces (the 4 MiB body limit) is tested through this one.
/// </summary>
public sealed class KestrelSqliteApp : OrderlyApp
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orderly-kestrel-test-").FullName;

    public KestrelSqliteApp() => UseKestrel(0);

    public override string Provider => "sqlite";

    protected override string ConnectionString => $"Data Source={Path.Combine(_folder, "orderly.db")}";

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing background task; the OS temp cleaner takes it.
        }

        return Task.CompletedTask;
    }
}
