using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Customers;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;
using Orderly.Server.Orders;

namespace Orderly.Server.Ui;

public sealed record CustomerOption(Guid Id, string Code, string Name, string Currency, decimal? CreditLimit, bool IsActive, bool IsBlocked, string? Region)
{
    public override string ToString() => $"{Code} · {Name}";
}

public sealed record CustomerView(CustomerDto Customer, string? OwnerName);

public sealed record CustomerCredit(string Currency, decimal? CreditLimit, decimal OpenExposure);

public sealed record ProductOption(Guid Id, string Sku, string Name, string Unit, bool IsWholeUnit, decimal ListPrice, decimal MinPrice, string Currency, decimal Available)
{
    public override string ToString() => $"{Sku} · {Name}";
}

public sealed record LineAvailability(decimal Available, DateOnly? PromiseDate);

public sealed record OrderFilter(OrderStatus? Status, Guid? CustomerId, DateOnly? From, DateOnly? To, string? Text);

public sealed record OrderRow(
    Guid Id, string Number, string CustomerCode, string CustomerName, OrderStatus Status, string Currency, decimal Total,
    DateOnly OrderDate, DateOnly? RequestedDeliveryDate, string? CustomerPo, IReadOnlyList<string>? ApprovalReasons = null);

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Total);

/// <summary>How the order list groups its filter's orders: by status, customer or month of the order date.</summary>
public enum OrderGrouping
{
    None,
    Status,
    Customer,
    Month,
}

/// <summary>One group of the order list's filter: its key (a status, a customer id, a yyyy-MM month), label, count and totals per currency.</summary>
public sealed record OrderGroup(string Key, string Label, int Orders, IReadOnlyList<(string Currency, decimal Total)> Totals);

/// <summary>
/// Reads the UI needs beyond the API's own queries (searches as you type, offset pages with sorting), always
/// through <see cref="DataScope"/> so a rep sees exactly what the API would show them.
/// </summary>
public sealed class UiQueries(OrderlyDbContext db, DataScope scope, Availability availability, CreditExposure credit)
{
    public async Task<IReadOnlyList<CustomerOption>> SearchCustomersAsync(string? text, int take, CancellationToken ct)
    {
        var customers = await scope.CustomersAsync(db.Customers.AsNoTracking(), ct);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var term = Text.Normalize(text).ToLower();
            customers = customers.Where(c => c.Code.ToLower().Contains(term) || c.Name.ToLower().Contains(term) || (c.NameEn != null && c.NameEn.ToLower().Contains(term)));
        }

        var rows = await customers.OrderBy(c => c.Code).Take(take)
            .Select(c => new { c.Id, c.Code, c.Name, c.NameEn, c.Currency, c.CreditLimit, c.IsActive, c.IsBlocked, c.Region })
            .ToListAsync(ct);
        return rows.ConvertAll(c => new CustomerOption(c.Id, c.Code, LocalNames.Pick(c.Name, c.NameEn), c.Currency, c.CreditLimit?.Amount, c.IsActive, c.IsBlocked, c.Region));
    }

    public async Task<PageOf<CustomerOption>> CustomersAsync(string? text, int skip, int take, CancellationToken ct)
    {
        var customers = await scope.CustomersAsync(db.Customers.AsNoTracking(), ct);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var term = Text.Normalize(text).ToLower();
            customers = customers.Where(c => c.Code.ToLower().Contains(term) || c.Name.ToLower().Contains(term) || (c.NameEn != null && c.NameEn.ToLower().Contains(term)));
        }

        var total = await customers.CountAsync(ct);
        var rows = await customers.OrderBy(c => c.Code).Skip(skip).Take(take)
            .Select(c => new { c.Id, c.Code, c.Name, c.NameEn, c.Currency, c.CreditLimit, c.IsActive, c.IsBlocked, c.Region })
            .ToListAsync(ct);
        return new(rows.ConvertAll(c => new CustomerOption(c.Id, c.Code, LocalNames.Pick(c.Name, c.NameEn), c.Currency, c.CreditLimit?.Amount, c.IsActive, c.IsBlocked, c.Region)), total);
    }

    public async Task<CustomerCredit?> CreditAsync(Guid customerId, CancellationToken ct)
    {
        var customer = await (await scope.CustomersAsync(db.Customers.AsNoTracking(), ct)).Where(c => c.Id == customerId)
            .Select(c => new { c.Currency, c.CreditLimit }).FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return null;
        }

        var open = await credit.OpenOrdersMinorAsync(customerId, customer.Currency, excludeOrderId: null, ct);
        return new(customer.Currency, customer.CreditLimit?.Amount, Money.FromMinor(open, customer.Currency).Amount);
    }

    /// <summary>A customer with contacts and open exposure, as <c>GET /api/customers/{id}</c> answers it (404 outside the caller's scope).</summary>
    public async Task<CustomerView> CustomerAsync(Guid id, CancellationToken ct)
    {
        var customer = await (await scope.CustomersAsync(db.Customers.AsNoTracking(), ct)).FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new NotFoundException("Customer", id);
        var exposure = await credit.OpenOrdersMinorAsync(id, customer.Currency, excludeOrderId: null, ct);
        var owner = customer.OwnerUserId is { } ownerId
            ? await db.Users.AsNoTracking().Where(u => u.Id == ownerId).Select(u => u.DisplayName ?? u.Email).FirstOrDefaultAsync(ct)
            : null;
        return new(CustomerDto.From(customer, Money.FromMinor(exposure, customer.Currency).Amount), owner);
    }

    public async Task<CustomerOption?> CustomerOptionAsync(Guid id, CancellationToken ct) =>
        (await SearchCustomersByIdAsync([id], ct)).FirstOrDefault();

    /// <summary>Products by id as the order entry lines hold them (for editing a draft).</summary>
    public async Task<IReadOnlyDictionary<Guid, ProductOption>> ProductOptionsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var rows = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(ct);
        var available = (await db.StockBalances.AsNoTracking().Where(b => ids.Contains(b.ProductId)).ToListAsync(ct))
            .GroupBy(b => b.ProductId).ToDictionary(g => g.Key, g => g.Sum(b => b.Available));
        return rows.ToDictionary(p => p.Id, p => new ProductOption(
            p.Id, p.Sku, LocalNames.Pick(p.Name, p.NameEn), p.Unit, p.IsWholeUnit, p.ListPrice.Amount, p.MinPrice.Amount, p.Currency, available.GetValueOrDefault(p.Id)));
    }

    private async Task<List<CustomerOption>> SearchCustomersByIdAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var rows = await (await scope.CustomersAsync(db.Customers.AsNoTracking(), ct)).Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.Code, c.Name, c.NameEn, c.Currency, c.CreditLimit, c.IsActive, c.IsBlocked, c.Region })
            .ToListAsync(ct);
        return rows.ConvertAll(c => new CustomerOption(c.Id, c.Code, LocalNames.Pick(c.Name, c.NameEn), c.Currency, c.CreditLimit?.Amount, c.IsActive, c.IsBlocked, c.Region));
    }

    public async Task<PageOf<ProductOption>> ProductsAsync(string? text, bool activeOnly, int skip, int take, CancellationToken ct)
    {
        var products = db.Products.AsNoTracking();
        if (activeOnly)
        {
            products = products.Where(p => p.IsActive);
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            var term = Text.Normalize(text).ToLower();
            products = products.Where(p => p.Sku.ToLower().Contains(term) || p.Name.ToLower().Contains(term) || (p.NameEn != null && p.NameEn.ToLower().Contains(term)));
        }

        var total = await products.CountAsync(ct);
        var rows = await products.OrderBy(p => p.Sku).Skip(skip).Take(take).ToListAsync(ct);
        var ids = rows.ConvertAll(p => p.Id);
        var available = (await db.StockBalances.AsNoTracking().Where(b => ids.Contains(b.ProductId)).ToListAsync(ct))
            .GroupBy(b => b.ProductId).ToDictionary(g => g.Key, g => g.Sum(b => b.Available));
        return new(rows.ConvertAll(p => new ProductOption(
            p.Id, p.Sku, LocalNames.Pick(p.Name, p.NameEn), p.Unit, p.IsWholeUnit, p.ListPrice.Amount, p.MinPrice.Amount, p.Currency, available.GetValueOrDefault(p.Id))), total);
    }

    /// <summary>
    /// The order as its reader names things: customer and product names in the reader's language where the master
    /// data gives one (the order keeps the names it was entered with; an English reader sees today's English name).
    /// </summary>
    public async Task<OrderDto> InReadersLanguageAsync(OrderDto order, CancellationToken ct)
    {
        if (!LocalNames.ReaderWantsEnglish)
        {
            return order;
        }

        var productIds = order.Lines.Select(l => l.ProductId).Distinct().ToList();
        var english = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id) && p.NameEn != null)
            .Select(p => new { p.Id, p.NameEn }).ToDictionaryAsync(p => p.Id, p => p.NameEn!, ct);
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == order.CustomerId).Select(c => c.NameEn).FirstOrDefaultAsync(ct);
        return order with
        {
            CustomerName = LocalNames.Pick(order.CustomerName, customer),
            Lines = [.. order.Lines.Select(l => english.TryGetValue(l.ProductId, out var name) ? l with { ProductName = name } : l)],
        };
    }

    /// <summary>
    /// Why the caller may not approve each of these orders (absent: they may), by the <see cref="SeparationOfDuties"/>
    /// rule the approval itself applies.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, string>> ApprovalBlocksAsync(IReadOnlyCollection<Guid> orderIds, Guid? me, CancellationToken ct)
    {
        Guid?[] approver = [me, scope.Self];
        var rows = await db.SalesOrders.AsNoTracking().Where(o => orderIds.Contains(o.Id))
            .Join(db.Customers, o => o.CustomerId, c => c.Id, (o, c) => new { o.Id, o.CreatedBy, c.OwnerUserId })
            .ToListAsync(ct);
        return rows.Select(r => (r.Id, Why: SeparationOfDuties.Refusal(r.CreatedBy, r.OwnerUserId, approver)))
            .Where(r => r.Why is not null).ToDictionary(r => r.Id, r => r.Why!);
    }

    public async Task<LineAvailability> AvailabilityAsync(Guid productId, decimal quantity, CancellationToken ct)
    {
        var found = await availability.ForAsync(productId, quantity > 0 ? quantity : 1, ct);
        return new(found.Warehouses.Sum(w => w.Available), found.EarliestDate);
    }

    public async Task<PageOf<OrderRow>> OrdersAsync(OrderFilter filter, string? sortBy, bool descending, int skip, int take, CancellationToken ct)
    {
        var rows = await FilteredOrdersAsync(filter, ct);
        var total = await rows.CountAsync(ct);
        rows = (sortBy, descending) switch
        {
            ("number", false) => rows.OrderBy(x => x.Order.Number),
            ("number", true) => rows.OrderByDescending(x => x.Order.Number),
            ("customer", false) => rows.OrderBy(x => x.Name).ThenByDescending(x => x.Order.Id),
            ("customer", true) => rows.OrderByDescending(x => x.Name).ThenByDescending(x => x.Order.Id),
            ("total", false) => rows.OrderBy(x => x.Order.TotalMinor).ThenByDescending(x => x.Order.Id),
            ("total", true) => rows.OrderByDescending(x => x.Order.TotalMinor).ThenByDescending(x => x.Order.Id),
            ("status", false) => rows.OrderBy(x => x.Order.Status).ThenByDescending(x => x.Order.Id),
            ("status", true) => rows.OrderByDescending(x => x.Order.Status).ThenByDescending(x => x.Order.Id),
            ("date", false) => rows.OrderBy(x => x.Order.OrderDate).ThenBy(x => x.Order.Id),
            _ => rows.OrderByDescending(x => x.Order.Id),
        };
        var page = await rows.Skip(skip).Take(take)
            .Select(x => new { x.Order.Id, x.Order.Number, x.Code, x.Name, x.NameEn, x.Order.Status, x.Order.Currency, x.Order.TotalMinor, x.Order.OrderDate, x.Order.RequestedDeliveryDate, x.Order.CustomerPo, x.Order.ApprovalReasons })
            .ToListAsync(ct);
        return new(page.ConvertAll(x => new OrderRow(
            x.Id, x.Number, x.Code, LocalNames.Pick(x.Name, x.NameEn), x.Status, x.Currency, Money.FromMinor(x.TotalMinor, x.Currency).Amount,
            x.OrderDate, x.RequestedDeliveryDate, x.CustomerPo,
            x.ApprovalReasons?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])), total);
    }

    /// <summary>
    /// The filter's orders grouped for the list's group-by view: count and totals per currency of every group, over
    /// the whole filter (not one page), largest groups first.
    /// </summary>
    public async Task<IReadOnlyList<OrderGroup>> OrderGroupsAsync(OrderFilter filter, OrderGrouping grouping, CancellationToken ct)
    {
        var rows = await FilteredOrdersAsync(filter, ct);
        switch (grouping)
        {
            case OrderGrouping.Status:
                var byStatus = await rows.GroupBy(x => new { x.Order.Status, x.Order.Currency })
                    .Select(g => new { g.Key.Status, g.Key.Currency, Count = g.Count(), Sum = g.Sum(x => x.Order.TotalMinor) }).ToListAsync(ct);
                return Groups(byStatus.Select(g => (g.Status.ToString(), g.Status.ToString(), g.Currency, g.Count, g.Sum)));
            case OrderGrouping.Customer:
                var byCustomer = await rows.GroupBy(x => new { x.Order.CustomerId, x.Code, x.Name, x.NameEn, x.Order.Currency })
                    .Select(g => new { g.Key.CustomerId, g.Key.Code, g.Key.Name, g.Key.NameEn, g.Key.Currency, Count = g.Count(), Sum = g.Sum(x => x.Order.TotalMinor) }).ToListAsync(ct);
                return Groups(byCustomer.Select(g => (g.CustomerId.ToString(), $"{g.Code} · {LocalNames.Pick(g.Name, g.NameEn)}", g.Currency, g.Count, g.Sum)));
            case OrderGrouping.Month:
                var byMonth = await rows.GroupBy(x => new { x.Order.OrderDate.Year, x.Order.OrderDate.Month, x.Order.Currency })
                    .Select(g => new { g.Key.Year, g.Key.Month, g.Key.Currency, Count = g.Count(), Sum = g.Sum(x => x.Order.TotalMinor) }).ToListAsync(ct);
                return Groups(byMonth.Select(g => ($"{g.Year:0000}-{g.Month:00}", $"{g.Year:0000}-{g.Month:00}", g.Currency, g.Count, g.Sum)));
            default:
                return [];
        }
    }

    private static List<OrderGroup> Groups(IEnumerable<(string Key, string Label, string Currency, int Count, long SumMinor)> parts) =>
        [.. parts.GroupBy(p => (p.Key, p.Label))
            .Select(g => new OrderGroup(g.Key.Key, g.Key.Label, g.Sum(p => p.Count),
                [.. g.OrderBy(p => p.Currency, StringComparer.Ordinal).Select(p => (p.Currency, Money.FromMinor(p.SumMinor, p.Currency).Amount))]))
            .OrderByDescending(g => g.Orders).ThenBy(g => g.Label, StringComparer.Ordinal)];

    private async Task<IQueryable<FilteredOrder>> FilteredOrdersAsync(OrderFilter filter, CancellationToken ct)
    {
        var orders = await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct);
        if (filter.Status is { } status)
        {
            orders = orders.Where(o => o.Status == status);
        }

        if (filter.CustomerId is { } customerId)
        {
            orders = orders.Where(o => o.CustomerId == customerId);
        }

        if (filter.From is { } from)
        {
            orders = orders.Where(o => o.OrderDate >= from);
        }

        if (filter.To is { } to)
        {
            orders = orders.Where(o => o.OrderDate <= to);
        }

        var rows = orders.Join(db.Customers, o => o.CustomerId, c => c.Id, (o, c) => new FilteredOrder { Order = o, Code = c.Code, Name = c.Name, NameEn = c.NameEn });
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var term = Text.Normalize(filter.Text).ToLower();
            rows = rows.Where(x => x.Order.Number.ToLower().Contains(term)
                || (x.Order.CustomerPo != null && x.Order.CustomerPo.ToLower().Contains(term))
                || x.Name.ToLower().Contains(term) || (x.NameEn != null && x.NameEn.ToLower().Contains(term)) || x.Code.ToLower().Contains(term));
        }


        return rows;
    }

    public async Task<IReadOnlyList<StockItemDto>> StockAsync(string? text, CancellationToken ct)
    {
        var products = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var term = Text.Normalize(text).ToLower();
            products = products.Where(p => p.Sku.ToLower().Contains(term) || p.Name.ToLower().Contains(term) || (p.NameEn != null && p.NameEn.ToLower().Contains(term)));
        }

        var rows = await db.StockBalances.AsNoTracking()
            .Join(products, b => b.ProductId, p => p.Id, (b, p) => new { b, p.Sku, p.Name, p.NameEn })
            .Join(db.Warehouses, x => x.b.WarehouseId, w => w.Id, (x, w) => new { x.b, x.Sku, x.Name, x.NameEn, w.Code })
            .OrderBy(x => x.Sku).ThenBy(x => x.Code)
            .Take(500)
            .ToListAsync(ct);
        return rows.ConvertAll(x => new StockItemDto(x.b.ProductId, x.Sku, LocalNames.Pick(x.Name, x.NameEn), x.b.WarehouseId, x.Code, x.b.OnHand, x.b.Reserved, x.b.Available));
    }
}

/// <summary>An order of the list's filter with its customer's code and name.</summary>
public sealed class FilteredOrder
{
    public required SalesOrder Order { get; init; }

    public required string Code { get; init; }

    public required string Name { get; init; }

    public string? NameEn { get; init; }
}
