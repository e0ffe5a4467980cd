using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Orders;

/// <summary>An event of a sales order: every one carries the order's id, number and customer.</summary>
public interface IOrderEvent : IDomainEvent
{
    Guid OrderId { get; }

    string Number { get; }

    Guid CustomerId { get; }

    [JsonIgnore]
    string IDomainEvent.AggregateType => "SalesOrder";

    [JsonIgnore]
    Guid IDomainEvent.AggregateId => OrderId;

    [JsonIgnore]
    Guid? IDomainEvent.ConcernsCustomer => CustomerId;
}

public sealed record OrderCreated(Guid OrderId, string Number, Guid CustomerId, decimal Total, string Currency, int Lines, Guid? By) : IOrderEvent;

/// <summary>Submitted; <paramref name="ApprovalReasons"/> are the rules that sent it to an approver (empty: confirmed at once).</summary>
public sealed record OrderSubmitted(Guid OrderId, string Number, Guid CustomerId, decimal Total, string Currency, IReadOnlyList<string> ApprovalReasons, Guid? By)
    : IOrderEvent;

/// <summary>Approved; <paramref name="Final"/> is false for a first approval that waits for a second approver.</summary>
public sealed record OrderApproved(Guid OrderId, string Number, Guid CustomerId, bool Final, Guid? By) : IOrderEvent;

public sealed record OrderConfirmed(Guid OrderId, string Number, Guid CustomerId, decimal Total, string Currency, Guid? By) : IOrderEvent;

public sealed record OrderRejected(Guid OrderId, string Number, Guid CustomerId, string Reason, Guid? By) : IOrderEvent;

public sealed record OrderHeld(Guid OrderId, string Number, Guid CustomerId, string Reason, Guid? By) : IOrderEvent;

public sealed record OrderReleased(Guid OrderId, string Number, Guid CustomerId, OrderStatus Status, Guid? By) : IOrderEvent;

public sealed record OrderCancelled(Guid OrderId, string Number, Guid CustomerId, string Reason, Guid? By) : IOrderEvent;

/// <summary>
/// Goods left for the customer; <paramref name="Complete"/> when every line is now shipped in full. The carrier and
/// tracking number are as entered on the shipment (null when none was given).
/// </summary>
public sealed record OrderShipped(
    Guid OrderId, string Number, Guid CustomerId, IReadOnlyList<ShippedLine> Lines, bool Complete, Guid? By, string? Carrier = null, string? TrackingNumber = null)
    : IOrderEvent;

public sealed record ShippedLine(Guid LineId, Guid ProductId, decimal Quantity);

public sealed record OrderDelivered(Guid OrderId, string Number, Guid CustomerId, Guid? By) : IOrderEvent;
