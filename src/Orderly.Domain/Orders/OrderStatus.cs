namespace Orderly.Domain.Orders;

public enum OrderStatus
{
    Draft,
    PendingApproval,
    Confirmed,
    PartiallyShipped,
    Shipped,
    Delivered,
    Cancelled,
    Rejected,
    OnHold,
}

/// <summary>The intentions that move an order between statuses.</summary>
public enum OrderAction
{
    Edit,
    Submit,
    Approve,
    Reject,
    Hold,
    Release,
    Cancel,
    Ship,
    Deliver,
}
