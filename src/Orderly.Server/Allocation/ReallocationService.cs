using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Allocation;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Allocation;

/// <summary>The manual re-allocation run: a preview of what would move, applied only if the plan is still the same.</summary>
public sealed class ReallocationService(OrderlyDbContext db, Writes writes, StockService stock, TimeProvider time)
{
    private static readonly OrderStatus[] Holding = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.OnHold];
    private static readonly OrderStatus[] Waiting = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped];

    public async Task<ReallocationPlan> PlanAsync(Guid? productId, CancellationToken ct)
    {
        var backorderedQuery = db.OrderLines.AsNoTracking().Where(l => l.Backordered > 0);
        if (productId is { } p)
        {
            backorderedQuery = backorderedQuery.Where(l => l.ProductId == p);
        }

        var backordered = await backorderedQuery
            .Join(db.SalesOrders.Where(o => Waiting.Contains(o.Status)), l => l.OrderId, o => o.Id, (l, o) => new { l, o })
            .Join(db.Customers, x => x.o.CustomerId, c => c.Id, (x, c) => new
            {
                x.o.Id, x.o.Number, LineId = x.l.Id, x.l.ProductId, x.l.Backordered, c.Tier, x.o.RequestedDeliveryDate, x.o.CreatedAt,
                Policy = x.o.ReservationPolicy ?? c.ReservationPolicy,
            })
            .Take(2000)
            .ToListAsync(ct);

        // Ship-complete orders wait for everything; a partial move would strand stock on them.
        var lines = backordered.Where(b => b.Policy != ReservationPolicy.ShipComplete)
            .Select(b => new BackorderedLine(b.Id, b.Number, b.LineId, b.ProductId, b.Backordered, new OrderPriority((int)b.Tier, b.RequestedDeliveryDate, b.CreatedAt)))
            .ToList();
        var products = lines.Select(l => l.ProductId).Distinct().ToList();
        // Only ship-partial orders give stock away: a ship-complete order would be left half-reserved and a
        // no-backorder order backordered, against the customer's terms.
        var held = await db.StockReservations.AsNoTracking()
            .Where(r => r.Quantity > 0 && products.Contains(r.ProductId))
            .Join(db.SalesOrders.Where(o => Holding.Contains(o.Status)), r => r.OrderId, o => o.Id, (r, o) => new { r, o })
            .Join(db.Customers, x => x.o.CustomerId, c => c.Id, (x, c) => new
            {
                x.r, x.o.Number, c.Tier, x.o.RequestedDeliveryDate, x.o.CreatedAt, Policy = x.o.ReservationPolicy ?? c.ReservationPolicy,
            })
            .Where(x => x.Policy == ReservationPolicy.ShipPartial)
            .ToListAsync(ct);
        var free = await db.StockBalances.AsNoTracking().Where(b => products.Contains(b.ProductId))
            .Join(db.Warehouses.Where(w => w.IsActive), b => b.WarehouseId, w => w.Id, (b, w) => new { b.ProductId, b.WarehouseId, b.OnHand, b.Reserved })
            .ToListAsync(ct);
        return Reallocation.Plan(
            lines,
            [.. held.Select(h => new HeldReservation(h.r.Id, h.r.OrderId, h.Number, h.r.OrderLineId, h.r.ProductId, h.r.WarehouseId, h.r.Quantity,
                new OrderPriority((int)h.Tier, h.RequestedDeliveryDate, h.CreatedAt)))],
            free.ToDictionary(b => (b.ProductId, b.WarehouseId), b => b.OnHand - b.Reserved));
    }

    public Task<ReallocationPlan> ApplyAsync(string planId, Guid? productId, Guid? actor, CancellationToken ct) => writes.RunAsync(async token =>
    {
        var plan = await PlanAsync(productId, token);
        if (plan.Id != planId)
        {
            throw new ConflictException("PlanChanged", "Orders or stock changed since the preview; preview again and apply the new plan.");
        }

        var at = time.GetUtcNow();
        var orderIds = plan.Moves.SelectMany(m => new[] { m.ToOrderId, m.FromOrderId ?? m.ToOrderId }).Distinct().ToList();
        var orders = await db.SalesOrders.Include(o => o.Lines).Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, token);
        var reservationIds = plan.Moves.Where(m => m.FromReservationId is not null).Select(m => m.FromReservationId!.Value).ToList();
        var reservations = await db.StockReservations.Where(r => reservationIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, token);
        // Balances are touched in (product, warehouse) order, as everywhere, so concurrent transactions cannot deadlock.
        foreach (var move in plan.Moves.OrderBy(m => m.ProductId).ThenBy(m => m.WarehouseId))
        {
            var recipient = orders[move.ToOrderId];
            if (move.FromReservationId is { } reservationId)
            {
                // Reserved stock changes hands: the balance's reserved total stays, the ledger shows both sides.
                reservations[reservationId].Consume(move.Quantity);
                orders[move.FromOrderId!.Value].GiveUpReservation(move.FromLineId!.Value, move.Quantity);
                db.StockLedger.Add(new StockLedgerEntry(move.ProductId, move.WarehouseId, StockMovementKind.Release, 0m, -move.Quantity,
                    StockService.OrderCause, move.FromOrderId.Value, at, actor, $"Re-allocated to {move.ToOrderNumber}"));
            }
            else
            {
                var quantity = move.Quantity;
                var updated = await db.StockBalances
                    .Where(b => b.ProductId == move.ProductId && b.WarehouseId == move.WarehouseId && b.OnHand - b.Reserved >= quantity)
                    .ExecuteUpdateAsync(s => s.SetProperty(b => b.Reserved, b => b.Reserved + quantity), token);
                if (updated != 1)
                {
                    throw new ConflictException("PlanChanged", "Stock changed while the plan was applied; preview again.");
                }
            }

            db.StockReservations.Add(new StockReservation(move.ToOrderId, move.ToLineId, move.ProductId, move.WarehouseId, move.Quantity, at));
            db.StockLedger.Add(new StockLedgerEntry(move.ProductId, move.WarehouseId, StockMovementKind.Reservation, 0m, move.Quantity,
                StockService.OrderCause, move.ToOrderId, at, actor, move.FromOrderNumber is null ? "Re-allocation" : $"Re-allocated from {move.FromOrderNumber}"));
            recipient.RecordReservation(move.ToLineId, move.Quantity);
        }

        foreach (var order in orders.Values)
        {
            await stock.SyncReplenishmentRequestsAsync(order, at, token);
        }

        await RecordDecisionsAsync(plan, at, token);
        return plan;
    }, ct);

    /// <summary>Every line a move touched gets a decision saying what moved, so the order shows why its stock changed.</summary>
    private async Task RecordDecisionsAsync(ReallocationPlan plan, DateTimeOffset at, CancellationToken ct)
    {
        var warehouseIds = plan.Moves.Select(m => m.WarehouseId).Distinct().ToList();
        var codes = await db.Warehouses.Where(w => warehouseIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var touches = plan.Moves.Select(m => (OrderId: m.ToOrderId, LineId: m.ToLineId, Move: m, Gets: true))
            .Concat(plan.Moves.Where(m => m.FromLineId is not null).Select(m => (OrderId: m.FromOrderId!.Value, LineId: m.FromLineId!.Value, Move: m, Gets: false)));
        foreach (var line in touches.GroupBy(t => (t.OrderId, t.LineId)))
        {
            var allocations = line.Select(t => new AllocationLine(SourceKind.Warehouse, t.Move.WarehouseId, codes[t.Move.WarehouseId],
                t.Gets ? t.Move.Quantity : -t.Move.Quantity)).ToList();
            var summary = "Re-allocation: " + string.Join("; ", line.Select(t => t.Gets
                ? $"+{t.Move.Quantity:0.###} in {codes[t.Move.WarehouseId]} from {t.Move.FromOrderNumber ?? "free stock"}"
                : $"-{t.Move.Quantity:0.###} in {codes[t.Move.WarehouseId]} moved to {t.Move.ToOrderNumber}"));
            var decision = new LineDecision(line.Key.LineId, line.First().Move.ProductId, allocations, [], summary);
            db.AllocationDecisions.Add(new AllocationDecision(line.Key.OrderId, decision, ReservationPolicy.ShipPartial, at, "[]",
                System.Text.Json.JsonSerializer.Serialize(allocations, DecisionJson)));
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions DecisionJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
