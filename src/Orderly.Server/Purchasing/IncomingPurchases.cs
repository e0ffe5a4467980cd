using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Purchasing;
using Orderly.Server.Data;
using Orderly.Server.Inventory;

namespace Orderly.Server.Purchasing;

/// <summary>
/// Open purchase order quantities for available-to-promise and reorder suggestions: what is still expected on
/// approved, sent and confirmed orders (not drop-ship ones, which never reach our stock), by promised date.
/// </summary>
public sealed class IncomingPurchases(OrderlyDbContext db) : IIncomingSupply
{
    private static readonly PurchaseOrderStatus[] Open =
        [PurchaseOrderStatus.Approved, PurchaseOrderStatus.Sent, PurchaseOrderStatus.Confirmed, PurchaseOrderStatus.PartiallyReceived];

    public async Task<IReadOnlyList<IncomingSupplyLine>> OpenAsync(Guid? productId, Guid? warehouseId, CancellationToken ct)
    {
        var query = db.Set<PurchaseOrder>().AsNoTracking().Where(o => Open.Contains(o.Status) && !o.DropShip);
        if (warehouseId is { } w)
        {
            query = query.Where(o => o.WarehouseId == w);
        }

        if (productId is { } p)
        {
            query = query.Where(o => o.Lines.Any(l => l.ProductId == p));
        }

        var orders = await query.Take(5000).ToListAsync(ct);
        return [.. orders.SelectMany(o => o.Lines
            .Where(l => (productId == null || l.ProductId == productId) && l.Open > 0)
            .Select(l => new IncomingSupplyLine(l.ProductId, o.WarehouseId, o.Id, o.Number, l.Open, l.DueDate)))];
    }
}
