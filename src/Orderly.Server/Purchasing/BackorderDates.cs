using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Purchasing;

/// <summary>
/// When each backordered line of a sales order can ship: the backorders of its product queue in the order the
/// backorder run fills them (customer tier, requested date, order time); stock available now serves the queue first,
/// then each open purchase order line by its promised (else expected) date. A line's date is the arrival that covers
/// its place in the queue; without one, today plus the quickest supplier's lead time, else none.
/// </summary>
public sealed class BackorderDates(OrderlyDbContext db, DataScope scope, IEnumerable<IIncomingSupply> supplies, BusinessCalendar calendar)
{
    private static readonly OrderStatus[] Waiting = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped];

    public async Task<IReadOnlyList<BackorderDateDto>> ForOrderAsync(Guid orderId, CancellationToken ct)
    {
        var visible = await (await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).AnyAsync(o => o.Id == orderId, ct);
        if (!visible)
        {
            throw new NotFoundException("Sales order", orderId);
        }

        var lines = await db.OrderLines.AsNoTracking().Where(l => l.OrderId == orderId && l.Backordered > 0)
            .Select(l => new { l.Id, l.ProductId, l.Backordered }).ToListAsync(ct);
        var result = new List<BackorderDateDto>();
        foreach (var product in lines.Select(l => l.ProductId).Distinct())
        {
            var queue = (await db.OrderLines.AsNoTracking()
                    .Where(l => l.ProductId == product && l.Backordered > 0)
                    .Join(db.SalesOrders.Where(o => Waiting.Contains(o.Status)), l => l.OrderId, o => o.Id,
                        (l, o) => new { LineId = l.Id, l.Backordered, o.CustomerId, o.RequestedDeliveryDate, o.CreatedAt })
                    .Join(db.Customers, x => x.CustomerId, c => c.Id, (x, c) => new { x.LineId, x.Backordered, c.Tier, x.RequestedDeliveryDate, x.CreatedAt })
                    .ToListAsync(ct))
                .OrderByDescending(x => x.Tier).ThenBy(x => x.RequestedDeliveryDate ?? DateOnly.MaxValue).ThenBy(x => x.CreatedAt).ToList();
            var available = (await db.StockBalances.AsNoTracking().Where(b => b.ProductId == product).Select(b => new { b.OnHand, b.Reserved }).ToListAsync(ct))
                .Sum(b => Math.Max(0m, b.OnHand - b.Reserved));
            var arrivals = new List<IncomingSupplyLine>();
            foreach (var supply in supplies)
            {
                arrivals.AddRange(await supply.OpenAsync(product, null, ct));
            }

            var dated = arrivals.Where(a => a.ExpectedArrival is not null).OrderBy(a => a.ExpectedArrival).ToList();
            var leadTimes = await db.Suppliers.AsNoTracking().Where(s => s.IsActive && s.Products.Any(p => p.ProductId == product)).ToListAsync(ct);
            int? lead = leadTimes.Count == 0 ? null : leadTimes.Min(s => s.LeadTimeFor(product));
            var ahead = 0m;
            foreach (var q in queue)
            {
                ahead += q.Backordered;
                var line = lines.FirstOrDefault(l => l.Id == q.LineId);
                if (line is null)
                {
                    continue;
                }

                var pool = available;
                IncomingSupplyLine? covering = null;
                if (pool < ahead)
                {
                    foreach (var a in dated)
                    {
                        pool += a.Quantity;
                        if (pool >= ahead)
                        {
                            covering = a;
                            break;
                        }
                    }
                }

                var today = calendar.Today;
                result.Add(pool < ahead
                    ? new BackorderDateDto(orderId, line.Id, product, line.Backordered, lead is { } d ? today.AddDays(d) : null, lead is null ? "None" : "Supplier", null, null)
                    : covering is null
                        ? new BackorderDateDto(orderId, line.Id, product, line.Backordered, today, "Stock", null, null)
                        : new BackorderDateDto(orderId, line.Id, product, line.Backordered,
                            covering.ExpectedArrival < today ? today : covering.ExpectedArrival, "PurchaseOrder", covering.PurchaseOrderId, covering.Number));
            }
        }

        return result;
    }
}
