using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Inventory;

namespace Orderly.Server.Demo;

/// <summary>
/// The stock of the demo history, kept in memory in time order: every movement changes a balance and writes the same
/// ledger entry <see cref="StockService"/> writes for it, so the balances stored at the end are exactly the ledger sums.
/// </summary>
internal sealed class DemoStockBook(DemoWorld world)
{
    private readonly decimal[,] _onHand = new decimal[world.Products.Count, world.Warehouses.Count];
    private readonly decimal[,] _reserved = new decimal[world.Products.Count, world.Warehouses.Count];
    private readonly bool[,] _touched = new bool[world.Products.Count, world.Warehouses.Count];

    /// <summary>Ledger entries not yet written to the database.</summary>
    public List<StockLedgerEntry> Ledger { get; } = [];

    /// <summary>Receipts not yet written to the database.</summary>
    public List<StockReceipt> Receipts { get; } = [];

    public decimal Available(int product, int warehouse) => _onHand[product, warehouse] - _reserved[product, warehouse];

    /// <summary>Warehouses with a balance row for the product, as the reservation query sees them.</summary>
    public bool HasBalance(int product, int warehouse) => _touched[product, warehouse];

    public IEnumerable<(int Product, int Warehouse, decimal OnHand, decimal Reserved)> Balances()
    {
        for (var p = 0; p < _onHand.GetLength(0); p++)
        {
            for (var w = 0; w < _onHand.GetLength(1); w++)
            {
                if (_touched[p, w])
                {
                    yield return (p, w, _onHand[p, w], _reserved[p, w]);
                }
            }
        }
    }

    public void Receive(int warehouse, IReadOnlyList<(int Product, decimal Quantity)> lines, string reference, DateTimeOffset at, Guid actor)
    {
        var warehouseId = world.Warehouses[warehouse].Id;
        var receipt = new StockReceipt(warehouseId, reference,
            lines.Select(l => new StockReceiptLine(world.Products[l.Product].Entity.Id, l.Quantity)), at, actor);
        Receipts.Add(receipt);
        foreach (var (product, quantity) in lines)
        {
            _onHand[product, warehouse] += quantity;
            _touched[product, warehouse] = true;
            Ledger.Add(new StockLedgerEntry(world.Products[product].Entity.Id, warehouseId, StockMovementKind.Receipt, quantity, 0m,
                StockService.ReceiptCause, receipt.Id, at, actor, reference));
        }
    }

    public StockReservation Reserve(SalesOrder order, OrderLine line, int product, int warehouse, decimal quantity, DateTimeOffset at, Guid actor)
    {
        _reserved[product, warehouse] += quantity;
        Check(product, warehouse);
        var warehouseId = world.Warehouses[warehouse].Id;
        Ledger.Add(new StockLedgerEntry(line.ProductId, warehouseId, StockMovementKind.Reservation, 0m, quantity,
            StockService.OrderCause, order.Id, at, actor, order.Number));
        order.RecordReservation(line.Id, quantity);
        return new StockReservation(order.Id, line.Id, line.ProductId, warehouseId, quantity, at);
    }

    public void Release(SalesOrder order, StockReservation reservation, int product, int warehouse, DateTimeOffset at, Guid actor, string note)
    {
        var quantity = reservation.Consume(reservation.Quantity);
        if (quantity <= 0)
        {
            return;
        }

        _reserved[product, warehouse] -= quantity;
        Check(product, warehouse);
        Ledger.Add(new StockLedgerEntry(reservation.ProductId, reservation.WarehouseId, StockMovementKind.Release, 0m, -quantity,
            StockService.OrderCause, order.Id, at, actor, note));
    }

    public decimal Ship(SalesOrder order, StockReservation reservation, int product, int warehouse, decimal wanted, DateTimeOffset at, Guid actor, string trackingNumber)
    {
        var taken = reservation.Consume(wanted);
        if (taken <= 0)
        {
            return 0m;
        }

        _onHand[product, warehouse] -= taken;
        _reserved[product, warehouse] -= taken;
        Check(product, warehouse);
        Ledger.Add(new StockLedgerEntry(reservation.ProductId, reservation.WarehouseId, StockMovementKind.Shipment, -taken, -taken,
            StockService.OrderCause, order.Id, at, actor, trackingNumber));
        return taken;
    }

    /// <summary>The database refuses a balance outside 0 &lt;= reserved &lt;= on hand; fail here, where the cause is visible.</summary>
    private void Check(int product, int warehouse)
    {
        if (_reserved[product, warehouse] < 0 || _reserved[product, warehouse] > _onHand[product, warehouse])
        {
            throw new InvalidOperationException(
                $"Demo stock of {world.Products[product].Entity.Sku} in {world.Warehouses[warehouse].Code} would be reserved {_reserved[product, warehouse]} of {_onHand[product, warehouse]}.");
        }
    }
}
