using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Customers;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Inventory;

namespace Orderly.Server.Integration;

/// <summary>Products, with the import template's columns so an export can be edited and imported back.</summary>
public sealed class ProductExport(OrderlyDbContext db) : IExportList
{
    public string Name => "products";
    public string Policy => Policies.Read;
    public IReadOnlyList<ExportColumn> Columns { get; } = Exports.From(Domain.Integration.ImportLayouts.ProductLayout);

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var products = db.Products.AsNoTracking();
        if (query.Text("q") is { } q)
        {
            var term = Domain.Common.Text.Normalize(q).ToLower();
            products = products.Where(p => p.Sku.ToLower().Contains(term) || p.Name.ToLower().Contains(term) || (p.NameEn != null && p.NameEn.ToLower().Contains(term)));
        }

        if (query.Text("category") is { } category)
        {
            products = products.Where(p => p.Category == category);
        }

        if (query.Bool("active") is { } active)
        {
            products = products.Where(p => p.IsActive == active);
        }

        await foreach (var p in products.OrderBy(p => p.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return [p.Sku, p.Name, p.Unit, p.ListPrice.Amount, p.Currency, p.Category, p.MinPrice.Amount, p.Cost.Amount, p.IsWholeUnit, p.IsActive];
        }
    }
}

/// <summary>The caller's customers (data scope), with their primary contact, in the import template's columns plus status.</summary>
public sealed class CustomerExport(OrderlyDbContext db, DataScope scope) : IExportList
{
    public string Name => "customers";
    public string Policy => Policies.Read;
    public IReadOnlyList<ExportColumn> Columns { get; } =
        [.. Exports.From(Domain.Integration.ImportLayouts.CustomerLayout), new("Tier", "等级"), new("Active", "启用"), new("Blocked", "冻结")];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var customers = await scope.CustomersAsync(db.Customers.AsNoTracking(), ct);
        if (query.Text("q") is { } q)
        {
            var term = Domain.Common.Text.Normalize(q).ToLower();
            customers = customers.Where(c => c.Code.ToLower().Contains(term) || c.Name.ToLower().Contains(term) || (c.NameEn != null && c.NameEn.ToLower().Contains(term)));
        }

        if (query.Text("region") is { } region)
        {
            customers = customers.Where(c => c.Region == region);
        }

        if (query.Enum<CustomerTier>("tier") is { } tier)
        {
            customers = customers.Where(c => c.Tier == tier);
        }

        if (query.Id("ownerUserId") is { } owner)
        {
            customers = customers.Where(c => c.OwnerUserId == owner);
        }

        if (query.Bool("active") is { } active)
        {
            customers = customers.Where(c => c.IsActive == active);
        }

        if (query.Bool("blocked") is { } blocked)
        {
            customers = customers.Where(c => c.IsBlocked == blocked);
        }

        await foreach (var c in customers.OrderBy(c => c.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            var contact = c.Contacts.FirstOrDefault(x => x.IsPrimary) ?? (c.Contacts.Count > 0 ? c.Contacts[0] : null);
            yield return [c.Code, c.Name, c.Region, c.Address, c.Email, c.Phone, c.Currency, c.CreditLimit?.Amount, c.PaymentTermsDays,
                contact?.Name, contact?.Phone, contact?.Email, c.Tier, c.IsActive, c.IsBlocked];
        }
    }
}

/// <summary>Stock balances per warehouse and SKU; the first three columns are the opening-stock import's.</summary>
public sealed class StockExport(OrderlyDbContext db) : IExportList
{
    public string Name => "stock";
    public string Policy => Policies.Read;
    public IReadOnlyList<ExportColumn> Columns { get; } =
        [.. Exports.From(Domain.Integration.ImportLayouts.StockLayout), new("Name", "名称"), new("Reserved", "已预留"), new("Available", "可用库存")];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var balances = db.StockBalances.AsNoTracking();
        if (query.Id("productId") is { } p)
        {
            balances = balances.Where(b => b.ProductId == p);
        }

        if (query.Id("warehouseId") is { } w)
        {
            balances = balances.Where(b => b.WarehouseId == w);
        }

        var rows = balances
            .Join(db.ProductRefs(), b => b.ProductId, pr => pr.Id, (b, pr) => new { b, pr.Sku, pr.Name })
            .Join(db.Warehouses, x => x.b.WarehouseId, wh => wh.Id, (x, wh) => new { x.b, x.Sku, x.Name, wh.Code })
            .OrderBy(x => x.Code).ThenBy(x => x.Sku)
            .AsAsyncEnumerable();
        await foreach (var x in rows.WithCancellation(ct))
        {
            yield return [x.Code, x.Sku, x.b.OnHand, x.Name, x.b.Reserved, x.b.OnHand - x.b.Reserved];
        }
    }
}

/// <summary>The stock ledger; for a scoped caller, movements of orders they may not see carry no order reference.</summary>
public sealed class LedgerExport(OrderlyDbContext db, DataScope scope) : IExportList
{
    public string Name => "ledger";
    public string Policy => Policies.Read;
    public IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("At (UTC)", "时间 (UTC)"), new("Kind", "类型"), new("SKU", "物料编码"), new("Product", "产品"), new("Warehouse code", "仓库编码"),
        new("On hand change", "现有库存变动"), new("Reserved change", "预留变动"), new("Cause", "原因"), new("Cause id", "原因编号"), new("Note", "备注"),
    ];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var entries = StockOperations.FilterLedger(db.StockLedger.AsNoTracking(), query.Id("productId"), query.Id("warehouseId"),
            query.Enum<StockMovementKind>("kind"), query.Instant("from"), query.Instant("to"));
        var visible = await scope.VisibleOrderIdsAsync(ct);
        var rows = entries
            .Join(db.ProductRefs(), e => e.ProductId, pr => pr.Id, (e, pr) => new { e, pr.Sku, pr.Name })
            .Join(db.Warehouses, x => x.e.WarehouseId, wh => wh.Id, (x, wh) => new { x.e, x.Sku, x.Name, wh.Code })
            .Select(x => new { x.e, x.Sku, x.Name, x.Code, Hidden = visible != null && x.e.CauseType == StockService.OrderCause && !visible.Contains(x.e.CauseId) })
            .OrderBy(x => x.e.Id)
            .AsAsyncEnumerable();
        await foreach (var x in rows.WithCancellation(ct))
        {
            yield return [x.e.At, x.e.Kind, x.Sku, x.Name, x.Code, x.e.OnHandDelta, x.e.ReservedDelta, x.e.CauseType,
                x.Hidden ? null : x.e.CauseId, x.Hidden ? null : x.e.Note];
        }
    }
}

/// <summary>The filters of the order list (status, customerId, from, to, q) over the caller's scope.</summary>
internal static class OrderFilters
{
    public static async Task<IQueryable<SalesOrder>> ApplyAsync(OrderlyDbContext db, DataScope scope, ExportQuery query, CancellationToken ct)
    {
        var orders = await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct);
        if (query.Enum<OrderStatus>("status") is { } status)
        {
            orders = orders.Where(o => o.Status == status);
        }

        if (query.Id("customerId") is { } customer)
        {
            orders = orders.Where(o => o.CustomerId == customer);
        }

        if (query.Date("from") is { } from)
        {
            orders = orders.Where(o => o.OrderDate >= from);
        }

        if (query.Date("to") is { } to)
        {
            orders = orders.Where(o => o.OrderDate <= to);
        }

        if (query.Text("q") is { } q)
        {
            var term = Domain.Common.Text.Normalize(q).ToLower();
            var customers = db.Customers.Where(cu => cu.Name.ToLower().Contains(term) || (cu.NameEn != null && cu.NameEn.ToLower().Contains(term)) || cu.Code.ToLower().Contains(term)).Select(cu => cu.Id);
            orders = orders.Where(o => customers.Contains(o.CustomerId) || o.Number.ToLower().Contains(term) || (o.CustomerPo != null && o.CustomerPo.ToLower().Contains(term)));
        }

        return orders;
    }
}

/// <summary>Sales orders with their customer, newest first, as the order list shows them.</summary>
public sealed class OrderExport(OrderlyDbContext db, DataScope scope) : IExportList
{
    public string Name => "orders";
    public string Policy => Policies.Read;
    public IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("Number", "订单号"), new("Status", "状态"), new("Customer code", "客户编码"), new("Customer", "客户"), new("Order date", "订单日期"),
        new("Requested delivery", "要求交货日期"), new("Customer PO", "客户采购单号"), new("Currency", "币种"), new("Total", "金额"), new("Created at (UTC)", "创建时间 (UTC)"),
    ];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var orders = await OrderFilters.ApplyAsync(db, scope, query, ct);
        var rows = orders.Join(db.Customers, o => o.CustomerId, c => c.Id, (o, c) => new
        {
            o.Id, o.Number, o.Status, c.Code, c.Name, o.OrderDate, o.RequestedDeliveryDate, o.CustomerPo, o.Currency, o.TotalMinor, o.CreatedAt,
        }).OrderByDescending(x => x.Id).AsAsyncEnumerable();
        await foreach (var x in rows.WithCancellation(ct))
        {
            yield return [x.Number, x.Status, x.Code, x.Name, x.OrderDate, x.RequestedDeliveryDate, x.CustomerPo, x.Currency,
                Domain.Common.Money.FromMinor(x.TotalMinor, x.Currency).Amount, x.CreatedAt];
        }
    }
}

/// <summary>The lines of the orders the order list's filters select, with their quantity ledger.</summary>
public sealed class OrderLineExport(OrderlyDbContext db, DataScope scope) : IExportList
{
    public string Name => "order-lines";
    public string Policy => Policies.Read;
    public IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("Number", "订单号"), new("Line", "行号"), new("SKU", "物料编码"), new("Product", "产品"), new("Unit", "单位"), new("Quantity", "数量"),
        new("Unit price", "单价"), new("Discount %", "折扣 %"), new("Line total", "行金额"), new("Currency", "币种"), new("Reserved", "已预留"),
        new("Backordered", "缺货待发"), new("Shipped", "已发货"), new("Delivered", "已送达"), new("Returned", "已退货"), new("Invoiced", "已开票"),
    ];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var orders = await OrderFilters.ApplyAsync(db, scope, query, ct);
        var rows = orders.Join(db.OrderLines.AsNoTracking(), o => o.Id, l => l.OrderId, (o, l) => new { o.Id, o.Number, o.Currency, Line = l })
            .OrderByDescending(x => x.Id).ThenBy(x => x.Line.LineNumber).AsAsyncEnumerable();
        await foreach (var x in rows.WithCancellation(ct))
        {
            var l = x.Line;
            yield return [x.Number, l.LineNumber, l.Sku, l.ProductName, l.Unit, l.Quantity, l.UnitPrice.Amount, l.DiscountPercent, l.LineTotal.Amount, x.Currency,
                l.Reserved, l.Backordered, l.Shipped, l.Delivered, l.Returned, l.Invoiced];
        }
    }
}

internal static class Exports
{
    public static IReadOnlyList<ExportColumn> From(Domain.Integration.ImportLayout layout) => [.. layout.Columns.Select(c => new ExportColumn(c.English, c.Chinese))];
}
