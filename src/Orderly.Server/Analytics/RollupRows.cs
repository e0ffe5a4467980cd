using Orderly.Domain.Orders;

namespace Orderly.Server.Analytics;

/// <summary>Submitted orders per business day and currency (cancelled and rejected ones taken out again), one row per shard.</summary>
public sealed class DailySalesRow
{
    public DateOnly Day { get; private set; }
    public string Currency { get; private set; } = "";
    public int Shard { get; private set; }
    public long Orders { get; private set; }
    public long ValueMinor { get; private set; }

    /// <summary>
    /// How many transactions changed the day's rollups of this currency through this shard: bumped with every change of
    /// the day's sales, customer or product rows, never lowered (a rebuild starts it again above any count), so a
    /// reader that sees the same sum over the shards as before knows the day's rows have not changed (<see cref="SalesProjection"/>).
    /// </summary>
    public long Changes { get; private set; }
}

/// <summary>Quantity and value per product, business day and currency of the counted orders.</summary>
public sealed class DailyProductSalesRow
{
    public DateOnly Day { get; private set; }
    public Guid ProductId { get; private set; }
    public string Currency { get; private set; } = "";
    /// <summary>Thousandths of the unit, as order lines store quantities.</summary>
    public long QuantityThousandths { get; private set; }
    public long ValueMinor { get; private set; }

    /// <summary>Order lines of the product (each line once, whatever its quantity).</summary>
    public long Lines { get; private set; }
}

/// <summary>Orders and value per customer, business day and currency of the counted orders.</summary>
public sealed class DailyCustomerSalesRow
{
    public DateOnly Day { get; private set; }
    public Guid CustomerId { get; private set; }
    public string Currency { get; private set; } = "";
    public long Orders { get; private set; }
    public long ValueMinor { get; private set; }

    /// <summary>Order lines of the customer's orders.</summary>
    public long Lines { get; private set; }
}

/// <summary>How many orders are in each status now, one row per shard.</summary>
public sealed class StatusCountRow
{
    public OrderStatus Status { get; private set; }
    public int Shard { get; private set; }
    public long Orders { get; private set; }
}

/// <summary>Time spent in a status, summed by the business day the orders left it, one row per shard.</summary>
public sealed class StageTimeRow
{
    public DateOnly Day { get; private set; }
    public OrderStatus Status { get; private set; }
    public int Shard { get; private set; }
    public long Exits { get; private set; }
    public long TotalMilliseconds { get; private set; }
}
