using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Orders;

/// <summary>
/// Gathers what the entry checks need with a handful of set-based queries; nothing here loads an aggregate's history.
/// Every order runs these, so they are compiled once (EF.CompileAsyncQuery): a LINQ query otherwise spends more CPU
/// extracting its parameters and finding itself in the query cache than the database spends answering it.
/// </summary>
public sealed class EntryContextLoader(OrderlyDbContext db, TimeProvider time, Infrastructure.BusinessCalendar calendar, Identity.DataScope scope, CreditExposure credit)
{
    private const int MinHistoryForUsual = 3;
    private const int HistoryOrders = 250;
    private const int MaxDuplicateCandidates = 200;

    public async Task<EntryContext> LoadAsync(OrderRequest request, Guid? editingOrderId, CancellationToken ct)
    {
        // A customer outside the caller's scope is, to them, a customer that does not exist.
        var owners = await scope.OwnersAsync(ct);
        var customer = owners is null
            ? await Compiled.Customer.For(db)(db, request.CustomerId, ct)
            : await Compiled.ScopedCustomer.For(db)(db, request.CustomerId, owners, ct);
        var productIds = request.Lines.Select(l => l.ProductId).Distinct().ToList();
        var products = new Dictionary<Guid, Product>();
        await foreach (var product in Compiled.Products.For(db)(db, productIds).WithCancellation(ct))
        {
            products[product.Id] = product;
        }

        if (customer is null)
        {
            return new EntryContext { Customer = null, Products = products, Today = calendar.Today };
        }

        var po = Domain.Common.Text.Normalize(request.CustomerPo);
        var poUsed = po.Length > 0 && await Compiled.PoUsed.For(db)(db, customer.Id, po, editingOrderId, ct);

        // The habit comes from the customer's latest orders: start from their orders (customer index, a few hundred
        // rows) and look up those orders' lines, never from every line of a popular product across all customers.
        var history = new List<(Guid ProductId, decimal Quantity)>();
        await foreach (var line in Compiled.History.For(db)(db, customer.Id, productIds).WithCancellation(ct))
        {
            history.Add((line.ProductId, line.Quantity));
        }

        var usual = history.GroupBy(h => h.ProductId)
            .Where(g => g.Count() >= MinHistoryForUsual)
            .ToDictionary(g => g.Key, g => Median([.. g.Select(h => h.Quantity)]));

        var since = time.GetUtcNow().AddHours(-24);
        // A probable duplicate has every product of this order, so only the customer's recent orders that contain
        // its first product are candidates: a customer with hundreds of orders a day costs a handful of rows here.
        var firstProduct = productIds.Count > 0 ? productIds[0] : Guid.Empty;
        var recentLines = new List<NumberedLine>();
        await foreach (var line in Compiled.DuplicateCandidates.For(db)(db, customer.Id, since, editingOrderId, firstProduct).WithCancellation(ct))
        {
            recentLines.Add(line);
        }

        var recent = recentLines.GroupBy(l => l.Number)
            .Select(g => new RecentOrder(g.Key, g.GroupBy(l => l.ProductId).ToDictionary(p => p.Key, p => p.Sum(l => l.Quantity))))
            .ToList();

        var exposure = await credit.OpenOrdersMinorAsync(customer.Id, customer.Currency, editingOrderId, ct);
        var available = new List<ProductStock>();
        await foreach (var balance in Compiled.Stock.For(db)(db, productIds).WithCancellation(ct))
        {
            available.Add(balance);
        }

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

    private sealed record ProductLine(Guid ProductId, decimal Quantity);

    private sealed record NumberedLine(string Number, Guid ProductId, decimal Quantity);

    private sealed record ProductStock(Guid ProductId, decimal OnHand, decimal Reserved);

    private static class Compiled
    {
        public static readonly CompiledQuery<Func<OrderlyDbContext, Guid, CancellationToken, Task<Customer?>>> Customer = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid id, CancellationToken ct) => db.Customers.AsNoTracking().FirstOrDefault(c => c.Id == id)));

        public static readonly CompiledQuery<Func<OrderlyDbContext, Guid, Guid[], CancellationToken, Task<Customer?>>> ScopedCustomer = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid id, Guid[] owners, CancellationToken ct) => db.Customers.AsNoTracking()
                .FirstOrDefault(c => c.Id == id && c.OwnerUserId != null && owners.Contains(c.OwnerUserId.Value))));

        public static readonly CompiledQuery<Func<OrderlyDbContext, List<Guid>, IAsyncEnumerable<Product>>> Products = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, List<Guid> ids) => db.Products.AsNoTracking().Where(p => ids.Contains(p.Id))));

        public static readonly CompiledQuery<Func<OrderlyDbContext, Guid, string, Guid?, CancellationToken, Task<bool>>> PoUsed = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, string po, Guid? editing, CancellationToken ct) =>
                db.SalesOrders.Any(o => o.CustomerId == customerId && o.CustomerPo == po && o.Id != editing)));

        public static readonly CompiledQuery<Func<OrderlyDbContext, Guid, List<Guid>, IAsyncEnumerable<ProductLine>>> History = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, List<Guid> productIds) => db.OrderLines.AsNoTracking()
                .Where(l => db.SalesOrders
                        .Where(o => o.CustomerId == customerId
                            && o.Status != OrderStatus.Cancelled && o.Status != OrderStatus.Rejected && o.Status != OrderStatus.Draft)
                        .OrderByDescending(o => o.Id)
                        .Take(HistoryOrders)
                        .Select(o => o.Id)
                        .Contains(l.OrderId)
                    && productIds.Contains(l.ProductId))
                .Select(l => new ProductLine(l.ProductId, l.Quantity))));

        public static readonly CompiledQuery<Func<OrderlyDbContext, Guid, DateTimeOffset, Guid?, Guid, IAsyncEnumerable<NumberedLine>>> DuplicateCandidates = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, DateTimeOffset since, Guid? editing, Guid firstProduct) => db.OrderLines.AsNoTracking()
                .Where(l => db.SalesOrders
                    .Where(o => o.CustomerId == customerId && o.CreatedAt >= since && o.Status != OrderStatus.Cancelled && o.Id != editing
                        && db.OrderLines.Any(x => x.OrderId == o.Id && x.ProductId == firstProduct))
                    .OrderByDescending(o => o.Id)
                    .Take(MaxDuplicateCandidates)
                    .Select(o => o.Id)
                    .Contains(l.OrderId))
                .Join(db.SalesOrders, l => l.OrderId, o => o.Id, (l, o) => new NumberedLine(o.Number, l.ProductId, l.Quantity))));

        public static readonly CompiledQuery<Func<OrderlyDbContext, List<Guid>, IAsyncEnumerable<ProductStock>>> Stock = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, List<Guid> productIds) => db.StockBalances.AsNoTracking()
                .Where(b => productIds.Contains(b.ProductId))
                .Select(b => new ProductStock(b.ProductId, b.OnHand, b.Reserved))));
    }

    private static decimal Median(decimal[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
