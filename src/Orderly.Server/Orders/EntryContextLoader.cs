using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;
using Orderly.Server.Customers;
using Orderly.Server.Data;

namespace Orderly.Server.Orders;

/// <summary>Gathers what the entry checks need with a handful of set-based queries; nothing here loads an aggregate's history.</summary>
public sealed class EntryContextLoader(OrderlyDbContext db, TimeProvider time, Infrastructure.BusinessCalendar calendar, Identity.DataScope scope, CreditExposure credit)
{
    private const int MinHistoryForUsual = 3;
    private const int HistoryOrders = 250;
    private const int MaxDuplicateCandidates = 200;

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

        // The habit comes from the customer's latest orders: start from their orders (customer index, a few hundred
        // rows) and look up those orders' lines, never from every line of a popular product across all customers.
        var recentOrders = db.SalesOrders.AsNoTracking()
            .Where(o => o.CustomerId == customer.Id
                && o.Status != OrderStatus.Cancelled && o.Status != OrderStatus.Rejected && o.Status != OrderStatus.Draft)
            .OrderByDescending(o => o.Id)
            .Take(HistoryOrders)
            .Select(o => o.Id);
        var history = await db.OrderLines.AsNoTracking()
            .Where(l => recentOrders.Contains(l.OrderId) && productIds.Contains(l.ProductId))
            .Select(l => new { l.ProductId, l.Quantity })
            .ToListAsync(ct);
        var usual = history.GroupBy(h => h.ProductId)
            .Where(g => g.Count() >= MinHistoryForUsual)
            .ToDictionary(g => g.Key, g => Median([.. g.Select(h => h.Quantity)]));

        var since = time.GetUtcNow().AddHours(-24);
        // A probable duplicate has every product of this order, so only the customer's recent orders that contain
        // its first product are candidates: a customer with hundreds of orders a day costs a handful of rows here.
        var firstProduct = productIds.Count > 0 ? productIds[0] : Guid.Empty;
        var candidates = db.SalesOrders.AsNoTracking()
            .Where(o => o.CustomerId == customer.Id && o.CreatedAt >= since && o.Status != OrderStatus.Cancelled && o.Id != editingOrderId
                && db.OrderLines.Any(l => l.OrderId == o.Id && l.ProductId == firstProduct))
            .OrderByDescending(o => o.Id)
            .Take(MaxDuplicateCandidates)
            .Select(o => o.Id);
        var recentLines = await db.OrderLines.AsNoTracking()
            .Where(l => candidates.Contains(l.OrderId))
            .Join(db.SalesOrders, l => l.OrderId, o => o.Id, (l, o) => new { o.Number, l.ProductId, l.Quantity })
            .ToListAsync(ct);
        var recent = recentLines.GroupBy(l => l.Number)
            .Select(g => new RecentOrder(g.Key, g.GroupBy(l => l.ProductId).ToDictionary(p => p.Key, p => p.Sum(l => l.Quantity))))
            .ToList();

        // Exposure only matters against a credit limit (the credit warning); most customers have none, and it is
        // three queries (open orders, unpaid invoices, unallocated credit).
        var exposure = customer.CreditLimitMinor is null ? 0 : await credit.OpenOrdersMinorAsync(customer.Id, customer.Currency, editingOrderId, ct);
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
