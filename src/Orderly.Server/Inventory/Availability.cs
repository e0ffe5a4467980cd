using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>Stock on its way: a transfer (<see cref="TransferId"/> and its source warehouse) or a purchase order (<see cref="PurchaseOrderId"/>).</summary>
public sealed record ArrivalDto(Guid? TransferId, string Number, Guid? FromWarehouseId, decimal Quantity, DateOnly? ExpectedArrival, Guid? PurchaseOrderId = null);

/// <summary>Open supply from outside our warehouses (purchase orders, with their promised dates); the Purchasing capability provides it.</summary>
public interface IIncomingSupply
{
    Task<IReadOnlyList<IncomingSupplyLine>> OpenAsync(Guid? productId, Guid? warehouseId, CancellationToken ct);
}

/// <summary>A quantity still expected on a purchase order for a warehouse, by its promised (else expected) date.</summary>
public sealed record IncomingSupplyLine(Guid ProductId, Guid WarehouseId, Guid PurchaseOrderId, string Number, decimal Quantity, DateOnly? ExpectedArrival);

public sealed record WarehouseAvailabilityDto(
    Guid WarehouseId, string Code, string Name, string? Region, decimal OnHand, decimal Reserved, decimal Available, decimal Incoming,
    IReadOnlyList<ArrivalDto> Arrivals, DateOnly? AvailableToPromise, PromiseSource PromiseSource);

public sealed record AvailabilityDto(
    Guid ProductId, string Sku, string Name, decimal Quantity, DateOnly Today, decimal Backordered, int? SupplierLeadTimeDays,
    DateOnly? EarliestDate, PromiseSource EarliestSource, Guid? EarliestWarehouseId, IReadOnlyList<WarehouseAvailabilityDto> Warehouses);

/// <summary>
/// What a product has and will have, per active warehouse: on hand, reserved, available, incoming transfers, and
/// the earliest date a quantity can be delivered from there (<see cref="AvailableToPromise"/>).
/// </summary>
public sealed class Availability(OrderlyDbContext db, BusinessCalendar calendar, IEnumerable<IIncomingSupply> supplies)
{
    private static readonly OrderStatus[] Backordering = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped];

    public async Task<AvailabilityDto> ForAsync(Guid productId, decimal quantity, CancellationToken ct)
    {
        var product = await db.Products.AsNoTracking().Where(p => p.Id == productId).Select(p => new { p.Sku, p.Name }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Product", productId);
        var warehouses = await db.Warehouses.AsNoTracking().Where(w => w.IsActive).OrderBy(w => w.Code)
            .Select(w => new { w.Id, w.Code, w.Name, w.Region }).ToListAsync(ct);
        var balances = await db.StockBalances.AsNoTracking().Where(b => b.ProductId == productId)
            .ToDictionaryAsync(b => b.WarehouseId, ct);
        var arrivals = (await ArrivalsAsync(db, productId, null, ct)).Concat(await SupplyAsync(supplies, productId, null, ct)).ToLookup(a => a.ToWarehouseId);
        var backordered = (await db.OrderLines.AsNoTracking()
            .Where(l => l.ProductId == productId && l.Backordered > 0)
            .Join(db.SalesOrders.Where(o => Backordering.Contains(o.Status)), l => l.OrderId, o => o.Id, (l, o) => l.Backordered)
            .ToListAsync(ct)).Sum();
        var suppliers = await db.Suppliers.AsNoTracking()
            .Where(s => s.IsActive && s.Products.Any(p => p.ProductId == productId))
            .ToListAsync(ct);
        int? leadTime = suppliers.Count == 0 ? null : suppliers.Min(s => s.LeadTimeFor(productId));

        var today = calendar.Today;
        var rows = warehouses.ConvertAll(w =>
        {
            var balance = balances.GetValueOrDefault(w.Id);
            var available = balance?.Available ?? 0m;
            var incoming = arrivals[w.Id].ToList();
            var promise = AvailableToPromise.For(quantity, available, incoming.Select(a => new IncomingStock(a.Arrival.Quantity, a.Arrival.ExpectedArrival)),
                backordered, today, leadTime);
            return new WarehouseAvailabilityDto(w.Id, w.Code, w.Name, w.Region, balance?.OnHand ?? 0m, balance?.Reserved ?? 0m, available,
                incoming.Sum(a => a.Arrival.Quantity), [.. incoming.Select(a => a.Arrival)], promise.Date, promise.Source);
        });
        var earliest = AvailableToPromise.Earliest(rows.Select(r => new PromiseDate(r.AvailableToPromise, r.PromiseSource)));
        var earliestWarehouse = rows.Where(r => r.AvailableToPromise == earliest.Date && r.PromiseSource == earliest.Source && earliest.Date is not null)
            .OrderByDescending(r => r.Available).Select(r => (Guid?)r.WarehouseId).FirstOrDefault();
        return new AvailabilityDto(productId, product.Sku, product.Name, quantity, today, backordered, leadTime,
            earliest.Date, earliest.Source, earliestWarehouse, rows);
    }

    /// <summary>Incoming quantity per (product, destination warehouse) from transfers still in transit and open supply (purchase orders).</summary>
    public static async Task<Dictionary<(Guid ProductId, Guid WarehouseId), decimal>> IncomingAsync(
        OrderlyDbContext db, Guid? productId, Guid? warehouseId, CancellationToken ct, IEnumerable<IIncomingSupply>? supplies = null) =>
        (await ArrivalsAsync(db, productId, warehouseId, ct)).Concat(await SupplyAsync(supplies ?? [], productId, warehouseId, ct))
            .GroupBy(a => (a.ProductId, a.ToWarehouseId))
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Arrival.Quantity));

    private static async Task<List<(Guid ProductId, Guid ToWarehouseId, ArrivalDto Arrival)>> SupplyAsync(
        IEnumerable<IIncomingSupply> supplies, Guid? productId, Guid? warehouseId, CancellationToken ct)
    {
        var all = new List<(Guid, Guid, ArrivalDto)>();
        foreach (var supply in supplies)
        {
            all.AddRange((await supply.OpenAsync(productId, warehouseId, ct))
                .Select(l => (l.ProductId, l.WarehouseId, new ArrivalDto(null, l.Number, null, l.Quantity, l.ExpectedArrival, l.PurchaseOrderId))));
        }

        return all;
    }

    private static async Task<List<(Guid ProductId, Guid ToWarehouseId, ArrivalDto Arrival)>> ArrivalsAsync(
        OrderlyDbContext db, Guid? productId, Guid? warehouseId, CancellationToken ct)
    {
        var transfers = db.StockTransfers.AsNoTracking().Where(t => t.Status == StockTransferStatus.InTransit);
        if (warehouseId is { } w)
        {
            transfers = transfers.Where(t => t.ToWarehouseId == w);
        }

        var query = transfers
            .SelectMany(t => t.Lines, (t, l) => new { t.Id, t.Number, t.FromWarehouseId, t.ToWarehouseId, t.ExpectedArrival, l.ProductId, l.Quantity });
        if (productId is { } p)
        {
            query = query.Where(x => x.ProductId == p);
        }

        var lines = await query.ToListAsync(ct);
        return lines.ConvertAll(x => (x.ProductId, x.ToWarehouseId, new ArrivalDto(x.Id, x.Number, x.FromWarehouseId, x.Quantity, x.ExpectedArrival)));
    }
}
