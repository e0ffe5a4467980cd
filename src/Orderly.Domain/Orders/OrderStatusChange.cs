using Orderly.Domain.Common;
namespace Orderly.Domain.Orders;

/// <summary>One row of an order's status history: cycle times and bottlenecks are computed from these.</summary>
public sealed class OrderStatusChange
{
    private OrderStatusChange()
    {
    }

    internal OrderStatusChange(Guid orderId, OrderStatus? from, OrderStatus to, DateTimeOffset at, Guid? by, string? reason)
    {
        Id = Ids.New(at);
        OrderId = orderId;
        From = from;
        To = to;
        At = at;
        By = by;
        Reason = reason;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public OrderStatus? From { get; private set; }
    public OrderStatus To { get; private set; }
    public DateTimeOffset At { get; private set; }
    public Guid? By { get; private set; }
    public string? Reason { get; private set; }
}
