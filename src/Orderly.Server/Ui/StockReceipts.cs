using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Ui;

public sealed record WarehouseOption(Guid Id, string Code, string Name);

/// <summary>
/// A receipt typed in the UI: the same checks and the same unit of work as <c>POST /api/inventory/receipts</c>
/// (stock in, then waiting backorders filled in priority order, one commit).
/// </summary>
public sealed class StockReceipts(OrderlyDbContext db, Writes writes, StockService stock, BackorderService backorders, TimeProvider time)
{
    public async Task<IReadOnlyList<WarehouseOption>> WarehousesAsync(CancellationToken ct) =>
        await db.Warehouses.AsNoTracking().Where(w => w.IsActive).OrderBy(w => w.Code)
            .Select(w => new WarehouseOption(w.Id, w.Code, w.Name)).ToListAsync(ct);

    public async Task<Guid> ReceiveAsync(Guid warehouseId, Guid productId, decimal quantity, string? reference, Guid? actor, CancellationToken ct)
    {
        var violations = new List<RuleViolation>();
        var cleanReference = Text.Optional(reference, "reference", 64, violations);
        var product = await db.Products.AsNoTracking().Where(p => p.Id == productId).Select(p => new { p.Sku, p.IsWholeUnit }).FirstOrDefaultAsync(ct);
        if (product is null)
        {
            violations.Add(new("productId", "UnknownProduct", $"Product {productId} does not exist."));
        }
        else if (quantity <= 0 || quantity > Quantity.Max || !Quantity.HasAtMostMaxDecimals(quantity))
        {
            violations.Add(new("quantity", "InvalidQuantity", $"A received quantity is positive, at most {Quantity.Max} with {Quantity.MaxDecimals} decimals."));
        }
        else if (product.IsWholeUnit && !Quantity.IsWhole(quantity))
        {
            violations.Add(new("quantity", "FractionalQuantity", $"{product.Sku} is counted in whole pieces."));
        }

        if (!await db.Warehouses.AnyAsync(w => w.Id == warehouseId, ct))
        {
            violations.Add(new("warehouseId", "UnknownWarehouse", $"Warehouse {warehouseId} does not exist."));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        var receipt = new StockReceipt(warehouseId, cleanReference, [new StockReceiptLine(productId, quantity)], time.GetUtcNow(), actor);
        await writes.RunAsync(async token =>
        {
            db.StockReceipts.Add(receipt);
            await stock.ReceiveAsync(receipt, token);
            await backorders.FillAsync([productId], receipt.ReceivedAt, receipt.ActorId, token);
        }, ct);
        return receipt.Id;
    }
}
