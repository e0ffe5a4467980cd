using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Keeps SQLite's planner statistics fresh. Without them the planner cannot tell that a customer's orders are a
/// few hundred rows while a status holds hundreds of thousands, and may walk a status index in id order for a
/// customer + status + period list (measured: 80 ms at 1M orders instead of a few). Shortly after start and then
/// every few hours (the scheduled <see cref="Scheduling.SqliteStatisticsJob"/>) it runs <c>PRAGMA optimize</c> with a sampling limit (each index is sampled, so it takes
/// milliseconds even at millions of rows); a database that has never been analysed gets a sampled ANALYZE once it
/// holds enough orders for plans to matter. Behind the write gate, as it writes sqlite_stat1.
/// </summary>
public sealed class SqliteStatistics(IServiceScopeFactory scopes, WriteGate gate, ILogger<SqliteStatistics> log)
{
    private const long WorthAnalysingAbove = 10_000;
    private const string AnalyzeSql = "PRAGMA analysis_limit = 1000; ANALYZE;";
    private const string OptimizeSql = "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;";

    /// <summary>Returns true when it ran a full (sampled) ANALYZE, false when only PRAGMA optimize.</summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        if (gate.Provider != DatabaseProvider.Sqlite)
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        var analysed = await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM sqlite_master WHERE name = 'sqlite_stat1'").SingleAsync(ct) > 0;
        var orders = await db.Database.SqlQueryRaw<long>("SELECT coalesce(max(rowid), 0) AS \"Value\" FROM sales_orders").SingleAsync(ct);
        var full = !analysed && orders > WorthAnalysingAbove;
        if (!analysed && !full)
        {
            return false;
        }

        using var entered = await gate.EnterAsync(ct);
        await db.Database.ExecuteSqlRawAsync(full ? AnalyzeSql : OptimizeSql, ct);
        log.LogInformation("SQLite planner statistics refreshed ({Mode})", full ? "sampled ANALYZE" : "PRAGMA optimize");
        return full;
    }
}
