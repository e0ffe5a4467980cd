using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>
/// The checks of adjustments, counts and transfers before anything is written, and the ledger filters: one place
/// for the API and the web UI, which then book through <see cref="StockMovements"/>.
/// </summary>
public sealed class StockOperations(OrderlyDbContext db, BusinessCalendar calendar)
{
    /// <summary>The ledger filters shared by the ledger page, the API and the export: kind, and the period [from, to).</summary>
    public static IQueryable<StockLedgerEntry> FilterLedger(
        IQueryable<StockLedgerEntry> query, Guid? productId, Guid? warehouseId, StockMovementKind? kind, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (productId is { } p)
        {
            query = query.Where(e => e.ProductId == p);
        }

        if (warehouseId is { } w)
        {
            query = query.Where(e => e.WarehouseId == w);
        }

        if (from is { } start && to is { } end && end < start)
        {
            throw new RuleViolationException("to", "InvalidPeriod", "'to' comes after 'from'.");
        }

        if (kind is { } k)
        {
            query = query.Where(e => e.Kind == k);
        }

        if (from is { } f)
        {
            query = query.Where(e => e.At >= f);
        }

        if (to is { } t)
        {
            query = query.Where(e => e.At < t);
        }

        return query;
    }

    /// <summary>The checks of an adjustment; returns its lines.</summary>
    public async Task<List<(Guid ProductId, decimal Quantity)>> CheckAdjustmentAsync(AdjustmentRequest request, CancellationToken ct)
    {
        var lines = request.Lines.Select(l => (l.ProductId, l.Quantity)).ToList();
        var violations = new List<RuleViolation>();
        StockAdjustment.Validate(request.Reason, request.Note, lines, violations);
        await CheckWarehouseAsync(request.WarehouseId, "warehouseId", mustBeActive: false, violations, ct);
        await CheckProductsAsync(lines, "quantity", violations, ct);
        ThrowIfAny(violations);
        return lines;
    }

    /// <summary>The checks of a cycle count; returns its lines.</summary>
    public async Task<List<(Guid ProductId, decimal CountedQuantity)>> CheckCountAsync(CountRequest request, CancellationToken ct)
    {
        var lines = request.Lines.Select(l => (l.ProductId, l.CountedQuantity)).ToList();
        var violations = new List<RuleViolation>();
        StockAdjustment.ValidateCount(request.Note, lines, violations);
        await CheckWarehouseAsync(request.WarehouseId, "warehouseId", mustBeActive: false, violations, ct);
        await CheckProductsAsync(lines, "countedQuantity", violations, ct);
        ThrowIfAny(violations);
        return lines;
    }

    /// <summary>The checks of a transfer; returns its lines.</summary>
    public async Task<List<StockTransferLine>> CheckTransferAsync(TransferRequest request, CancellationToken ct)
    {
        var lines = request.Lines.Select(l => new StockTransferLine(l.ProductId, l.Quantity)).ToList();
        var violations = new List<RuleViolation>();
        StockTransfer.Validate(request.FromWarehouseId, request.ToWarehouseId, request.ExpectedArrival, request.Note, lines, calendar.Today, violations);
        await CheckWarehouseAsync(request.FromWarehouseId, "fromWarehouseId", mustBeActive: false, violations, ct);
        await CheckWarehouseAsync(request.ToWarehouseId, "toWarehouseId", mustBeActive: true, violations, ct);
        await CheckProductsAsync([.. lines.Select(l => (l.ProductId, l.Quantity))], "quantity", violations, ct);
        ThrowIfAny(violations);
        return lines;
    }

    private async Task CheckWarehouseAsync(Guid id, string field, bool mustBeActive, List<RuleViolation> violations, CancellationToken ct)
    {
        var warehouse = await db.Warehouses.AsNoTracking().Where(w => w.Id == id).Select(w => new { w.IsActive }).FirstOrDefaultAsync(ct);
        if (warehouse is null)
        {
            violations.Add(new(field, "UnknownWarehouse", $"Warehouse {id} does not exist."));
        }
        else if (mustBeActive && !warehouse.IsActive)
        {
            violations.Add(new(field, "WarehouseInactive", "Stock cannot be sent to an inactive warehouse."));
        }
    }

    private async Task CheckProductsAsync(
        IReadOnlyList<(Guid ProductId, decimal Quantity)> lines, string quantityField, List<RuleViolation> violations, CancellationToken ct)
    {
        var ids = lines.Select(l => l.ProductId).Distinct().ToList();
        var products = await db.ProductRefs().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        for (var i = 0; i < lines.Count; i++)
        {
            if (!products.TryGetValue(lines[i].ProductId, out var product))
            {
                violations.Add(new($"lines[{i}].productId", "UnknownProduct", $"Product {lines[i].ProductId} does not exist."));
            }
            else if (product.IsWholeUnit && !Quantity.IsWhole(lines[i].Quantity))
            {
                violations.Add(new($"lines[{i}].{quantityField}", "FractionalQuantity", $"{product.Sku} is counted in whole pieces."));
            }
        }
    }

    private static void ThrowIfAny(List<RuleViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }
    }
}
