namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// The server behind real Kestrel on a loopback port, on a SQLite file of its own. The in-memory TestServer
/// applies none of Kestrel's limits, so what Kestrel enforces (the 4 MiB body limit) is tested through this one.
/// </summary>
public sealed class KestrelSqliteApp : OrderlyApp
{
    public KestrelSqliteApp()
        : base(TestDatabase.For("sqlite")) => UseKestrel(0);
}
