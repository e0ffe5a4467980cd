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
        var receipt = await CheckAsync(request, actor, ct);
        await writes.RunAsync(token => ApplyAsync(receipt, token), ct);
        return receipt;
    }

    /// <summary>
    /// The same receipt inside the caller's unit of work (a purchase order receipt): the caller's transaction commits
    /// the receipt, the stock and the filled backorders together with its own changes.
    /// </summary>
    public async Task<StockReceipt> ReceiveWithinAsync(ReceiptRequest request, Guid? actor, CancellationToken ct)
    {
        var receipt = await CheckAsync(request, actor, ct);
        await ApplyAsync(receipt, ct);
        return receipt;
    }

    private async Task ApplyAsync(StockReceipt receipt, CancellationToken ct)
    {
        db.StockReceipts.Add(receipt);
        await stock.ReceiveAsync(receipt, ct);
        await backorders.FillAsync([.. receipt.Lines.Select(l => l.ProductId).Distinct()], receipt.ReceivedAt, receipt.ActorId, ct);
    }

    private async Task<StockReceipt> CheckAsync(ReceiptRequest request, Guid? actor, CancellationToken ct)
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

        return new StockReceipt(request.WarehouseId, reference,
            request.Lines.Select(l => new StockReceiptLine(l.ProductId, l.Quantity)), time.GetUtcNow(), actor);
    }
}
