namespace Orderly.Server.Inventory;

/// <summary><c>Orderly:Replenishment</c> in configuration: how safety stock is computed, how often, and when stock alerts fire.</summary>
public sealed class ReplenishmentOptions
{
    public const string Section = "Orderly:Replenishment";

    /// <summary>Business days of shipment history the computation looks at (ending yesterday).</summary>
    public int WindowDays { get; set; } = 90;

    /// <summary>Lead time when no active supplier lists the product.</summary>
    public int DefaultLeadTimeDays { get; set; } = 14;

    /// <summary>Probability of not running out during a lead time, a fraction.</summary>
    public decimal ServiceLevel { get; set; } = 0.95m;

    /// <summary>How often the background job recomputes computed policies and then evaluates the alerts.</summary>
    public TimeSpan RecomputeEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Off for a node that should never run the scheduled job (and in tests that drive the time).</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary>Pause after start before the job first checks whether a run is due, so a starting node settles first.</summary>
    public TimeSpan FirstCheckAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often each node checks whether a run is due; the database lease lets only one of them run it.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a run may hold its lease; a node that dies mid-run is replaced after this.</summary>
    public TimeSpan LeaseFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Days between two looks at what to reorder: a suggestion covers the demand until the next one.</summary>
    public int ReviewPeriodDays { get; set; } = 14;

    /// <summary>Stock covering more days of demand than this is excess, unless the policy says otherwise.</summary>
    public int ExcessCoverDays { get; set; } = 120;

    /// <summary>Stock on hand with no shipment for this many days is a slow mover.</summary>
    public int SlowMoverDays { get; set; } = 60;

    public bool IsValid() =>
        WindowDays is >= 1 and <= 730
        && DefaultLeadTimeDays is >= 0 and <= Domain.Inventory.SafetyStock.MaxLeadTimeDays
        && ServiceLevel is >= Domain.Inventory.SafetyStock.MinServiceLevel and <= Domain.Inventory.SafetyStock.MaxServiceLevel
        && RecomputeEvery > TimeSpan.Zero && CheckEvery > TimeSpan.Zero && LeaseFor > TimeSpan.Zero && FirstCheckAfter >= TimeSpan.Zero
        && ReviewPeriodDays is >= 0 and <= 365
        && ExcessCoverDays is >= 1 and <= Domain.Inventory.StockPolicy.MaxCoverDaysLimit
        && SlowMoverDays >= 1;
}
