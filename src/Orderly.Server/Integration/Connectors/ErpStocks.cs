using System.Text;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Integration;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Integration;

public sealed record StockComparisonDto(string WarehouseCode, string? ErpWarehouse, string Sku, Guid? ProductId, decimal? OrderlyOnHand, decimal? ErpQuantity, decimal Difference, string Status);

/// <param name="Totals">How many SKU × warehouse pairs have each status (over the whole report, not the page).</param>
public sealed record StockReconciliationDto(
    string Connector, Guid SnapshotId, DateTimeOffset ReadAt, int ErpRows, IReadOnlyDictionary<string, int> Totals, IReadOnlyList<StockComparisonDto> Items, string? NextCursor);

/// <summary>
/// The ERP's stock as Orderly sees it: each read of STK_Inventory is a snapshot, its rows summed per ERP warehouse and
/// SKU a page at a time, completed only when the last page is in (a read cut off by a failure is never reported and is
/// removed by the next). The reconciliation compares the latest complete snapshot with Orderly's on-hand stock and only
/// reports: Orderly's ledger is not touched (a difference is a person's to resolve, e.g. with a stock count).
/// </summary>
public sealed class ErpStocks(OrderlyDbContext db, Writes writes, TimeProvider time)
{
    /// <summary>Reads every page into a new snapshot, then completes it and drops the older ones; logs one entry for the read.</summary>
    public async Task ReadAsync(string connector, Guid runId, IAsyncEnumerable<ErpStockPage> pages, CancellationToken ct)
    {
        var snapshot = new ErpStockSnapshot(Ids.New(time.GetUtcNow()), connector, time.GetUtcNow());
        await writes.RunAsync(_ =>
        {
            db.Set<ErpStockSnapshot>().Add(snapshot);
            return Task.CompletedTask;
        }, ct);
        db.ChangeTracker.Clear();
        var (rows, problems) = (0, new List<string>());
        await foreach (var page in pages.WithCancellation(ct))
        {
            problems.AddRange(page.Problems);
            rows += page.Rows.Count + page.Problems.Count;
            var sums = page.Rows.Where(r => r.Warehouse.Length <= ErpStockLevel.CodeMaxLength && r.Sku.Length <= ErpStockLevel.CodeMaxLength)
                .GroupBy(r => (r.Warehouse, r.Sku)).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity));
            var read = rows;
            await writes.RunAsync(async token =>
            {
                // Lots of one SKU may span pages: add to what earlier pages of this snapshot wrote.
                var skus = sums.Keys.Select(k => k.Sku).Distinct().ToList();
                var existing = await db.Set<ErpStockLevel>().Where(l => l.SnapshotId == snapshot.Id && skus.Contains(l.Sku)).ToListAsync(token);
                foreach (var ((warehouse, sku), quantity) in sums)
                {
                    var level = existing.FirstOrDefault(l => l.ErpWarehouse == warehouse && l.Sku == sku);
                    if (level is null)
                    {
                        db.Set<ErpStockLevel>().Add(new ErpStockLevel(snapshot.Id, warehouse, sku, Round(quantity)));
                    }
                    else
                    {
                        level.Quantity = Round(level.Quantity + quantity);
                    }
                }

                var tracked = await db.Set<ErpStockSnapshot>().FirstAsync(s => s.Id == snapshot.Id, token);
                tracked.RowsRead = read;
            }, ct);
            db.ChangeTracker.Clear();
        }

        await writes.RunAsync(async token =>
        {
            var tracked = await db.Set<ErpStockSnapshot>().FirstAsync(s => s.Id == snapshot.Id, token);
            tracked.Complete(time.GetUtcNow());
            var older = await db.Set<ErpStockSnapshot>().Where(s => s.Connector == connector && s.Id != snapshot.Id).Select(s => s.Id).ToListAsync(token);
            await db.Set<ErpStockLevel>().Where(l => older.Contains(l.SnapshotId)).ExecuteDeleteAsync(token);
            await db.Set<ErpStockSnapshot>().Where(s => older.Contains(s.Id)).ExecuteDeleteAsync(token);
            var levels = await db.Set<ErpStockLevel>().CountAsync(l => l.SnapshotId == snapshot.Id, token);
            var message = $"{rows} STK_Inventory rows read into {levels} warehouse × SKU figures" + (problems.Count == 0 ? "." : $"; {problems.Count} rows unreadable: {string.Join(" ", problems.Take(3))}");
            db.Set<SyncLogEntry>().Add(new SyncLogEntry(connector, runId, "in", ConnectorInbound.ErpStock, snapshot.Id.ToString(), null,
                problems.Count == 0 ? SyncOutcome.Updated : SyncOutcome.Failed, message, time.GetUtcNow()));
        }, ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Orderly's on hand against the latest complete snapshot, per warehouse and SKU (ordinal order), a page at a time.
    /// </summary>
    /// <param name="status">Only the pairs with this status (<see cref="StockMatch"/>), e.g. <c>Differs</c>.</param>
    public async Task<StockReconciliationDto> ReconcileAsync(string kind, string? status, int? limit, string? cursor, CancellationToken ct)
    {
        StockMatch? only = null;
        if (!string.IsNullOrEmpty(status))
        {
            only = status.All(char.IsAsciiLetter) && Enum.TryParse<StockMatch>(status, ignoreCase: true, out var parsed)
                ? parsed : throw new RuleViolationException("status", "InvalidStatus", $"status is one of {string.Join(", ", Enum.GetNames<StockMatch>())}.");
        }

        var after = ParseCursor(cursor);
        if (!ConnectorService.IsAvailable(kind))
        {
            throw new NotFoundException("Connector", kind);
        }

        var settingsJson = await db.Set<ConnectorConfig>().AsNoTracking().Where(c => c.Kind == kind).Select(c => c.SettingsJson).FirstOrDefaultAsync(ct);
        var map = (ConnectorService.ParseSettings(kind, settingsJson ?? "{}", "settings") as IErpStockSettings)?.WarehouseMap ?? new Dictionary<string, string>();
        var snapshot = await db.Set<ErpStockSnapshot>().AsNoTracking().Where(s => s.Connector == kind && s.CompletedAt != null)
            .OrderByDescending(s => s.CompletedAt).FirstOrDefaultAsync(ct)
            ?? throw new ConflictException("NoErpStock", $"No complete read of the {kind} stock yet: set stockIn and run a sync (POST /api/connectors/{kind}/sync).");
        var erpLevels = await db.Set<ErpStockLevel>().AsNoTracking().Where(l => l.SnapshotId == snapshot.Id).Select(l => new { l.ErpWarehouse, l.Sku, l.Quantity }).ToListAsync(ct);
        var erpWarehouseOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var erp = new List<StockFigure>();
        foreach (var l in erpLevels)
        {
            var code = map.GetValueOrDefault(l.ErpWarehouse) ?? l.ErpWarehouse;
            erpWarehouseOf[code] = l.ErpWarehouse;
            erp.Add(new StockFigure(code, l.Sku, l.Quantity));
        }

        var warehouses = await db.Warehouses.AsNoTracking().Select(w => new { w.Id, w.Code }).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var products = await db.ProductRefs().Select(p => new { p.Id, p.Sku }).ToDictionaryAsync(p => p.Id, p => p.Sku, ct);
        var balances = await db.StockBalances.AsNoTracking().Select(b => new { b.WarehouseId, b.ProductId, b.OnHand }).ToListAsync(ct);
        var orderly = balances.Where(b => warehouses.ContainsKey(b.WarehouseId) && products.ContainsKey(b.ProductId))
            .Select(b => new StockFigure(warehouses[b.WarehouseId], products[b.ProductId], b.OnHand));
        var productIds = products.GroupBy(p => p.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Key, StringComparer.Ordinal);
        var all = StockReconciliation.Compare(orderly, erp, productIds.Keys.ToHashSet(StringComparer.Ordinal), warehouses.Values.ToHashSet(StringComparer.Ordinal));
        var totals = Enum.GetValues<StockMatch>().ToDictionary(m => m.ToString(), m => all.Count(c => c.Match == m));
        var size = Paging.Clamp(limit);
        var page = all.Where(c => only is null || c.Match == only)
            .Where(c => after is null || string.CompareOrdinal(c.WarehouseCode, after.Value.Warehouse) > 0
                || (c.WarehouseCode == after.Value.Warehouse && string.CompareOrdinal(c.Sku, after.Value.Sku) > 0))
            .Take(size + 1).ToList();
        var next = page.Count > size ? Cursor(page[size - 1]) : null;
        var items = page.Take(size).Select(c => new StockComparisonDto(c.WarehouseCode, erpWarehouseOf.GetValueOrDefault(c.WarehouseCode), c.Sku, productIds.TryGetValue(c.Sku, out var id) ? id : null,
            c.Orderly, c.Erp, c.Difference, c.Match.ToString())).ToList();
        return new StockReconciliationDto(kind, snapshot.Id, snapshot.CompletedAt!.Value, snapshot.RowsRead, totals, items, next);
    }

    private static decimal Round(decimal quantity) => decimal.Round(quantity, 3, MidpointRounding.AwayFromZero);

    private static string Cursor(StockComparison c) => Convert.ToBase64String(Encoding.UTF8.GetBytes(c.WarehouseCode + "\u001f" + c.Sku)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (string Warehouse, string Sku)? ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4)));
            var parts = text.Split('\u001f');
            if (parts.Length == 2)
            {
                return (parts[0], parts[1]);
            }
        }
        catch (FormatException)
        {
        }

        throw new RuleViolationException("cursor", "InvalidCursor", "The cursor is not one this API returned.");
    }
}

/// <summary>Settings of a connector that reads the ERP's stock: Orderly's code of each ERP warehouse number that differs.</summary>
public interface IErpStockSettings
{
    IReadOnlyDictionary<string, string>? WarehouseMap { get; }
}
