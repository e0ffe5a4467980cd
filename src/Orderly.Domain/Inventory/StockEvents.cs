using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Inventory;

/// <summary>Stock was reserved for an order (what each line got where) and what is left backordered.</summary>
public sealed record StockReserved(Guid OrderId, string OrderNumber, Guid CustomerId, IReadOnlyList<ReservedStock> Reserved, IReadOnlyList<BackorderedStock> Backordered)
    : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "SalesOrder";

    [JsonIgnore]
    public Guid AggregateId => OrderId;

    [JsonIgnore]
    public Guid? ConcernsCustomer => CustomerId;
}

public sealed record ReservedStock(Guid LineId, Guid ProductId, Guid WarehouseId, decimal Quantity);

public sealed record BackorderedStock(Guid LineId, Guid ProductId, decimal Quantity);

/// <summary>A stock position crossed an alert threshold (low, out, excess, slow).</summary>
public sealed record StockAlertRaised(Guid AlertId, StockAlertKind Kind, Guid ProductId, Guid WarehouseId, decimal OnHand, decimal Available, decimal? ReorderPoint)
    : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "StockAlert";

    [JsonIgnore]
    public Guid AggregateId => AlertId;
}
