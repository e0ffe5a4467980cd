using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Purchasing;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Purchasing;

public sealed record SupplierRow(Guid Id, string Code, string Name, int LeadTimeDays, int PaymentTermsDays, string Currency, bool IsActive, int Products);

public sealed record SupplierPriceRow(Guid ProductId, string Sku, string ProductName, decimal MinQuantity, decimal UnitPrice, string Currency, DateOnly? ValidFrom, DateOnly? ValidTo);

public sealed record SupplierProductRow(Guid ProductId, string Sku, string ProductName, bool DropShip, int? LeadTimeDays, decimal? MinOrderQuantity, decimal? PackSize);

public sealed record SupplierDetailView(SupplierDto Supplier, IReadOnlyList<SupplierProductRow> Products, IReadOnlyList<SupplierPriceRow> Prices, ScorecardDto Scorecards);

public sealed record PurchaseOrderFilter(PurchaseOrderStatus? Status, Guid? SupplierId, Guid? WarehouseId, string? Text);

public sealed record PurchaseOrderRow(Guid Id, string Number, string SupplierName, string WarehouseCode, PurchaseOrderStatus Status, decimal Total, string Currency,
    DateTimeOffset CreatedAt, bool DropShip);

public sealed record PurchaseOrderRows(IReadOnlyList<PurchaseOrderRow> Items, int Total);

public sealed record ProductLabel(string Sku, string Name);

public sealed record PurchaseOrderView(PurchaseOrderDetailDto Detail, string SupplierCode, string SupplierName, string WarehouseCode, IReadOnlyDictionary<Guid, ProductLabel> Products);

public sealed record NamedOption(Guid Id, string Code, string Name)
{
    public override string ToString() => $"{Code} · {Name}";
}

/// <summary>
/// What the purchasing pages read: suppliers with their terms, price list and scorecards, purchase orders with
/// names instead of ids, and the supplier portal's view (the caller's supplier only, without our list prices).
/// </summary>
public sealed class PurchasingQueries(OrderlyDbContext db, ScorecardService scorecards, Reordering reordering, Caller caller)
{
    private const int MaxPage = 100;

    public async Task<IReadOnlyList<SupplierRow>> SuppliersAsync(string? text, CancellationToken ct)
    {
        var query = db.Suppliers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var t = text.Trim();
            query = query.Where(s => s.Code.Contains(t) || s.Name.Contains(t));
        }

        var rows = await query.OrderBy(s => s.Code).Take(500).ToListAsync(ct);
        return rows.ConvertAll(s => new SupplierRow(s.Id, s.Code, s.Name, s.LeadTimeDays, s.PaymentTermsDays, s.Currency, s.IsActive, s.Products.Count));
    }

    public async Task<IReadOnlyList<NamedOption>> SupplierOptionsAsync(CancellationToken ct) =>
        await db.Suppliers.AsNoTracking().OrderBy(s => s.Code).Select(s => new NamedOption(s.Id, s.Code, s.Name)).Take(500).ToListAsync(ct);

    public async Task<IReadOnlyList<NamedOption>> WarehouseOptionsAsync(CancellationToken ct) =>
        await db.Warehouses.AsNoTracking().OrderBy(w => w.Code).Select(w => new NamedOption(w.Id, w.Code, w.Name)).ToListAsync(ct);

    public async Task<SupplierDetailView?> SupplierAsync(Guid id, CancellationToken ct)
    {
        var supplier = await db.Suppliers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (supplier is null)
        {
            return null;
        }

        var prices = await db.Set<SupplierPrice>().AsNoTracking().Where(p => p.SupplierId == id).ToListAsync(ct);
        var labels = await LabelsAsync(supplier.Products.Select(p => p.ProductId).Concat(prices.Select(p => p.ProductId)), ct);
        var products = supplier.Products.Select(p => new SupplierProductRow(p.ProductId, Label(labels, p.ProductId).Sku, Label(labels, p.ProductId).Name,
            p.DropShip, p.LeadTimeDays, p.MinOrderQuantity, p.PackSize)).OrderBy(p => p.Sku, StringComparer.Ordinal).ToList();
        var priceRows = prices.Select(p => new SupplierPriceRow(p.ProductId, Label(labels, p.ProductId).Sku, Label(labels, p.ProductId).Name, p.MinQuantity,
                Money.FromMinor(p.UnitPriceMinor, p.Currency).Amount, p.Currency, p.ValidFrom, p.ValidTo))
            .OrderBy(p => p.Sku, StringComparer.Ordinal).ThenBy(p => p.MinQuantity).ThenBy(p => p.ValidFrom).ToList();
        return new SupplierDetailView(SupplierDto.From(supplier), products, priceRows, await scorecards.HistoryAsync(id, ct));
    }

    public async Task<PurchaseOrderRows> PurchaseOrdersAsync(PurchaseOrderFilter filter, int skip, int take, CancellationToken ct) =>
        await PageAsync(db.Set<PurchaseOrder>().AsNoTracking(), filter, skip, take, ct);

    public async Task<PurchaseOrderView?> PurchaseOrderAsync(Guid id, CancellationToken ct)
    {
        var po = await db.Set<PurchaseOrder>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        return po is null ? null : await ViewAsync(po, withListPrices: true, ct);
    }

    /// <summary>The supplier the calling portal user acts for; none means the login may see nothing.</summary>
    public async Task<Guid> CallersSupplierAsync(CancellationToken ct) =>
        caller.PersonId is { } user && await db.Set<SupplierUser>().AsNoTracking().Where(u => u.UserId == user).Select(u => (Guid?)u.SupplierId).FirstOrDefaultAsync(ct) is { } supplier
            ? supplier
            : throw new ForbiddenException("NoSupplier", "This login is not tied to a supplier.");

    public async Task<PurchaseOrderRows> PortalOrdersAsync(int skip, int take, CancellationToken ct)
    {
        var supplier = await CallersSupplierAsync(ct);
        return await PageAsync(PortalVisible(supplier), new PurchaseOrderFilter(null, null, null, null), skip, take, ct);
    }

    public async Task<PurchaseOrderView?> PortalOrderAsync(Guid id, CancellationToken ct)
    {
        var supplier = await CallersSupplierAsync(ct);
        var po = await PortalVisible(supplier).FirstOrDefaultAsync(o => o.Id == id, ct);
        return po is null ? null : await ViewAsync(po, withListPrices: false, ct);
    }

    /// <summary>The reorder suggestions a purchaser may turn into purchase orders.</summary>
    public async Task<IReadOnlyList<ReorderSuggestionDto>> SuggestionsAsync(CancellationToken ct) => (await reordering.SuggestAsync(null, null, ct)).Items;

    private IQueryable<PurchaseOrder> PortalVisible(Guid supplier) =>
        db.Set<PurchaseOrder>().AsNoTracking().Where(o => o.SupplierId == supplier && PortalStatuses.Contains(o.Status));

    /// <summary>What a supplier sees in the portal: sent orders onwards, never drafts or our approvals.</summary>
    public static readonly PurchaseOrderStatus[] PortalStatuses =
        [PurchaseOrderStatus.Sent, PurchaseOrderStatus.Confirmed, PurchaseOrderStatus.PartiallyReceived, PurchaseOrderStatus.Received, PurchaseOrderStatus.Closed];

    private async Task<PurchaseOrderRows> PageAsync(IQueryable<PurchaseOrder> query, PurchaseOrderFilter filter, int skip, int take, CancellationToken ct)
    {
        if (filter.Status is { } status)
        {
            query = query.Where(o => o.Status == status);
        }

        if (filter.SupplierId is { } supplier)
        {
            query = query.Where(o => o.SupplierId == supplier);
        }

        if (filter.WarehouseId is { } warehouse)
        {
            query = query.Where(o => o.WarehouseId == warehouse);
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var t = filter.Text.Trim();
            query = query.Where(o => o.Number.Contains(t));
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(o => o.Number)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, MaxPage))
            .Select(o => new
            {
                o.Id, o.Number, o.Status, o.TotalMinor, o.Currency, o.CreatedAt, o.DropShip,
                Supplier = db.Suppliers.Where(s => s.Id == o.SupplierId).Select(s => s.Name).FirstOrDefault(),
                Warehouse = db.Warehouses.Where(w => w.Id == o.WarehouseId).Select(w => w.Code).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return new PurchaseOrderRows(rows.ConvertAll(r => new PurchaseOrderRow(r.Id, r.Number, r.Supplier ?? "", r.Warehouse ?? "", r.Status,
            Money.FromMinor(r.TotalMinor, r.Currency).Amount, r.Currency, r.CreatedAt, r.DropShip)), total);
    }

    private async Task<PurchaseOrderView> ViewAsync(PurchaseOrder po, bool withListPrices, CancellationToken ct)
    {
        var detail = await PurchaseOrderDetailDto.LoadAsync(db, po, withListPrices, ct);
        var supplier = await db.Suppliers.AsNoTracking().Where(s => s.Id == po.SupplierId).Select(s => new { s.Code, s.Name }).FirstAsync(ct);
        var warehouse = await db.Warehouses.AsNoTracking().Where(w => w.Id == po.WarehouseId).Select(w => w.Code).FirstOrDefaultAsync(ct);
        var labels = await LabelsAsync(po.Lines.Select(l => l.ProductId), ct);
        return new PurchaseOrderView(detail, supplier.Code, supplier.Name, warehouse ?? "", labels);
    }

    private async Task<Dictionary<Guid, ProductLabel>> LabelsAsync(IEnumerable<Guid> productIds, CancellationToken ct)
    {
        var ids = productIds.Distinct().ToList();
        return await db.ProductRefs().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => new ProductLabel(p.Sku, p.Name), ct);
    }

    private static ProductLabel Label(Dictionary<Guid, ProductLabel> labels, Guid id) => labels.TryGetValue(id, out var l) ? l : new ProductLabel(id.ToString(), "");
}
