using Orderly.Domain.Common;
namespace Orderly.Domain.Purchasing;

/// <summary>
/// Goods that arrived against a purchase order: per line what arrived and what failed inspection. The accepted
/// part went into stock through the stock receipt <see cref="StockReceiptId"/> (none when everything was rejected).
/// </summary>
public sealed class PurchaseReceipt
{
    private readonly List<PurchaseReceiptLine> _lines = [];

    private PurchaseReceipt()
    {
    }

    public PurchaseReceipt(Guid purchaseOrderId, Guid supplierId, Guid warehouseId, DateOnly receivedOn, IEnumerable<PurchaseReceiptLine> lines, Guid? stockReceiptId, DateTimeOffset at, Guid? by)
    {
        Id = Ids.New(at);
        PurchaseOrderId = purchaseOrderId;
        SupplierId = supplierId;
        WarehouseId = warehouseId;
        ReceivedOn = receivedOn;
        StockReceiptId = stockReceiptId;
        ReceivedAt = at;
        ReceivedBy = by;
        _lines.AddRange(lines);
    }

    public Guid Id { get; private set; }
    public Guid PurchaseOrderId { get; private set; }
    public Guid SupplierId { get; private set; }
    public Guid WarehouseId { get; private set; }
    /// <summary>The business date of arrival (company time zone): on-time is judged on it.</summary>
    public DateOnly ReceivedOn { get; private set; }
    public Guid? StockReceiptId { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
    public Guid? ReceivedBy { get; private set; }
    public IReadOnlyList<PurchaseReceiptLine> Lines => _lines;
}

/// <summary>One line of a receipt; <see cref="DueDate"/> is the line's promised (else expected) date at arrival.</summary>
public sealed record PurchaseReceiptLine(Guid PurchaseOrderLineId, Guid ProductId, decimal Arrived, decimal Rejected, string? RejectReason, DateOnly? DueDate)
{
    public decimal Accepted => Arrived - Rejected;
}

/// <summary>An advance shipping notice from the supplier: what they shipped, with carrier and tracking.</summary>
public sealed class ShippingNotice
{
    private readonly List<ShippingNoticeLine> _lines = [];

    private ShippingNotice()
    {
    }

    public ShippingNotice(Guid purchaseOrderId, Guid supplierId, string? carrier, string? trackingNumber, DateOnly shipDate, DateOnly? eta,
        IEnumerable<ShippingNoticeLine> lines, Guid? shipmentId, DateTimeOffset at, Guid? by)
    {
        Id = Ids.New(at);
        PurchaseOrderId = purchaseOrderId;
        SupplierId = supplierId;
        Carrier = carrier;
        TrackingNumber = trackingNumber;
        ShipDate = shipDate;
        Eta = eta;
        ShipmentId = shipmentId;
        CreatedAt = at;
        CreatedBy = by;
        _lines.AddRange(lines);
    }

    public Guid Id { get; private set; }
    public Guid PurchaseOrderId { get; private set; }
    public Guid SupplierId { get; private set; }
    public string? Carrier { get; private set; }
    public string? TrackingNumber { get; private set; }
    public DateOnly ShipDate { get; private set; }
    public DateOnly? Eta { get; private set; }
    /// <summary>For a drop-ship order, the customer shipment it recorded.</summary>
    public Guid? ShipmentId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public IReadOnlyList<ShippingNoticeLine> Lines => _lines;
}

public sealed record ShippingNoticeLine(Guid PurchaseOrderLineId, decimal Quantity);
