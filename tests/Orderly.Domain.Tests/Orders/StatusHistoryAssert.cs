using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

public static class StatusHistoryAssert
{
    /// <summary>The newest history row records this move, its time, its author and its reason.</summary>
    public static void LastRow(SalesOrder order, OrderStatus from, OrderStatus to, DateTimeOffset at, Guid by, string? reason)
    {
        var row = order.StatusHistory[^1];
        Assert.Equal(order.Id, row.OrderId);
        Assert.Equal((from, to, at, by, reason), (row.From!.Value, row.To, row.At, row.By!.Value, row.Reason));
    }
}
