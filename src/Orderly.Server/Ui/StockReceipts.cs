using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;
using Orderly.Server.Inventory;

namespace Orderly.Server.Ui;

public sealed record WarehouseOption(Guid Id, string Code, string Name);

/// <summary>The receipt page's calls: the warehouses to pick from, and a one-line receipt through <see cref="StockReceiving"/>.</summary>
public sealed class StockReceipts(OrderlyDbContext db, StockReceiving receiving)
{
    public async Task<IReadOnlyList<WarehouseOption>> WarehousesAsync(CancellationToken ct) =>
        (await db.Warehouses.AsNoTracking().Where(w => w.IsActive).OrderBy(w => w.Code)
            .Select(w => new { w.Id, w.Code, w.Name, w.NameEn }).ToListAsync(ct)).ConvertAll(w => new WarehouseOption(w.Id, w.Code, LocalNames.Pick(w.Name, w.NameEn)));

    public async Task<Guid> ReceiveAsync(Guid warehouseId, Guid productId, decimal quantity, string? reference, Guid? actor, CancellationToken ct) =>
        (await receiving.ReceiveAsync(new ReceiptRequest(warehouseId, [new ReceiptLineRequest(productId, quantity)], reference), actor, ct)).Id;
}
