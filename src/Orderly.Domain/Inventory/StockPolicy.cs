using Orderly.Domain.Common;

namespace Orderly.Domain.Inventory;

public enum StockPolicyMode
{
    /// <summary>Safety stock and reorder point as a person set them.</summary>
    Manual,

    /// <summary>Safety stock and reorder point from demand history, recomputed on a schedule.</summary>
    Computed,
}

/// <summary>
/// How much buffer to keep of one product in one warehouse, and when to reorder it. A product with stock and no
/// policy is treated as <see cref="StockPolicyMode.Computed"/> with the defaults. The last computation is kept in
/// both modes, so a manual policy can be compared with what the history suggests.
/// </summary>
public sealed class StockPolicy : IVersioned
{
    public const int MaxCoverDaysLimit = 3650;

    private StockPolicy()
    {
    }

    /// <summary>A policy set by a person, where there was none yet.</summary>
    public StockPolicy(Guid productId, Guid warehouseId, DateTimeOffset now)
    {
        Id = Ids.New(now);
        ProductId = productId;
        WarehouseId = warehouseId;
        Mode = StockPolicyMode.Computed;
        UpdatedAt = now;
        // Version 0 is the implicit default policy every stocked product has; a person's first save is version 1.
        Version = 1;
    }

    public Guid Id { get; private set; }
    public Guid ProductId { get; private set; }
    public Guid WarehouseId { get; private set; }
    public StockPolicyMode Mode { get; private set; }
    public decimal? ManualSafetyStock { get; private set; }
    public decimal? ManualReorderPoint { get; private set; }
    /// <summary>Cover (on hand / mean daily demand) above which stock is excess; null = the company default.</summary>
    public int? MaxCoverDays { get; private set; }
    /// <summary>Service level for the computation; null = the company default.</summary>
    public decimal? ServiceLevel { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; set; }

    public SafetyStockResult? LastComputation { get; private set; }
    public DateTimeOffset? ComputedAt { get; private set; }
    /// <summary>The supplier whose lead time the last computation used; null when it used the default lead time.</summary>
    public Guid? LeadTimeSupplierId { get; private set; }

    /// <summary>The safety stock in force: the manual one, or the last computed one (null before the first computation).</summary>
    public decimal? SafetyStock => Mode == StockPolicyMode.Manual ? ManualSafetyStock : LastComputation?.SafetyStock;

    public decimal? ReorderPoint => Mode == StockPolicyMode.Manual ? ManualReorderPoint : LastComputation?.ReorderPoint;

    public void SetManual(decimal safetyStock, decimal reorderPoint, int? maxCoverDays, decimal? serviceLevel, bool wholeUnits, DateTimeOffset now)
    {
        var violations = new List<RuleViolation>();
        CheckQuantity(safetyStock, "safetyStock", wholeUnits, violations);
        CheckQuantity(reorderPoint, "reorderPoint", wholeUnits, violations);
        if (violations.Count == 0 && reorderPoint < safetyStock)
        {
            violations.Add(new("reorderPoint", "ReorderPointBelowSafetyStock", "The reorder point is at least the safety stock."));
        }

        CheckCommon(maxCoverDays, serviceLevel, violations);
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        Mode = StockPolicyMode.Manual;
        ManualSafetyStock = safetyStock;
        ManualReorderPoint = reorderPoint;
        MaxCoverDays = maxCoverDays;
        ServiceLevel = serviceLevel;
        UpdatedAt = now;
    }

    /// <summary>Back to computed numbers; the manual ones are dropped so that they cannot come back unnoticed.</summary>
    public void SetComputed(int? maxCoverDays, decimal? serviceLevel, DateTimeOffset now)
    {
        var violations = new List<RuleViolation>();
        CheckCommon(maxCoverDays, serviceLevel, violations);
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        Mode = StockPolicyMode.Computed;
        ManualSafetyStock = null;
        ManualReorderPoint = null;
        MaxCoverDays = maxCoverDays;
        ServiceLevel = serviceLevel;
        UpdatedAt = now;
    }

    public void RecordComputation(SafetyStockResult result, Guid? leadTimeSupplierId, DateTimeOffset at)
    {
        LastComputation = result;
        LeadTimeSupplierId = leadTimeSupplierId;
        ComputedAt = at;
    }

    private static void CheckQuantity(decimal value, string field, bool wholeUnits, List<RuleViolation> violations)
    {
        if (value < 0 || value > Quantity.Max || !Quantity.HasAtMostMaxDecimals(value))
        {
            violations.Add(new(field, "InvalidQuantity", $"A {field} is 0 to {Quantity.Max} with at most {Quantity.MaxDecimals} decimals."));
        }
        else if (wholeUnits && !Quantity.IsWhole(value))
        {
            violations.Add(new(field, "FractionalQuantity", "The product is counted in whole pieces."));
        }
    }

    private static void CheckCommon(int? maxCoverDays, decimal? serviceLevel, List<RuleViolation> violations)
    {
        if (maxCoverDays is < 1 or > MaxCoverDaysLimit)
        {
            violations.Add(new("maxCoverDays", "OutOfRange", $"Maximum cover is 1 to {MaxCoverDaysLimit} days."));
        }

        if (serviceLevel is < Inventory.SafetyStock.MinServiceLevel or > Inventory.SafetyStock.MaxServiceLevel)
        {
            violations.Add(new("serviceLevel", "OutOfRange",
                $"The service level is a fraction from {Inventory.SafetyStock.MinServiceLevel} to {Inventory.SafetyStock.MaxServiceLevel}, e.g. 0.95."));
        }
    }
}
