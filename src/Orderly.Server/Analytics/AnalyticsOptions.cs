using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Analytics;

/// <summary><c>Orderly:Analytics</c> in configuration.</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Orderly:Analytics";

    /// <summary>How stale the in-memory order facts may be before a request looks for changes (0: every request looks).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an inventory analysis (a GROUP BY over the stock ledger) is reused.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InventoryCacheFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Yearly cost of holding stock as a share of its value (capital, storage, insurance, shrinkage).</summary>
    [Range(0.0, 2.0)]
    public double CarryingCostRate { get; set; } = 0.25;

    /// <summary>Stock on hand that has not moved out for this many days is dead.</summary>
    [Range(1, 3650)]
    public int DeadStockDays { get; set; } = 180;

    /// <summary>Stock turning fewer times a year than this (and not dead) is slow.</summary>
    [Range(0.0, 100.0)]
    public double SlowTurnover { get; set; } = 2.0;
}
