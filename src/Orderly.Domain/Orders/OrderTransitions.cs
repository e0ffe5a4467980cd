using System.Collections.Frozen;

namespace Orderly.Domain.Orders;

/// <summary>The one table of which action is legal from which status.</summary>
public static class OrderTransitions
{
    private static readonly FrozenDictionary<OrderAction, OrderStatus[]> AllowedFrom = new Dictionary<OrderAction, OrderStatus[]>
    {
        [OrderAction.Edit] = [OrderStatus.Draft],
        [OrderAction.Submit] = [OrderStatus.Draft],
        [OrderAction.Approve] = [OrderStatus.PendingApproval],
        [OrderAction.Reject] = [OrderStatus.PendingApproval],
        [OrderAction.Hold] = [OrderStatus.PendingApproval, OrderStatus.Confirmed, OrderStatus.PartiallyShipped],
        [OrderAction.Release] = [OrderStatus.OnHold],
        [OrderAction.Cancel] = [OrderStatus.Draft, OrderStatus.PendingApproval, OrderStatus.Confirmed, OrderStatus.OnHold],
        [OrderAction.Ship] = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped],
        [OrderAction.Deliver] = [OrderStatus.Shipped],
    }.ToFrozenDictionary();

    public static bool IsAllowed(OrderStatus from, OrderAction action) => AllowedFrom[action].Contains(from);

    public static IReadOnlyList<OrderAction> AllowedActions(OrderStatus from) =>
        [.. AllowedFrom.Where(pair => pair.Value.Contains(from)).Select(pair => pair.Key).Order()];

    /// <summary>Orders in these statuses still count against the customer's credit.</summary>
    public static readonly OrderStatus[] OpenForCredit =
        [OrderStatus.PendingApproval, OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.OnHold];
}
