using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Tests.Maintenance;

/// <summary>SQLite planner statistics: sampled ANALYZE once a database holds enough orders, PRAGMA optimize after that.</summary>
public sealed class SqliteStatisticsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task ASmallDatabase_IsLeftAlone_ThenAnalysedOnceItHoldsManyOrders_ThenOnlyOptimised()
    {
        using var admin = await app.AdminAsync();
        var customer = await new TestData(admin).CustomerAsync();
        var statistics = app.Services.GetRequiredService<SqliteStatistics>();

        Assert.False(await statistics.RefreshAsync(CancellationToken.None));
        Assert.False(await HasStatisticsAsync());

        // 10,001 orders in one statement (status Confirmed, no lines): enough for plans to matter.
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)
            INSERT INTO sales_orders (id, number, customer_id, currency, status, order_date, total_minor, created_at, updated_at, version, entry_warnings)
            SELECT upper(printf('%08X-0000-7000-8000-%012X', i, i)), 'ST-' || i, {customer.ToString().ToUpperInvariant()}, 'CNY', 'Confirmed',
                   '2026-11-01', 100, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 1, '[]'
            FROM n
            """));

        // This call analyses, unless the background service (the scheduled job, first run at start) got there first.
        await statistics.RefreshAsync(CancellationToken.None);
        Assert.True(await HasStatisticsAsync());
        Assert.False(await statistics.RefreshAsync(CancellationToken.None));
        Assert.True(await HasStatisticsAsync());
    }

    private Task<bool> HasStatisticsAsync() => app.WithDbAsync(async db =>
        await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM sqlite_master WHERE name = 'sqlite_stat1'").SingleAsync() > 0
        && await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM sqlite_stat1 WHERE tbl = 'sales_orders'").SingleAsync() > 0);
}
