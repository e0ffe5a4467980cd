using Microsoft.AspNetCore.Hosting;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// Servers whose scheduled replenishment run (policies, alerts, its lease) does not start during a test, for tests
/// that assert no row is written anywhere: a minute into a run it would write rows no request asked for.
/// </summary>
public sealed class QuietSqliteApp() : OrderlyApp(TestDatabase.For("sqlite"))
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orderly:Replenishment:FirstCheckAfter", "12:00:00");
    }
}

/// <summary>The PostgreSQL twin of <see cref="QuietSqliteApp"/>.</summary>
public sealed class QuietPostgresApp() : OrderlyApp(TestDatabase.For("postgres"))
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orderly:Replenishment:FirstCheckAfter", "12:00:00");
    }
}
