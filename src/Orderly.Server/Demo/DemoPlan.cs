using Orderly.Domain.Allocation;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;

namespace Orderly.Server.Demo;

/// <summary>What happens to a planned order after it is entered; the simulation calls the matching aggregate method.</summary>
internal enum DemoStep
{
    Submit,
    /// <summary>Approve if the approval rules sent the order to a manager; otherwise nothing happens.</summary>
    ApproveIfPending,
    Reject,
    Hold,
    Release,
    Cancel,
    Ship,
    Deliver,
}

internal readonly record struct PlannedStep(DemoStep Kind, DateTimeOffset At, int Wave = 0, int Waves = 0);

/// <param name="Wave">The shipment (1 or 2) that carries the line when the order ships in two waves.</param>
internal readonly record struct PlannedLine(int Product, decimal Quantity, decimal DiscountPercent, int Wave);

/// <summary>One order of the demo history: who, when, what, and the road it takes until now.</summary>
internal sealed class PlannedOrder(int index, DateTimeOffset createdAt)
{
    public int Index { get; } = index;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public int Customer { get; set; }
    /// <summary>The status the order is meant to reach by now; stock shortages may stop it earlier.</summary>
    public OrderStatus Fate { get; set; }
    /// <summary>For a cancelled order: the status it is cancelled from.</summary>
    public OrderStatus CancelledFrom { get; set; }
    /// <summary>Set on the few orders that make sure every status appears; they avoid products in short supply.</summary>
    public bool Guaranteed { get; set; }
    public bool HoldEpisode { get; set; }
    public int Waves { get; set; } = 1;
    /// <summary>A line carries a discount above the approval threshold, so a manager must look at it.</summary>
    public bool SpecialDiscount { get; set; }
    public PlannedLine[] Lines { get; set; } = [];
    public PlannedStep[] Steps { get; set; } = [];
    public DateOnly? RequestedDeliveryDate { get; set; }
    public bool HasCustomerPo { get; set; }
    public Guid EnteredBy { get; set; }

    /// <summary>Orders meant to ship everything get stock expedited when it runs short, as a distributor would.</summary>
    public bool ShipsInFull => Fate is OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.PartiallyShipped;

    /// <summary>Whether the order takes stock at all (for the demand estimate behind replenishment).</summary>
    public bool Consumes => Fate switch
    {
        OrderStatus.Draft or OrderStatus.Rejected or OrderStatus.PendingApproval => false,
        OrderStatus.Cancelled => CancelledFrom is OrderStatus.Confirmed or OrderStatus.OnHold,
        _ => true,
    };
}

/// <summary>An order being played forward: the aggregate, its reservations and shipments, and where it is on its road.</summary>
internal sealed class DemoLiveOrder(PlannedOrder plan, SalesOrder order)
{
    public PlannedOrder Plan { get; } = plan;
    public SalesOrder Order { get; } = order;
    public List<(StockReservation Reservation, int Product, int Warehouse)> Reservations { get; } = [];
    public List<Shipment> Shipments { get; } = [];
    public List<AllocationDecision> Decisions { get; } = [];
    public List<ReplenishmentRequest> ReplenishmentRequests { get; } = [];
    public int NextStep { get; set; }
    public Guid HeldBy { get; set; }
    public DateTimeOffset LastAt { get; set; } = plan.CreatedAt;
}
