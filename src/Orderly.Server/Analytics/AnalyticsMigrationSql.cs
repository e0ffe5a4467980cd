namespace Orderly.Server.Analytics;

/// <summary>Raw SQL the Analytics migrations run after their schema changes (the lead calls these again when regenerating migrations).</summary>
public static class AnalyticsMigrationSql
{
    /// <summary>
    /// For <c>AnalyticsRollupColumns</c> (the <c>lines</c> column of the daily customer and product rollups): emptying the
    /// status counts makes the next start's <see cref="RollupRebuild.EnsureAsync"/> rebuild every rollup from the orders,
    /// which fills the new column of the existing rows (a database without orders has nothing to fill).
    /// </summary>
    public const string RebuildRollupsOnNextStart = $"DELETE FROM {Rollups.StatusCountsTable};";
}
