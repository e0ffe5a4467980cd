using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;
using Orderly.Server.Customers;
using Orderly.Server.Data;

namespace Orderly.Server.Orders;

/// <summary>Gathers what the entry checks need with a handful of set-based queries; nothing here loads an aggregate's history.</summary>
public sealed class EntryContextLoader(OrderlyDbContext db, TimeProvider time, Infrastructure.BusinessCalendar calendar, Identity.DataScope scope)
{
    private const int MinHistoryForUsual = 3;
    private const int HistoryLines = 500;

    public async Task<EntryContext> LoadAsync(OrderRequest request, Guid? editingOrderId, CancellationToken ct)
    {
        // A customer outside the caller's scope is, to them, a customer that does not exist.
        var customer = await (await scope.CustomersAsync(db.Customers.AsNoTracking(), ct)).FirstOrDefaultAsync(c => c.Id == request.CustomerId, ct);
        var productIds = request.Lines.Select(l => l.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        if (customer is null)
        {
            return new EntryContext { Customer = null, Products = products, Today = calendar.Today };
        }

        var po = Domain.Common.Text.Normalize(request.CustomerPo);
        var poUsed = po.Length > 0 && await db.SalesOrders.AnyAsync(o => o.CustomerId == customer.Id && o.CustomerPo == po && o.Id != editingOrderId, ct);

        var history = await db.OrderLines.AsNoTracking()
            .Join(db.SalesOrders, l => l.OrderId, o => o.Id, (l, o) => new { l.ProductId, l.Quantity, o.CustomerId, o.Status, o.Id })
            .Where(x => x.CustomerId == customer.Id && productIds.Contains(x.ProductId)
                && x.Status != OrderStatus.Cancelled && x.Status != OrderStatus.Rejected && x.Status != OrderStatus.Draft)
            .OrderByDescending(x => x.Id)
            .Take(HistoryLines)
            .Select(x => new { x.ProductId, x.Quantity })
            .ToListAsync(ct);
        var usual = history.GroupBy(h => h.ProductId)
            .Where(g => g.Count() >= MinHistoryForUsual)
            .ToDictionary(g => g.Key, g => Median([.. g.Select(h => h.Quantity)]));

        var since = time.GetUtcNow().AddHours(-24);
        var recentLines = await db.OrderLines.AsNoTracking()
            .Join(db.SalesOrders, l => l.OrderId, o => o.Id, (l, o) => new { o.Number, o.CustomerId, o.CreatedAt, o.Status, OrderId = o.Id, l.ProductId, l.Quantity })
            .Where(x => x.CustomerId == customer.Id && x.CreatedAt >= since && x.Status != OrderStatus.Cancelled && x.OrderId != editingOrderId)
            .Select(x => new { x.Number, x.ProductId, x.Quantity })
            .Take(5000)
            .ToListAsync(ct);
        var recent = recentLines.GroupBy(l => l.Number)
            .Select(g => new RecentOrder(g.Key, g.GroupBy(l => l.ProductId).ToDictionary(p => p.Key, p => p.Sum(l => l.Quantity))))
            .ToList();

        var exposure = await CreditExposure.OpenOrdersMinorAsync(db, customer.Id, customer.Currency, editingOrderId, ct);
        var available = await db.StockBalances.AsNoTracking()
            .Where(b => productIds.Contains(b.ProductId))
            .Select(b => new { b.ProductId, b.OnHand, b.Reserved })
            .ToListAsync(ct);

        return new EntryContext
        {
            Customer = customer,
            Products = products,
            Today = calendar.Today,
            CustomerPoAlreadyUsed = poUsed,
            UsualQuantities = usual,
            RecentOrders = recent,
            OpenExposureMinor = exposure,
            Available = available.GroupBy(b => b.ProductId).ToDictionary(g => g.Key, g => g.Sum(b => b.OnHand - b.Reserved)),
        };
    }

    private static decimal Median(decimal[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
