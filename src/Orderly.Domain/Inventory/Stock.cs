using Orderly.Domain.Common;
namespace Orderly.Domain.Inventory;

/// <summary>
/// The balance of one product in one warehouse. Changed only by single conditional SQL updates
/// (see docs/architecture.md, "Stock invariants"); every change also writes a <see cref="StockLedgerEntry"/>.
/// </summary>
public sealed class StockBalance
{
    private StockBalance()
    {
    }

    /// <summary>A balance as the sum of its ledger entries, e.g. when loading a data set in bulk.</summary>
    public StockBalance(Guid productId, Guid warehouseId, decimal onHand, decimal reserved)
    {
        ProductId = productId;
        WarehouseId = warehouseId;
        OnHand = onHand;
        Reserved = reserved;
    }

    public Guid ProductId { get; private set; }
    public Guid WarehouseId { get; private set; }
    public decimal OnHand { get; private set; }
    public decimal Reserved { get; private set; }
    public decimal Available => OnHand - Reserved;
}

public enum StockMovementKind
{
    Receipt,
    Adjustment,
    TransferOut,
    TransferIn,
    Reservation,
    Release,
    Shipment,
    Return,
}

/// <summary>An immutable record of one stock movement and its cause; balances are the sums of these.</summary>
public sealed class StockLedgerEntry
{
    private StockLedgerEntry()
    {
    }

    public StockLedgerEntry(
        Guid productId, Guid warehouseId, StockMovementKind kind, decimal onHandDelta, decimal reservedDelta,
        string causeType, Guid causeId, DateTimeOffset at, Guid? actorId, string? note = null)
    {
        Id = Ids.New(at);
        ProductId = productId;
        WarehouseId = warehouseId;
        Kind = kind;
        OnHandDelta = onHandDelta;
        ReservedDelta = reservedDelta;
        CauseType = causeType;
        CauseId = causeId;
        At = at;
        ActorId = actorId;
        Note = note;
    }

    public Guid Id { get; private set; }
    public Guid ProductId { get; private set; }
    public Guid WarehouseId { get; private set; }
    public StockMovementKind Kind { get; private set; }
    public decimal OnHandDelta { get; private set; }
    public decimal ReservedDelta { get; private set; }
    public string CauseType { get; private set; } = "";
    public Guid CauseId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public Guid? ActorId { get; private set; }
    public string? Note { get; private set; }
}

/// <summary>Stock held in one warehouse for one order line; the open quantity falls as it ships or is released.</summary>
public sealed class StockReservation
{
    private StockReservation()
    {
    }

    public StockReservation(Guid orderId, Guid orderLineId, Guid productId, Guid warehouseId, decimal quantity, DateTimeOffset at)
    {
        Id = Ids.New(at);
        OrderId = orderId;
        OrderLineId = orderLineId;
        ProductId = productId;
        WarehouseId = warehouseId;
        Quantity = quantity;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid OrderLineId { get; private set; }
    public Guid ProductId { get; private set; }
    public Guid WarehouseId { get; private set; }
    public decimal Quantity { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public decimal Consume(decimal quantity)
    {
        var taken = Math.Min(quantity, Quantity);
        Quantity -= taken;
        return taken;
    }
}

/// <summary>Goods received into a warehouse; the cause of its receipt ledger entries.</summary>
public sealed class StockReceipt
{
    private readonly List<StockReceiptLine> _lines = [];

    private StockReceipt()
    {
    }

    public StockReceipt(Guid warehouseId, string? reference, IEnumerable<StockReceiptLine> lines, DateTimeOffset at, Guid? actorId)
    {
        Id = Ids.New(at);
        WarehouseId = warehouseId;
        Reference = reference;
        ReceivedAt = at;
        ActorId = actorId;
        _lines.AddRange(lines);
    }

    public Guid Id { get; private set; }
    public Guid WarehouseId { get; private set; }
    public string? Reference { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
    public Guid? ActorId { get; private set; }
    public IReadOnlyList<StockReceiptLine> Lines => _lines;
}

public sealed record StockReceiptLine(Guid ProductId, decimal Quantity);
