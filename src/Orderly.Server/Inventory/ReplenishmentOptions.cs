using System.ComponentModel.DataAnnotations;
using Orderly.Domain.Inventory;

namespace Orderly.Server.Inventory;

/// <summary>
/// <c>Orderly:Replenishment</c> in configuration: how safety stock is computed and when stock alerts fire. When the
/// recomputation runs is the <c>replenishment</c> job's schedule (<c>Orderly:Scheduling:Jobs:replenishment</c>).
/// </summary>
public sealed class ReplenishmentOptions
{
    public const string Section = "Orderly:Replenishment";

    /// <summary>Business days of shipment history the computation looks at (ending yesterday).</summary>
    [Range(1, 730)]
    public int WindowDays { get; set; } = 90;

    /// <summary>Lead time when no active supplier lists the product.</summary>
    [Range(0, SafetyStock.MaxLeadTimeDays)]
    public int DefaultLeadTimeDays { get; set; } = 14;

    /// <summary>Probability of not running out during a lead time, a fraction.</summary>
    [Range(typeof(decimal), "0.5", "0.9999", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal ServiceLevel { get; set; } = 0.95m;

    /// <summary>How long a run may hold its lease; a node that dies mid-run is replaced after this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LeaseFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Days between two looks at what to reorder: a suggestion covers the demand until the next one.</summary>
    [Range(0, 365)]
    public int ReviewPeriodDays { get; set; } = 14;

    /// <summary>Stock covering more days of demand than this is excess, unless the policy says otherwise.</summary>
    [Range(1, StockPolicy.MaxCoverDaysLimit)]
    public int ExcessCoverDays { get; set; } = 120;

    /// <summary>Stock on hand with no shipment for this many days is a slow mover.</summary>
    [Range(1, int.MaxValue)]
    public int SlowMoverDays { get; set; } = 60;
}
