using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Allocation;
using Orderly.Domain.Common;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Telemetry;

namespace Orderly.Server.Inventory;

/// <summary>
/// Every stock movement: a single conditional UPDATE on the balance (never read-then-write) plus an immutable
/// ledger entry, inside the caller's transaction. Balances are touched in (product, warehouse) order so that
/// concurrent PostgreSQL transactions cannot deadlock on them.
/// </summary>
public sealed class StockService(OrderlyDbContext db, IOptionsMonitor<AllocationOptions> allocationOptions)
{
    public const string OrderCause = "SalesOrder";
    public const string ReceiptCause = "Receipt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

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
    /// Allocates what each line still needs by the documented policy (<see cref="Allocator"/>): reserves stock
    /// with conditional updates, asks drop-ship suppliers for what no warehouse has, backorders the rest and
    /// raises replenishment requests for it, and records every line's decision with the candidates considered.
    /// A reservation lost to a concurrent transaction is re-planned with fresh numbers, a bounded number of times.
    /// </summary>
    public async Task ReserveAsync(SalesOrder order, string? customerRegion, ReservationPolicy policy, DateTimeOffset at, Guid? actor, CancellationToken ct)
    {
        if (order.Status is not (OrderStatus.Confirmed or OrderStatus.PartiallyShipped))
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            var needs = order.Lines
                .Where(l => l.Quantity - l.Reserved - l.DropShip - l.Shipped > 0)
                .Select(l => new LineNeed(l.Id, l.LineNumber, l.ProductId, l.Sku, l.Quantity - l.Reserved - l.DropShip - l.Shipped))
                .ToList();
            if (needs.Count == 0)
            {
                break;
            }

            var plan = Allocator.Plan(needs, customerRegion, await WarehouseStockAsync(needs, ct), await DropShipOptionsAsync(needs, ct), allocationOptions.CurrentValue);
            if (policy == ReservationPolicy.ShipComplete)
            {
                plan = plan.AllOrNothing();
            }
            else if (policy == ReservationPolicy.NoBackorder && !plan.ServesEverything)
            {
                throw new RuleViolationException([.. plan.Lines.Where(l => l.Backordered > 0).Select(l => new RuleViolation(
                    $"lines[{order.Lines.First(x => x.Id == l.LineId).LineNumber - 1}].quantity", "InsufficientStock",
                    $"{l.Summary}; the order takes no backorders."))]);
            }

            // Balances are touched in (product, warehouse) order so that concurrent PostgreSQL transactions cannot deadlock.
            var raced = false;
            var steps = plan.Lines.SelectMany(d => d.Allocations.Select(a => (Decision: d, Allocation: a)))
                .OrderBy(s => s.Decision.ProductId).ThenBy(s => s.Allocation.SourceId).ToList();
            var reserved = await ReserveBalancesAsync(steps.Where(s => s.Allocation.Kind == SourceKind.Warehouse)
                .Select(s => (s.Decision.ProductId, s.Allocation.SourceId!.Value, s.Allocation.Quantity)).ToList(), ct);
            foreach (var (decision, allocation) in steps)
            {
                if (allocation.Kind == SourceKind.Warehouse)
                {
                    var balance = (decision.ProductId, allocation.SourceId!.Value);
                    if (reserved.Contains(balance))
                    {
                        RecordReservation(order, decision, balance.Value, allocation.Quantity, at, actor);
                    }
                    else
                    {
                        raced |= !await TryReserveAsync(order, decision, balance.Value, allocation.Quantity, at, actor, ct);
                    }
                }
                else if (allocation.Kind == SourceKind.DropShip)
                {
                    order.RecordDropShip(decision.LineId, allocation.Quantity);
                    db.DropShipRequests.Add(new DropShipRequest(order.Id, decision.LineId, decision.ProductId, allocation.SourceId!.Value, allocation.Quantity, at));
                }
            }

            if (!raced)
            {
                db.AllocationDecisions.AddRange(plan.Lines.Select(l => new AllocationDecision(order.Id, l, policy, at,
                    JsonSerializer.Serialize(l.Candidates, Json), JsonSerializer.Serialize(l.Allocations, Json))));
                break;
            }

            if (attempt == 3)
            {
                // Stock kept moving under us; for all-or-nothing policies roll the whole unit back and let Writes retry it.
                if (policy != ReservationPolicy.ShipPartial)
                {
                    throw new AllocationConflictException(order.Number);
                }

                break;
            }
        }

        order.MarkUnreservedBackordered();
        // Counted when planned: a unit of work Writes retries may count its lines again (rare, PostgreSQL conflicts only).
        if (order.Lines.Count(l => l.Backordered > 0) is > 0 and var shortLines)
        {
            OrderlyMetrics.ReservationFailed("Backordered", shortLines);
        }

        await SyncReplenishmentRequestsAsync(order, at, ct);
        var reservedNow = db.ChangeTracker.Entries<StockReservation>()
            .Where(e => e.State == EntityState.Added && e.Entity.OrderId == order.Id)
            .Select(e => new ReservedStock(e.Entity.OrderLineId, e.Entity.ProductId, e.Entity.WarehouseId, e.Entity.Quantity)).ToList();
        var backordered = order.Lines.Where(l => l.Backordered > 0).Select(l => new BackorderedStock(l.Id, l.ProductId, l.Backordered)).ToList();
        if (reservedNow.Count > 0 || backordered.Count > 0)
        {
            db.Events.Raise(new StockReserved(order.Id, order.Number, order.CustomerId, reservedNow, backordered));
        }
    }

    /// <summary>One open replenishment request per backordered line, following its backordered quantity; closed when it is served.</summary>
    public async Task SyncReplenishmentRequestsAsync(SalesOrder order, DateTimeOffset at, CancellationToken ct)
    {
        var open = await db.ReplenishmentRequests.Where(r => r.OrderId == order.Id && r.Status == RequestStatus.Open).ToListAsync(ct);
        foreach (var line in order.Lines)
        {
            var request = open.Find(r => r.OrderLineId == line.Id);
            if (line.Backordered > 0 && order.Status is not (OrderStatus.Cancelled or OrderStatus.Rejected))
            {
                if (request is null)
                {
                    db.ReplenishmentRequests.Add(new ReplenishmentRequest(order.Id, line.Id, line.ProductId, line.Backordered, at));
                }
                else
                {
                    request.ChangeQuantity(line.Backordered);
                }
            }
            else
            {
                request?.Close(order.Status is OrderStatus.Cancelled or OrderStatus.Rejected ? RequestStatus.Cancelled : RequestStatus.Done, at);
            }
        }
    }

    private async Task<List<WarehouseStock>> WarehouseStockAsync(List<LineNeed> needs, CancellationToken ct)
    {
        var productIds = needs.Select(n => n.ProductId).Distinct().ToList();
        var warehouses = await db.Warehouses.AsNoTracking().Where(w => w.IsActive).Select(w => new { w.Id, w.Code, w.Region }).ToListAsync(ct);
        var balances = await db.StockBalances.AsNoTracking()
            .Where(b => productIds.Contains(b.ProductId))
            .Select(b => new { b.ProductId, b.WarehouseId, b.OnHand, b.Reserved })
            .ToListAsync(ct);
        return [.. warehouses.Select(w => new WarehouseStock(w.Id, w.Code, w.Region,
            balances.Where(b => b.WarehouseId == w.Id).ToDictionary(b => b.ProductId, b => b.OnHand - b.Reserved)))];
    }

    private async Task<List<DropShipOption>> DropShipOptionsAsync(List<LineNeed> needs, CancellationToken ct)
    {
        var productIds = needs.Select(n => n.ProductId).Distinct().ToList();
        var suppliers = await db.Suppliers.AsNoTracking()
            .Where(s => s.IsActive && s.Products.Any(p => p.DropShip && productIds.Contains(p.ProductId)))
            .ToListAsync(ct);
        return [.. suppliers.SelectMany(s => s.Products
            .Where(p => p.DropShip && productIds.Contains(p.ProductId))
            .Select(p => new DropShipOption(s.Id, s.Name, p.ProductId, s.LeadTimeFor(p.ProductId))))];
    }

    public async Task ReleaseAsync(SalesOrder order, DateTimeOffset at, Guid? actor, string reason, CancellationToken ct)
    {
        var reservations = await db.StockReservations
            .Where(r => r.OrderId == order.Id && r.Quantity > 0)
            .ToListAsync(ct);
        foreach (var reservation in reservations.OrderBy(r => r.ProductId).ThenBy(r => r.WarehouseId))
        {
            var quantity = reservation.Consume(reservation.Quantity);
            var released = await db.StockBalances
                .Where(b => b.ProductId == reservation.ProductId && b.WarehouseId == reservation.WarehouseId && b.Reserved >= quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Reserved, b => b.Reserved - quantity), ct);
            if (released != 1)
            {
                throw new ConflictException("StockChanged", "The order's reservations changed while they were being released; reload and try again.");
            }

            db.StockLedger.Add(new StockLedgerEntry(reservation.ProductId, reservation.WarehouseId, StockMovementKind.Release, 0m, -quantity,
                OrderCause, order.Id, at, actor, reason));
        }

        foreach (var request in await db.DropShipRequests.Where(r => r.OrderId == order.Id && r.Status == RequestStatus.Open).ToListAsync(ct))
        {
            request.Close(RequestStatus.Cancelled);
        }

        await SyncReplenishmentRequestsAsync(order, at, ct);
    }

    /// <summary>Ships reserved stock, one shipment per warehouse the lines were reserved in, and drop-shipped quantities per supplier.</summary>
    public async Task<IReadOnlyList<Shipment>> ShipAsync(
        SalesOrder order, IReadOnlyList<(Guid LineId, decimal Quantity)> lines, string? carrier, string? trackingNumber,
        DateTimeOffset at, Guid? actor, CancellationToken ct)
    {
        var lineIds = lines.Select(l => l.LineId).ToList();
        var reservations = await db.StockReservations
            .Where(r => r.OrderId == order.Id && lineIds.Contains(r.OrderLineId) && r.Quantity > 0)
            .ToListAsync(ct);
        var shipped = new List<(Guid WarehouseId, ShipmentLine Line)>();
        var fromSuppliers = new List<(Guid SupplierId, ShipmentLine Line)>();
        List<DropShipRequest>? dropShips = null;
        var byProduct = lines.OrderBy(l => order.Lines.FirstOrDefault(x => x.Id == l.LineId)?.ProductId ?? Guid.Empty);
        foreach (var (lineId, quantity) in byProduct)
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
                    throw new ConflictException("StockChanged", $"The stock of {line.Sku} changed while it was being shipped; reload the order and try again.");
                }

                db.StockLedger.Add(new StockLedgerEntry(line.ProductId, reservation.WarehouseId, StockMovementKind.Shipment, -take, -take,
                    OrderCause, order.Id, at, actor, trackingNumber));
                shipped.Add((reservation.WarehouseId, new ShipmentLine(lineId, line.ProductId, take)));
                left -= take;
            }

            // What stock did not cover comes from the line's drop-ship requests: the supplier shipped it, none of ours moved.
            if (left > 0)
            {
                dropShips ??= await db.DropShipRequests.Where(r => r.OrderId == order.Id && r.Status == RequestStatus.Open).ToListAsync(ct);
                foreach (var request in dropShips.Where(r => r.OrderLineId == lineId).OrderBy(r => r.Id))
                {
                    var take = request.Ship(left);
                    if (take > 0)
                    {
                        fromSuppliers.Add((request.SupplierId, new ShipmentLine(lineId, line.ProductId, take)));
                        left -= take;
                    }
                }
            }
        }

        order.RecordShipment(lines, at, actor, carrier, trackingNumber);
        var shipments = shipped
            .GroupBy(s => s.WarehouseId)
            .Select(g => new Shipment(order.Id, g.Key, carrier, trackingNumber, g.Select(s => s.Line), at, actor))
            .Concat(fromSuppliers.GroupBy(s => s.SupplierId)
                .Select(g => Shipment.FromSupplier(order.Id, g.Key, carrier, trackingNumber, g.Select(s => s.Line), at, actor)))
            .ToList();
        db.Shipments.AddRange(shipments);
        return shipments;
    }

    private async Task<bool> TryReserveAsync(SalesOrder order, LineDecision decision, Guid warehouseId, decimal quantity, DateTimeOffset at, Guid? actor, CancellationToken ct)
    {
        var updated = await db.StockBalances
            .Where(b => b.ProductId == decision.ProductId && b.WarehouseId == warehouseId && b.OnHand - b.Reserved >= quantity)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Reserved, b => b.Reserved + quantity), ct);
        if (updated != 1)
        {
            return false;
        }

        RecordReservation(order, decision, warehouseId, quantity, at, actor);
        return true;
    }

    /// <summary>
    /// Reserves every balance that a single allocation step uses, in one conditional statement instead of one per
    /// line, and returns the balances it reserved. A balance that two steps share (two lines of one product) is
    /// left to the per-step path, as is one that lacked stock: the caller tries those one by one, which keeps the
    /// per-line semantics exactly. On PostgreSQL the rows are first locked in (product, warehouse) order, so two
    /// orders reserving the same products cannot deadlock.
    /// </summary>
    private async Task<HashSet<(Guid ProductId, Guid WarehouseId)>> ReserveBalancesAsync(List<(Guid ProductId, Guid WarehouseId, decimal Quantity)> steps, CancellationToken ct)
    {
        var single = steps.GroupBy(s => (s.ProductId, s.WarehouseId)).Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
        if (single.Count < 2)
        {
            return [];
        }

        var postgres = db.Database.IsNpgsql();
        var parameters = new List<object>();
        var rows = new List<string>();
        foreach (var (product, warehouse, quantity) in single)
        {
            var n = parameters.Count;
            rows.Add(postgres ? $"({{{n}}}::uuid, {{{n + 1}}}::uuid, {{{n + 2}}}::bigint)" : $"({{{n}}}, {{{n + 1}}}, {{{n + 2}}})");
            parameters.Add(product);
            parameters.Add(warehouse);
            parameters.Add(Quantity.ToStored(quantity));
        }

        // Only placeholders are concatenated into the SQL; every value travels as a parameter.
#pragma warning disable EF1002, EF1003
        var values = string.Join(", ", rows);
        if (postgres)
        {
            await db.Database.ExecuteSqlRawAsync(
                $"WITH v(product_id, warehouse_id, q) AS (VALUES {values}) SELECT 1 FROM stock_balances b JOIN v ON b.product_id = v.product_id AND b.warehouse_id = v.warehouse_id ORDER BY b.product_id, b.warehouse_id FOR UPDATE OF b",
                parameters, ct);
        }

        var key = postgres ? "b.product_id::text || '|' || b.warehouse_id::text" : "product_id || '|' || warehouse_id";
        var updated = await db.Database.SqlQueryRaw<string>(
            $"WITH v(product_id, warehouse_id, q) AS (VALUES {values}) UPDATE stock_balances AS b SET reserved = b.reserved + v.q FROM v " +
            $"WHERE b.product_id = v.product_id AND b.warehouse_id = v.warehouse_id AND b.on_hand - b.reserved >= v.q RETURNING {key} AS \"Value\"",
            [.. parameters]).ToListAsync(ct);
#pragma warning restore EF1002, EF1003
        return [.. updated.Select(k => k.Split('|')).Select(k => (Guid.Parse(k[0]), Guid.Parse(k[1])))];
    }

    private void RecordReservation(SalesOrder order, LineDecision decision, Guid warehouseId, decimal quantity, DateTimeOffset at, Guid? actor)
    {
        db.StockReservations.Add(new StockReservation(order.Id, decision.LineId, decision.ProductId, warehouseId, quantity, at));
        db.StockLedger.Add(new StockLedgerEntry(decision.ProductId, warehouseId, StockMovementKind.Reservation, 0m, quantity,
            OrderCause, order.Id, at, actor, order.Number));
        order.RecordReservation(decision.LineId, quantity);
    }
}

/// <summary>Stock moved under an all-or-nothing allocation three times running; the unit of work is retried whole.</summary>
public sealed class AllocationConflictException(string orderNumber)
    : Exception($"Stock for order {orderNumber} changed while it was being allocated.");
