using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>
/// Receiving goods, for the API and the web UI: the checks, then in one unit of work the receipt, stock in, and the
/// waiting backorders filled in priority order.
/// </summary>
public sealed class StockReceiving(OrderlyDbContext db, Writes writes, StockService stock, BackorderService backorders, TimeProvider time)
{
    public const int MaxLines = 1000;

    public async Task<StockReceipt> ReceiveAsync(ReceiptRequest request, Guid? actor, CancellationToken ct)
    {
        var violations = new List<RuleViolation>();
        if (request.Lines.Length is 0 or > MaxLines)
        {
            violations.Add(new("lines", "LineCount", $"A receipt has 1 to {MaxLines} lines."));
        }

        var reference = Text.Optional(request.Reference, "reference", 64, violations);
        var productIds = request.Lines.Select(l => l.ProductId).Distinct().ToList();
        var products = await db.ProductRefs().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        if (!await db.Warehouses.AnyAsync(w => w.Id == request.WarehouseId, ct))
        {
            violations.Add(new("warehouseId", "UnknownWarehouse", $"Warehouse {request.WarehouseId} does not exist."));
        }

        for (var i = 0; i < request.Lines.Length; i++)
        {
            var line = request.Lines[i];
            if (!products.TryGetValue(line.ProductId, out var product))
            {
                violations.Add(new($"lines[{i}].productId", "UnknownProduct", $"Product {line.ProductId} does not exist."));
            }
            else if (line.Quantity <= 0 || line.Quantity > Quantity.Max || !Quantity.HasAtMostMaxDecimals(line.Quantity))
            {
                violations.Add(new($"lines[{i}].quantity", "InvalidQuantity", $"A received quantity is positive, at most {Quantity.Max} with {Quantity.MaxDecimals} decimals."));
            }
            else if (product.IsWholeUnit && !Quantity.IsWhole(line.Quantity))
            {
                violations.Add(new($"lines[{i}].quantity", "FractionalQuantity", $"{product.Sku} is counted in whole pieces."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        var receipt = new StockReceipt(request.WarehouseId, reference,
            request.Lines.Select(l => new StockReceiptLine(l.ProductId, l.Quantity)), time.GetUtcNow(), actor);
        await writes.RunAsync(async token =>
        {
            db.StockReceipts.Add(receipt);
            await stock.ReceiveAsync(receipt, token);
            await backorders.FillAsync([.. productIds], receipt.ReceivedAt, receipt.ActorId, token);
        }, ct);
        return receipt;
    }
}
