using Orderly.Domain.Common;

namespace Orderly.Domain.Fulfillment;

/// <summary>Goods leaving one warehouse for one order.</summary>
public sealed class Shipment
{
    private readonly List<ShipmentLine> _lines = [];

    private Shipment()
    {
    }

    public Shipment(Guid orderId, Guid warehouseId, string? carrier, string? trackingNumber, IEnumerable<ShipmentLine> lines, DateTimeOffset at, Guid? by)
        : this(orderId, carrier, trackingNumber, lines, at, by)
    {
        WarehouseId = warehouseId;
    }

    /// <summary>A shipment a supplier sent straight to the customer (drop-ship): no stock of ours moved.</summary>
    public static Shipment FromSupplier(Guid orderId, Guid supplierId, string? carrier, string? trackingNumber, IEnumerable<ShipmentLine> lines, DateTimeOffset at, Guid? by) =>
        new(orderId, carrier, trackingNumber, lines, at, by) { SupplierId = supplierId };

    private Shipment(Guid orderId, string? carrier, string? trackingNumber, IEnumerable<ShipmentLine> lines, DateTimeOffset at, Guid? by)
    {
        Id = Guid.CreateVersion7(at);
        OrderId = orderId;
        Carrier = Text.Optional(carrier, "carrier", 100);
        TrackingNumber = Text.Optional(trackingNumber, "trackingNumber", 100);
        ShippedAt = at;
        ShippedBy = by;
        _lines.AddRange(lines);
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid? WarehouseId { get; private set; }
    public Guid? SupplierId { get; private set; }
    public string? Carrier { get; private set; }
    public string? TrackingNumber { get; private set; }
    public DateTimeOffset ShippedAt { get; private set; }
    public Guid? ShippedBy { get; private set; }
    public IReadOnlyList<ShipmentLine> Lines => _lines;
}

public sealed record ShipmentLine(Guid OrderLineId, Guid ProductId, decimal Quantity);
