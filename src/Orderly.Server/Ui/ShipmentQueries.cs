using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Ui;

public sealed record ShipmentLineView(Guid OrderLineId, decimal Quantity);

public sealed record ShipmentView(Guid Id, string? From, bool DropShip, string? Carrier, string? TrackingNumber, DateTimeOffset ShippedAt, IReadOnlyList<ShipmentLineView> Lines);

/// <summary>The shipments of one order, for its detail page; the caller has already been shown the order itself.</summary>
public sealed class ShipmentQueries(OrderlyDbContext db)
{
    public async Task<IReadOnlyList<ShipmentView>> OfOrderAsync(Guid orderId, CancellationToken ct)
    {
        var rows = await db.Shipments.AsNoTracking().Where(s => s.OrderId == orderId)
            .Select(s => new
            {
                s.Id,
                Warehouse = db.Warehouses.Where(w => w.Id == s.WarehouseId).Select(w => w.Code).FirstOrDefault(),
                Supplier = db.Suppliers.Where(p => p.Id == s.SupplierId).Select(p => p.Name).FirstOrDefault(),
                s.SupplierId,
                s.Carrier,
                s.TrackingNumber,
                s.ShippedAt,
                Lines = s.Lines.Select(l => new ShipmentLineView(l.OrderLineId, l.Quantity)).ToList(),
            })
            .ToListAsync(ct);
        // Sorted here: SQLite cannot order by a DateTimeOffset column, and an order has few shipments.
        return [.. rows.OrderBy(r => r.ShippedAt).ThenBy(r => r.Id)
            .Select(r => new ShipmentView(r.Id, r.Warehouse ?? r.Supplier, r.SupplierId is not null, r.Carrier, r.TrackingNumber, r.ShippedAt, r.Lines))];
    }
}
