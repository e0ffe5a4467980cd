using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Inventory;

/// <summary>
/// Every stock movement: a single conditional UPDATE on the balance (never read-then-write) plus an immutable
/// ledger entry, inside the caller's transaction. Balances are touched in (product, warehouse) order so that
/// concurrent PostgreSQL transactions cannot deadlock on them.
/// </summary>
public sealed class StockService(OrderlyDbContext db)
{
    public const string OrderCause = "SalesOrder";
    public const string ReceiptCause = "Receipt";

    public async Task ReceiveAsync(StockReceipt receipt, CancellationToken ct)
    {
        foreach (var line in receipt.Lines.OrderBy(l => l.ProductId))
        {
            var quantity = Quantity.ToStored(line.Quantity);
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO stock_balances (product_id, warehouse_id, on_hand, reserved) VALUES ({line.ProductId}, {receipt.WarehouseId}, {quantity}, 0) ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = stock_balances.on_hand + {quantity}",
                ct);
            db.StockLedger.Add(new StockLedgerEntry(line.ProductId, receipt.WarehouseId, StockMovementKind.Receipt, line.Quantity, 0m,
                ReceiptCause, receipt.Id, receipt.ReceivedAt, receipt.ActorId, receipt.Reference));
        }
    }

    /// <summary>
    /// Reserves what each line still needs: the whole line from a warehouse in the customer's region when one has
    /// it, else from any one warehouse that has it, else as much as the warehouses have (region first); the rest
    /// is backordered.
    /// </summary>
    public async Task ReserveAsync(SalesOrder order, string? customerRegion, DateTimeOffset at, Guid? actor, CancellationToken ct)
    {
        var productIds = order.Lines.Select(l => l.ProductId).Distinct().ToList();
        var candidates = await db.StockBalances.AsNoTracking()
            .Where(b => productIds.Contains(b.ProductId))
            .Join(db.Warehouses.Where(w => w.IsActive), b => b.WarehouseId, w => w.Id,
                (b, w) => new Candidate(b.ProductId, b.WarehouseId, w.Region, b.OnHand - b.Reserved))
            .ToListAsync(ct);
        var byProduct = candidates.ToLookup(c => c.ProductId);

        foreach (var line in order.Lines.OrderBy(l => l.ProductId).ThenBy(l => l.LineNumber))
        {
            var needed = line.Quantity - line.Reserved - line.Shipped;
            var ranked = byProduct[line.ProductId]
                .Where(c => c.Available > 0)
                .OrderByDescending(c => c.Available >= needed)
                .ThenByDescending(c => customerRegion is not null && c.Region == customerRegion)
                .ThenByDescending(c => c.Available)
                .ThenBy(c => c.WarehouseId)
                .ToList();
            foreach (var candidate in ranked)
            {
                if (needed <= 0)
                {
                    break;
                }

                var got = await TryReserveAsync(order, line, candidate, Math.Min(needed, candidate.Available), at, actor, ct);
                candidate.Available -= got;
                needed -= got;
            }
        }

        order.MarkUnreservedBackordered();
    }

    public async Task ReleaseAsync(SalesOrder order, DateTimeOffset at, Guid? actor, string reason, CancellationToken ct)
    {
        var reservations = await db.StockReservations
            .Where(r => r.OrderId == order.Id && r.Quantity > 0)
            .ToListAsync(ct);
        foreach (var reservation in reservations.OrderBy(r => r.ProductId).ThenBy(r => r.WarehouseId))
        {
            var quantity = reservation.Consume(reservation.Quantity);
            await db.StockBalances
                .Where(b => b.ProductId == reservation.ProductId && b.WarehouseId == reservation.WarehouseId)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Reserved, b => b.Reserved - quantity), ct);
            db.StockLedger.Add(new StockLedgerEntry(reservation.ProductId, reservation.WarehouseId, StockMovementKind.Release, 0m, -quantity,
                OrderCause, order.Id, at, actor, reason));
        }
    }

    /// <summary>Ships reserved stock, one shipment per warehouse the lines were reserved in.</summary>
    public async Task<IReadOnlyList<Shipment>> ShipAsync(
        SalesOrder order, IReadOnlyList<(Guid LineId, decimal Quantity)> lines, string? carrier, string? trackingNumber,
        DateTimeOffset at, Guid? actor, CancellationToken ct)
    {
        var lineIds = lines.Select(l => l.LineId).ToList();
        var reservations = await db.StockReservations
            .Where(r => r.OrderId == order.Id && lineIds.Contains(r.OrderLineId) && r.Quantity > 0)
            .ToListAsync(ct);
        var shipped = new List<(Guid WarehouseId, ShipmentLine Line)>();
        foreach (var (lineId, quantity) in lines)
        {
            var line = order.Lines.FirstOrDefault(l => l.Id == lineId)
                ?? throw new RuleViolationException("lines", "UnknownLine", $"Line {lineId} is not on order {order.Number}.");
            var left = quantity;
            foreach (var reservation in reservations.Where(r => r.OrderLineId == lineId).OrderBy(r => r.WarehouseId))
            {
                if (left <= 0)
                {
                    break;
                }

                var take = reservation.Consume(left);
                if (take <= 0)
                {
                    continue;
                }

                var updated = await db.StockBalances
                    .Where(b => b.ProductId == line.ProductId && b.WarehouseId == reservation.WarehouseId && b.Reserved >= take && b.OnHand >= take)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(b => b.OnHand, b => b.OnHand - take)
                        .SetProperty(b => b.Reserved, b => b.Reserved - take), ct);
                if (updated != 1)
                {
                    throw new InvalidOperationException($"Stock balance of {line.Sku} in {reservation.WarehouseId} does not cover its reservation.");
                }

                db.StockLedger.Add(new StockLedgerEntry(line.ProductId, reservation.WarehouseId, StockMovementKind.Shipment, -take, -take,
                    OrderCause, order.Id, at, actor, trackingNumber));
                shipped.Add((reservation.WarehouseId, new ShipmentLine(lineId, line.ProductId, take)));
                left -= take;
            }
        }

        order.RecordShipment(lines, at, actor);
        var shipments = shipped
            .GroupBy(s => s.WarehouseId)
            .Select(g => new Shipment(order.Id, g.Key, carrier, trackingNumber, g.Select(s => s.Line), at, actor))
            .ToList();
        db.Shipments.AddRange(shipments);
        return shipments;
    }

    private async Task<decimal> TryReserveAsync(
        SalesOrder order, OrderLine line, Candidate candidate, decimal wanted, DateTimeOffset at, Guid? actor, CancellationToken ct)
    {
        // Another transaction may have taken stock since the candidates were read: the conditional update then
        // touches no row, and we retry with what is left now, a bounded number of times.
        for (var attempt = 0; attempt < 3 && wanted > 0; attempt++)
        {
            var quantity = wanted;
            var updated = await db.StockBalances
                .Where(b => b.ProductId == line.ProductId && b.WarehouseId == candidate.WarehouseId && b.OnHand - b.Reserved >= quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Reserved, b => b.Reserved + quantity), ct);
            if (updated == 1)
            {
                db.StockReservations.Add(new StockReservation(order.Id, line.Id, line.ProductId, candidate.WarehouseId, quantity, at));
                db.StockLedger.Add(new StockLedgerEntry(line.ProductId, candidate.WarehouseId, StockMovementKind.Reservation, 0m, quantity,
                    OrderCause, order.Id, at, actor, order.Number));
                order.RecordReservation(line.Id, quantity);
                return quantity;
            }

            var now = await db.StockBalances.AsNoTracking()
                .Where(b => b.ProductId == line.ProductId && b.WarehouseId == candidate.WarehouseId)
                .Select(b => b.OnHand - b.Reserved)
                .FirstOrDefaultAsync(ct);
            wanted = Math.Min(wanted, now);
        }

        return 0m;
    }

    private sealed class Candidate(Guid productId, Guid warehouseId, string? region, decimal available)
    {
        public Guid ProductId { get; } = productId;
        public Guid WarehouseId { get; } = warehouseId;
        public string? Region { get; } = region;
        public decimal Available { get; set; } = available;
    }
}
