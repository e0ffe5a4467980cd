using Orderly.Domain.Common;

namespace Orderly.Domain.Inventory;

public enum StockAlertKind
{
    /// <summary>Available below the reorder point.</summary>
    LowStock,

    /// <summary>Nothing available while there is demand or a backorder.</summary>
    StockOut,

    /// <summary>On hand covers more days of demand than the policy allows.</summary>
    Excess,

    /// <summary>Stock on hand and no shipment for a long time.</summary>
    SlowMover,
}

/// <summary>What is known about one product in one warehouse when alerts are evaluated.</summary>
/// <param name="OnHand">Physically in the warehouse.</param>
/// <param name="Available">On hand minus reserved.</param>
/// <param name="ReorderPoint">The reorder point in force; null before the first computation.</param>
/// <param name="MeanDailyDemand">Mean daily demand of the last computation; 0 when unknown.</param>
/// <param name="Backordered">The product's quantity on open orders that no warehouse could reserve.</param>
/// <param name="LastShipmentDate">Business date of the last shipment from this warehouse, if any.</param>
/// <param name="FirstMovementDate">Business date stock first moved here: the clock of a product that never shipped.</param>
/// <param name="MaxCoverDays">The policy's own excess threshold, if it has one.</param>
public sealed record StockPosition(
    decimal OnHand, decimal Available, decimal? ReorderPoint, decimal MeanDailyDemand, decimal Backordered,
    DateOnly? LastShipmentDate, DateOnly? FirstMovementDate, int? MaxCoverDays = null);

/// <summary>Company-wide thresholds: excess above this many days of cover, slow when nothing shipped for this many days.</summary>
public sealed record AlertThresholds(int ExcessCoverDays = 120, int SlowMoverDays = 60);

/// <summary>One condition that holds, with the numbers behind it.</summary>
public sealed record AlertCondition(
    StockAlertKind Kind, decimal OnHand, decimal Available, decimal? ReorderPoint, decimal MeanDailyDemand, decimal? CoverDays,
    DateOnly? LastSaleDate, decimal Backordered);

/// <summary>Which alert conditions hold for a stock position; pure, so the rules are tested without a database.</summary>
public static class AlertRules
{
    public static IReadOnlyList<AlertCondition> Evaluate(StockPosition position, AlertThresholds thresholds, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(thresholds);
        var cover = CoverDays(position.OnHand, position.MeanDailyDemand);
        var holding = new List<StockAlertKind>();
        if (position.ReorderPoint is { } reorderPoint && position.Available < reorderPoint)
        {
            holding.Add(StockAlertKind.LowStock);
        }

        if (position.Available <= 0 && (position.MeanDailyDemand > 0 || position.Backordered > 0))
        {
            holding.Add(StockAlertKind.StockOut);
        }

        // Without demand there is no cover to measure: stock nobody takes is the slow-mover rule's business.
        if (cover is { } days && days > (position.MaxCoverDays ?? thresholds.ExcessCoverDays))
        {
            holding.Add(StockAlertKind.Excess);
        }

        var idleSince = position.LastShipmentDate ?? position.FirstMovementDate;
        if (position.OnHand > 0 && idleSince is { } since && today.DayNumber - since.DayNumber >= thresholds.SlowMoverDays)
        {
            holding.Add(StockAlertKind.SlowMover);
        }

        return [.. holding.Select(kind => new AlertCondition(kind, position.OnHand, position.Available, position.ReorderPoint,
            position.MeanDailyDemand, cover, position.LastShipmentDate, position.Backordered))];
    }

    /// <summary>Days the stock on hand lasts at the mean daily demand, one decimal; null without demand.</summary>
    public static decimal? CoverDays(decimal onHand, decimal meanDailyDemand) =>
        meanDailyDemand > 0 ? Math.Round(Math.Max(0, onHand) / meanDailyDemand, 1, MidpointRounding.AwayFromZero) : null;
}

/// <summary>
/// One alert condition for one product in one warehouse: open from when it was raised while the condition holds,
/// cleared when it stops holding. If it comes back, that is a new alert.
/// </summary>
public sealed class StockAlert
{
    private StockAlert()
    {
    }

    public StockAlert(Guid productId, Guid warehouseId, AlertCondition condition, DateTimeOffset raisedAt)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Id = Ids.New(raisedAt);
        Kind = condition.Kind;
        ProductId = productId;
        WarehouseId = warehouseId;
        RaisedAt = raisedAt;
        Apply(condition);
    }

    public Guid Id { get; private set; }
    public StockAlertKind Kind { get; private set; }
    public Guid ProductId { get; private set; }
    public Guid WarehouseId { get; private set; }
    public DateTimeOffset RaisedAt { get; private set; }
    public DateTimeOffset? ClearedAt { get; private set; }
    public decimal OnHand { get; private set; }
    public decimal Available { get; private set; }
    public decimal? ReorderPoint { get; private set; }
    public decimal MeanDailyDemand { get; private set; }
    public decimal? CoverDays { get; private set; }
    public DateOnly? LastSaleDate { get; private set; }
    public decimal Backordered { get; private set; }

    public bool IsOpen => ClearedAt is null;

    /// <summary>While open, the alert shows the latest numbers behind it.</summary>
    public void Refresh(AlertCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (!IsOpen)
        {
            throw new IllegalTransitionException("stock alert", "Cleared", "refresh");
        }

        if (condition.Kind != Kind)
        {
            throw new ArgumentException($"A {condition.Kind} condition cannot refresh a {Kind} alert.", nameof(condition));
        }

        Apply(condition);
    }

    public void Clear(DateTimeOffset at)
    {
        if (!IsOpen)
        {
            throw new IllegalTransitionException("stock alert", "Cleared", "clear");
        }

        ClearedAt = at;
    }

    private void Apply(AlertCondition condition)
    {
        OnHand = condition.OnHand;
        Available = condition.Available;
        ReorderPoint = condition.ReorderPoint;
        MeanDailyDemand = condition.MeanDailyDemand;
        CoverDays = condition.CoverDays;
        LastSaleDate = condition.LastSaleDate;
        Backordered = condition.Backordered;
    }
}
