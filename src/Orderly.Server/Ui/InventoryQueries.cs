using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Ui;

/// <summary>The ledger filters as the page holds them: business days in the company time zone, both ends included.</summary>
public sealed record LedgerFilter(Guid? ProductId, Guid? WarehouseId, StockMovementKind? Kind, DateOnly? From, DateOnly? To);

/// <summary>One ledger entry with names; <c>OrderNumber</c> and <c>Note</c> are empty when the causing order is out of the caller's scope.</summary>
public sealed record LedgerRow(
    Guid Id, DateTimeOffset At, StockMovementKind Kind, string Sku, string ProductName, string WarehouseCode, decimal OnHandDelta, decimal ReservedDelta,
    string CauseType, Guid? OrderId, string? OrderNumber, string? Note);

public sealed record TransferRow(
    Guid Id, string Number, string FromCode, string ToCode, StockTransferStatus Status, DateOnly? ExpectedArrival, DateTimeOffset CreatedAt,
    string? Note, int Version, IReadOnlyList<TransferRowLine> Lines);

public sealed record TransferRowLine(string Sku, string ProductName, decimal Quantity);

public sealed record WarehouseRow(Guid Id, string Code, string Name, string? Region, bool IsActive, int Products, decimal OnHand, decimal Reserved);

/// <summary>
/// The inventory pages' reads: offset pages and names for people, the same filters, redaction and numbers as the API
/// (<see cref="StockOperations.FilterLedger"/>, <see cref="DataScope.HiddenOrderCausesAsync"/>,
/// <see cref="Reordering.SuggestAsync"/>).
/// </summary>
public sealed class InventoryQueries(
    OrderlyDbContext db, DataScope scope, BusinessCalendar calendar, Reordering reordering)
{
    private const int MaxRows = 500;

    /// <summary>The period as the export link and the API take it: [start of the first day, start of the day after the last) in company time.</summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) Period(LedgerFilter filter, TimeZoneInfo zone) =>
        (filter.From is { } f ? StartOf(f, zone) : null, filter.To is { } t ? StartOf(t.AddDays(1), zone) : null);

    public async Task<PageOf<LedgerRow>> LedgerAsync(LedgerFilter filter, int skip, int take, CancellationToken ct)
    {
        var (from, to) = Period(filter, calendar.Zone);
        var entries = StockOperations.FilterLedger(db.StockLedger.AsNoTracking(), filter.ProductId, filter.WarehouseId, filter.Kind, from, to);
        var total = await entries.CountAsync(ct);
        var rows = await entries
            .OrderByDescending(e => e.Id)
            .Skip(skip).Take(take)
            .Join(db.Products, e => e.ProductId, p => p.Id, (e, p) => new { e, p.Sku, p.Name, p.NameEn })
            .Join(db.Warehouses, x => x.e.WarehouseId, w => w.Id, (x, w) => new { x.e, x.Sku, x.Name, x.NameEn, w.Code })
            .OrderByDescending(x => x.e.Id)
            .ToListAsync(ct);
        var orderIds = rows.Where(r => r.e.CauseType == StockService.OrderCause).Select(r => r.e.CauseId).Distinct().ToList();
        var hidden = await scope.HiddenOrderCausesAsync(orderIds, ct);
        var numbers = await db.SalesOrders.AsNoTracking().Where(o => orderIds.Contains(o.Id)).Select(o => new { o.Id, o.Number }).ToDictionaryAsync(o => o.Id, o => o.Number, ct);
        return new(rows.ConvertAll(r =>
        {
            var isOrder = r.e.CauseType == StockService.OrderCause;
            var isHidden = isOrder && hidden.Contains(r.e.CauseId);
            return new LedgerRow(r.e.Id, r.e.At, r.e.Kind, r.Sku, LocalNames.Pick(r.Name, r.NameEn), r.Code, r.e.OnHandDelta, r.e.ReservedDelta, r.e.CauseType,
                isOrder && !isHidden ? r.e.CauseId : null, isOrder && !isHidden ? numbers.GetValueOrDefault(r.e.CauseId) : null, isHidden ? null : r.e.Note);
        }), total);
    }

    /// <summary>On hand and reserved of one product in one warehouse (zeros when it never had stock there).</summary>
    public async Task<(decimal OnHand, decimal Reserved)> BalanceAsync(Guid productId, Guid warehouseId, CancellationToken ct)
    {
        var balance = await db.StockBalances.AsNoTracking().Where(b => b.ProductId == productId && b.WarehouseId == warehouseId)
            .Select(b => new { b.OnHand, b.Reserved }).FirstOrDefaultAsync(ct);
        return balance is null ? (0m, 0m) : (balance.OnHand, balance.Reserved);
    }

    public Task<IReadOnlyList<StockAlertDto>> AlertsAsync(StockAlertKind? kind, CancellationToken ct) =>
        AlertRowsAsync(kind, 0, MaxRows, ct);

    /// <summary>Open alerts per kind, counted in the database: the board's buttons and the dashboard agree.</summary>
    public async Task<IReadOnlyDictionary<StockAlertKind, int>> AlertCountsAsync(CancellationToken ct) =>
        await db.StockAlerts.AsNoTracking().Where(a => a.ClearedAt == null)
            .GroupBy(a => a.Kind).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    /// <summary>One page of open alerts, paged in the database.</summary>
    public async Task<PageOf<StockAlertDto>> AlertPageAsync(StockAlertKind? kind, int skip, int take, CancellationToken ct)
    {
        var total = await OpenAlerts(kind).CountAsync(ct);
        return new(await AlertRowsAsync(kind, skip, Math.Clamp(take, 1, 200), ct), total);
    }

    private IQueryable<Domain.Inventory.StockAlert> OpenAlerts(StockAlertKind? kind)
    {
        var alerts = db.StockAlerts.AsNoTracking().Where(a => a.ClearedAt == null);
        return kind is { } k ? alerts.Where(a => a.Kind == k) : alerts;
    }

    private async Task<IReadOnlyList<StockAlertDto>> AlertRowsAsync(StockAlertKind? kind, int skip, int take, CancellationToken ct)
    {
        var rows = await OpenAlerts(kind)
            .Join(db.Products, a => a.ProductId, p => p.Id, (a, p) => new { a, p.Sku, p.Name, p.NameEn })
            .Join(db.Warehouses, x => x.a.WarehouseId, w => w.Id, (x, w) => new { x.a, x.Sku, x.Name, x.NameEn, w.Code })
            .OrderBy(x => x.a.Kind).ThenBy(x => x.Sku).ThenBy(x => x.Code).ThenBy(x => x.a.Id)
            .Skip(skip)
            .Take(take)
            .ToListAsync(ct);
        return rows.ConvertAll(x => new StockAlertDto(
            x.a.Id, x.a.Kind, "Open", x.a.ProductId, x.Sku, LocalNames.Pick(x.Name, x.NameEn), x.a.WarehouseId, x.Code, x.a.RaisedAt, x.a.ClearedAt,
            x.a.OnHand, x.a.Available, x.a.ReorderPoint, x.a.MeanDailyDemand, x.a.CoverDays, x.a.LastSaleDate, x.a.Backordered));
    }

    public async Task<IReadOnlyList<ReorderSuggestionDto>> SuggestionsAsync(CancellationToken ct) =>
        [.. (await reordering.SuggestAsync(null, null, ct)).Items.Take(MaxRows)];

    public async Task<IReadOnlyList<TransferRow>> TransfersAsync(StockTransferStatus? status, CancellationToken ct)
    {
        var transfers = db.StockTransfers.AsNoTracking();
        if (status is { } s)
        {
            transfers = transfers.Where(t => t.Status == s);
        }

        var rows = await transfers.OrderByDescending(t => t.Id).Take(MaxRows).ToListAsync(ct);
        var productIds = rows.SelectMany(t => t.Lines).Select(l => l.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => new { p.Sku, Name = LocalNames.Pick(p.Name, p.NameEn) }, ct);
        var codes = await db.Warehouses.AsNoTracking().ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        return rows.ConvertAll(t => new TransferRow(t.Id, t.Number, codes.GetValueOrDefault(t.FromWarehouseId, "?"), codes.GetValueOrDefault(t.ToWarehouseId, "?"),
            t.Status, t.ExpectedArrival, t.CreatedAt, t.Note, t.Version,
            [.. t.Lines.Select(l => new TransferRowLine(products.GetValueOrDefault(l.ProductId)?.Sku ?? "?", products.GetValueOrDefault(l.ProductId)?.Name ?? "", l.Quantity))]));
    }

    public async Task<IReadOnlyList<WarehouseRow>> WarehousesAsync(CancellationToken ct)
    {
        var warehouses = await db.Warehouses.AsNoTracking().OrderBy(w => w.Code).ToListAsync(ct);
        var stock = (await db.StockBalances.AsNoTracking().Select(b => new { b.WarehouseId, b.OnHand, b.Reserved }).ToListAsync(ct))
            .GroupBy(b => b.WarehouseId)
            .ToDictionary(g => g.Key, g => (Products: g.Count(b => b.OnHand > 0), OnHand: g.Sum(b => b.OnHand), Reserved: g.Sum(b => b.Reserved)));
        return warehouses.ConvertAll(w =>
        {
            var s = stock.GetValueOrDefault(w.Id);
            return new WarehouseRow(w.Id, w.Code, LocalNames.Pick(w.Name, w.NameEn), w.Region, w.IsActive, s.Products, s.OnHand, s.Reserved);
        });
    }

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
