using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Allocation;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>
/// When stock arrives, backordered lines of the products concerned are reserved automatically, in priority
/// order: customer tier, then requested delivery date, then order time. Runs inside the transaction that
/// brought the stock in, so the arrival and the reservations commit together.
/// </summary>
public sealed class BackorderService(OrderlyDbContext db, StockService stock)
{
    private const int MaxOrdersPerRun = 500;

    private static readonly OrderStatus[] Waiting = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped];

    public async Task<int> FillAsync(IReadOnlyCollection<Guid> productIds, DateTimeOffset at, Guid? actor, CancellationToken ct)
    {
        if (productIds.Count == 0)
        {
            return 0;
        }

        var candidates = await db.OrderLines.AsNoTracking()
            .Where(l => productIds.Contains(l.ProductId) && l.Backordered > 0)
            .Join(db.SalesOrders.Where(o => Waiting.Contains(o.Status)), l => l.OrderId, o => o.Id,
                (l, o) => new { o.Id, o.CustomerId, o.RequestedDeliveryDate, o.CreatedAt, o.ReservationPolicy })
            .Join(db.Customers, o => o.CustomerId, c => c.Id,
                (o, c) => new { o.Id, c.Tier, c.Region, o.RequestedDeliveryDate, o.CreatedAt, Policy = o.ReservationPolicy ?? c.ReservationPolicy })
            .Distinct()
            .ToListAsync(ct);
        var ordered = candidates
            .OrderByDescending(o => o.Tier)
            .ThenBy(o => o.RequestedDeliveryDate ?? DateOnly.MaxValue)
            .ThenBy(o => o.CreatedAt)
            .Take(MaxOrdersPerRun)
            .ToList();

        var filled = 0;
        foreach (var candidate in ordered)
        {
            await RowLocks.LockOrderAsync(db, candidate.Id, ct);
            var order = await db.SalesOrders.Include(o => o.Lines).FirstAsync(o => o.Id == candidate.Id, ct);
            if (!Waiting.Contains(order.Status))
            {
                // Cancelled, held or shipped since the candidates were read.
                continue;
            }

            var before = order.Lines.Sum(l => l.Reserved);
            // Arriving stock never fails because of an order's policy: a no-backorder order that ended up short
            // (re-allocation, a count) takes what comes like a ship-partial one.
            var policy = candidate.Policy == ReservationPolicy.NoBackorder ? ReservationPolicy.ShipPartial : candidate.Policy;
            await stock.ReserveAsync(order, candidate.Region, policy, at, actor, ct);
            if (order.Lines.Sum(l => l.Reserved) > before)
            {
                filled++;
            }
        }

        return filled;
    }
}
