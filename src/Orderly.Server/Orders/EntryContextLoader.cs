using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
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
        var queries = PerModel.GetValue(db.Model, _ => new Queries());
        var productIds = request.Lines.Select(l => l.ProductId).Distinct().ToList();
        var products = await queries.ProductsOf(db, productIds).ToDictionaryAsync(p => p.Id, cancellationToken: ct);

        if (customer is null)
        {
            return new EntryContext { Customer = null, Products = products, Today = calendar.Today };
        }

        var po = Domain.Common.Text.Normalize(request.CustomerPo);
        var editing = editingOrderId ?? Guid.Empty;
        var poUsed = po.Length > 0 && await queries.PoUsed(db, customer.Id, po, editing);

        // The habit comes from the customer's latest orders: start from their orders (customer index, a few hundred
        // rows) and look up those orders' lines, never from every line of a popular product across all customers.
        var history = await queries.HistoryOf(db, customer.Id, productIds).ToListAsync(ct);
        var usual = history.GroupBy(h => h.ProductId)
            .Where(g => g.Count() >= MinHistoryForUsual)
            .ToDictionary(g => g.Key, g => Median([.. g.Select(h => h.Quantity)]));

        // A probable duplicate has every product of this order, so only the customer's recent orders that contain
        // its first product are candidates: a customer with hundreds of orders a day costs a handful of rows here.
        var firstProduct = productIds.Count > 0 ? productIds[0] : Guid.Empty;
        var recentLines = await queries.RecentLinesOf(db, customer.Id, time.GetUtcNow().AddHours(-24), editing, firstProduct).ToListAsync(ct);
        var recent = recentLines.GroupBy(l => l.Number)
            .Select(g => new RecentOrder(g.Key, g.GroupBy(l => l.ProductId).ToDictionary(p => p.Key, p => p.Sum(l => l.Quantity))))
            .ToList();

        // Exposure only matters against a credit limit (the credit warning); most customers have none, and it is
        // three queries (open orders, unpaid invoices, unallocated credit).
        var exposure = customer.CreditLimitMinor is null ? 0 : await credit.OpenOrdersMinorAsync(customer.Id, customer.Currency, editingOrderId, ct);
        var available = await queries.BalancesOf(db, productIds).ToListAsync(ct);

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

    // The entry checks' queries run on every order entered and every check as a clerk types, so they are compiled
    // once (EF.CompileAsyncQuery): no expression tree built, no parameters extracted from it, no cache lookup per run.
    // A compiled query serves one model, and a process (the tests) may run SQLite and PostgreSQL side by side: one
    // set per model. The customer's query is not among them: it goes through the caller's data scope.
    private static readonly ConditionalWeakTable<IModel, Queries> PerModel = new();

    private sealed class Queries
    {
        public readonly Func<OrderlyDbContext, List<Guid>, IAsyncEnumerable<Domain.Catalog.Product>> ProductsOf =
            EF.CompileAsyncQuery((OrderlyDbContext db, List<Guid> ids) => db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)));

        public readonly Func<OrderlyDbContext, Guid, string, Guid, Task<bool>> PoUsed =
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, string po, Guid editing) =>
                db.SalesOrders.Any(o => o.CustomerId == customerId && o.CustomerPo == po && o.Id != editing));

        public readonly Func<OrderlyDbContext, Guid, List<Guid>, IAsyncEnumerable<ProductQuantity>> HistoryOf =
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, List<Guid> ids) => db.OrderLines.AsNoTracking()
                .Where(l => db.SalesOrders
                        .Where(o => o.CustomerId == customerId
                            && o.Status != OrderStatus.Cancelled && o.Status != OrderStatus.Rejected && o.Status != OrderStatus.Draft)
                        .OrderByDescending(o => o.Id)
                        .Take(HistoryOrders)
                        .Select(o => o.Id)
                        .Contains(l.OrderId)
                    && ids.Contains(l.ProductId))
                .Select(l => new ProductQuantity(l.ProductId, l.Quantity)));

        public readonly Func<OrderlyDbContext, Guid, DateTimeOffset, Guid, Guid, IAsyncEnumerable<NumberedQuantity>> RecentLinesOf =
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, DateTimeOffset since, Guid editing, Guid firstProduct) => db.OrderLines.AsNoTracking()
                .Where(l => db.SalesOrders
                    .Where(o => o.CustomerId == customerId && o.CreatedAt >= since && o.Status != OrderStatus.Cancelled && o.Id != editing
                        && db.OrderLines.Any(x => x.OrderId == o.Id && x.ProductId == firstProduct))
                    .OrderByDescending(o => o.Id)
                    .Take(MaxDuplicateCandidates)
                    .Select(o => o.Id)
                    .Contains(l.OrderId))
                .Join(db.SalesOrders, l => l.OrderId, o => o.Id, (l, o) => new NumberedQuantity(o.Number, l.ProductId, l.Quantity)));

        public readonly Func<OrderlyDbContext, List<Guid>, IAsyncEnumerable<BalanceRow>> BalancesOf =
            EF.CompileAsyncQuery((OrderlyDbContext db, List<Guid> ids) => db.StockBalances.AsNoTracking()
                .Where(b => ids.Contains(b.ProductId))
                .Select(b => new BalanceRow(b.ProductId, b.OnHand, b.Reserved)));
    }

    private sealed record ProductQuantity(Guid ProductId, decimal Quantity);

    private sealed record BalanceRow(Guid ProductId, decimal OnHand, decimal Reserved);

    private sealed record NumberedQuantity(string Number, Guid ProductId, decimal Quantity);

    private static decimal Median(decimal[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
