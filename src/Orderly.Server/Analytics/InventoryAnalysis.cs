using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Analytics;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Analytics;

/// <summary>
/// Stock over the year up to a day, at today's product cost in the default currency: turnover and days of inventory
/// per product, category and warehouse; ABC by the cost of what shipped and XYZ by the variation of weekly shipments;
/// dead and slow stock; carrying cost at a yearly rate; GMROI from the year's order margin; backorders now and
/// backordered quantities of cancelled orders (demand lost for lack of stock). One GROUP BY each over the ledger and
/// the lines, the answer kept for <see cref="AnalyticsOptions.InventoryCacheFor"/>.
/// </summary>
public sealed class InventoryAnalysis(
    OrderlyDbContext db, BusinessCalendar calendar, ReplenishmentDemand demand, InventoryCache cache, IOptions<AnalyticsOptions> options)
{
    public const int WindowDays = 365;
    public const int DefaultLimit = 200;
    public const int MaxLimit = 5000;

    public async Task<InventoryAnalysisDto> AnalyseAsync(DateOnly? asOf, int? limit, CancellationToken ct)
    {
        var day = asOf ?? calendar.Today;
        if (day > calendar.Today)
        {
            throw new RuleViolationException("asOf", "InFuture", "asOf is today or earlier.");
        }

        var full = await cache.GetAsync(day, options.Value.InventoryCacheFor, () => ComputeAsync(day, ct));
        return full with { Products = [.. full.Products.Take(Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit))] };
    }

    private async Task<InventoryAnalysisDto> ComputeAsync(DateOnly asOf, CancellationToken ct)
    {
        var settings = options.Value;
        var currency = Currency.Default;
        var from = asOf.AddDays(1 - WindowDays);
        var start = demand.StartOf(from).UtcDateTime;
        var end = demand.StartOf(asOf.AddDays(1)).UtcDateTime;
        var products = await db.Products.AsNoTracking().Select(p => new { p.Id, p.Sku, p.Name, p.Category, p.CostMinor }).ToDictionaryAsync(p => p.Id, ct);
        var warehouses = await db.Warehouses.AsNoTracking().Select(w => new { w.Id, w.Code, w.Name }).ToDictionaryAsync(w => w.Id, ct);
        var stock = (await db.Database.SqlQuery<StockSums>($"""
                SELECT product_id, warehouse_id, SUM(on_hand_delta) AS end_quantity,
                    SUM(CASE WHEN at < {start} THEN on_hand_delta ELSE 0 END) AS start_quantity
                FROM stock_ledger WHERE at < {end} GROUP BY product_id, warehouse_id
                """).ToListAsync(ct))
            .ToDictionary(s => (s.ProductId, s.WarehouseId));
        var daily = await demand.DailyAsync(from, asOf.AddDays(1), ct);
        var sales = await db.Set<DailyProductSalesRow>().AsNoTracking().Where(r => r.Day >= from && r.Day <= asOf && r.Currency == currency)
            .GroupBy(r => r.ProductId).Select(g => new SalesSum(g.Key, g.Sum(r => r.QuantityThousandths), g.Sum(r => r.ValueMinor)))
            .ToDictionaryAsync(r => r.ProductId, ct);
        var open = new[] { OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.OnHold, OrderStatus.PendingApproval };
        var backorders = await BackorderedAsync(open, null, null, ct);
        var lost = await BackorderedAsync([OrderStatus.Cancelled], from, asOf, ct);

        var keys = stock.Keys.Union(daily.Keys).ToHashSet();
        var cells = keys.Select(k =>
        {
            var s = stock.GetValueOrDefault(k);
            var shippedDays = daily.GetValueOrDefault(k);
            var last = shippedDays is null ? -1 : Array.FindLastIndex(shippedDays, q => q > 0);
            return new Cell(k.ProductId, k.WarehouseId, Quantity.FromStored(s?.StartQuantity ?? 0), Quantity.FromStored(s?.EndQuantity ?? 0), shippedDays?.Sum() ?? 0m, shippedDays, last < 0 ? null : from.AddDays(last));
        }).Where(c => products.ContainsKey(c.ProductId)).ToList();

        var cost = products.ToDictionary(p => p.Key, p => p.Value.CostMinor);
        var byProduct = cells.GroupBy(c => c.ProductId).ToDictionary(g => g.Key, g => g.ToList());
        var abc = AbcXyz.Abc(byProduct.Select(p => KeyValuePair.Create(p.Key, (double)(p.Value.Sum(c => c.Shipped) * cost[p.Key]))));
        var rows = new List<ProductInventoryDto>();
        foreach (var (productId, list) in byProduct)
        {
            var p = products[productId];
            var weekly = Weekly(list);
            var variation = AbcXyz.Variation(weekly);
            var last = list.Max(c => c.LastShipment);
            var figures = Figures(list, cost, sales, backorders, lost, currency, settings);
            var movement = figures.OnHand <= 0 ? "none"
                : last is null || last.Value.DayNumber <= asOf.DayNumber - settings.DeadStockDays ? "dead"
                : figures.Turnover is { } t && t < settings.SlowTurnover ? "slow" : "active";
            rows.Add(new ProductInventoryDto(productId, p.Sku, p.Name, p.Category, abc[productId], AbcXyz.Xyz(variation),
                variation is { } v ? Math.Round(v, 4) : null, last, movement, figures.OnHand <= 0, figures));
        }

        rows = [.. rows.OrderByDescending(r => r.Figures.OnHandValue).ThenBy(r => r.Sku, StringComparer.Ordinal)];
        var matrix = rows.GroupBy(r => (r.Abc, r.Xyz)).Select(g => new AbcXyzCellDto(g.Key.Abc, g.Key.Xyz, g.Count(),
            g.Sum(r => r.Figures.OnHandValue), g.Sum(r => r.Figures.ShippedCost))).OrderBy(c => c.Abc).ThenBy(c => c.Xyz).ToList();
        var categories = cells.GroupBy(c => products[c.ProductId].Category ?? "(none)")
            .Select(g => new InventoryGroupDto(g.Key, g.Key, Figures([.. g], cost, sales, backorders, lost, currency, settings)))
            .OrderByDescending(g => g.Figures.OnHandValue).ToList();
        var byWarehouse = cells.GroupBy(c => c.WarehouseId)
            .Select(g => new InventoryGroupDto(g.Key.ToString(), warehouses.TryGetValue(g.Key, out var w) ? $"{w.Code} {w.Name}" : g.Key.ToString(),
                Figures([.. g], cost, sales: null, backorders: null, lost: null, currency, settings)))
            .OrderByDescending(g => g.Figures.OnHandValue).ToList();
        return new InventoryAnalysisDto(asOf, from, currency, settings.CarryingCostRate, Figures(cells, cost, sales, backorders, lost, currency, settings),
            matrix, rows.Count(r => r.Movement == "dead"), rows.Count(r => r.Movement == "slow"), rows.Count(r => r.OutOfStock), categories, byWarehouse, rows,
            [
                "Values at today's product cost; average stock is the mean of the stock at the start and at the end of the year.",
                "GMROI and gross margin use the year's orders in the default currency; per warehouse they are not split.",
                "Lost demand: backordered quantities of the year's cancelled orders.",
            ]);
    }

    private async Task<Dictionary<Guid, decimal>> BackorderedAsync(OrderStatus[] statuses, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        // A cancelled order's lines are released (Backordered 0); what was backordered then is kept apart.
        var cancelled = statuses.Contains(OrderStatus.Cancelled);
        var lines = from l in db.OrderLines.AsNoTracking()
                    join o in db.SalesOrders on l.OrderId equals o.Id
                    where statuses.Contains(o.Status) && (cancelled ? l.BackorderedAtCancel > 0 : l.Backordered > 0)
                    select new { l.ProductId, Backordered = cancelled ? l.BackorderedAtCancel : l.Backordered, o.OrderDate };
        if (from is { } f && to is { } t)
        {
            lines = lines.Where(l => l.OrderDate >= f && l.OrderDate <= t);
        }

        return (await lines.ToListAsync(ct)).GroupBy(l => l.ProductId).ToDictionary(g => g.Key, g => g.Sum(l => l.Backordered));
    }

    private static double[] Weekly(List<Cell> cells)
    {
        var days = cells.FirstOrDefault(c => c.Daily is not null)?.Daily?.Length ?? 0;
        var weeks = new double[days / 7];
        foreach (var cell in cells.Where(c => c.Daily is not null))
        {
            for (var i = 0; i < weeks.Length * 7; i++)
            {
                weeks[i / 7] += (double)cell.Daily![i];
            }
        }

        return weeks;
    }

    private static InventoryFiguresDto Figures(
        List<Cell> cells, Dictionary<Guid, long> cost, Dictionary<Guid, SalesSum>? sales, Dictionary<Guid, decimal>? backorders,
        Dictionary<Guid, decimal>? lost, string currency, AnalyticsOptions settings)
    {
        decimal Value(Guid product, decimal quantity) => Money.FromMinor(cost[product], currency).Amount * quantity;
        var onHand = cells.Sum(c => c.End);
        var onHandValue = cells.Sum(c => Value(c.ProductId, c.End));
        var average = cells.Sum(c => Value(c.ProductId, (c.Start + c.End) / 2));
        var shipped = cells.Sum(c => c.Shipped);
        var shippedCost = cells.Sum(c => Value(c.ProductId, c.Shipped));
        var ids = cells.Select(c => c.ProductId).Distinct().ToList();
        var margin = sales is null ? 0m : ids.Sum(id => sales.TryGetValue(id, out var s)
            ? Money.FromMinor(s.Minor, currency).Amount - Value(id, Quantity.FromStored(s.Quantity)) : 0m);
        double? turnover = average > 0 ? Math.Round((double)(shippedCost / average), 4) : null;
        double? days = shipped > 0 ? Math.Round((double)(onHand / (shipped / WindowDays)), 2) : null;
        return new InventoryFiguresDto(onHand, Round(onHandValue), Round(average), shipped, Round(shippedCost), turnover, days,
            Round(average * (decimal)settings.CarryingCostRate), Round(margin), average > 0 && sales is not null ? Math.Round((double)(margin / average), 4) : null,
            backorders is null ? 0 : ids.Sum(id => backorders.GetValueOrDefault(id)), lost is null ? 0 : ids.Sum(id => lost.GetValueOrDefault(id)));
    }

    private static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private sealed record StockSums(Guid ProductId, Guid WarehouseId, long EndQuantity, long StartQuantity);

    private sealed record Cell(Guid ProductId, Guid WarehouseId, decimal Start, decimal End, decimal Shipped, decimal[]? Daily, DateOnly? LastShipment);
}

/// <summary>Sums of the daily product rollup over a period.</summary>
public sealed record SalesSum(Guid ProductId, long Quantity, long Minor);

/// <summary>The latest inventory analysis per day asked, per node.</summary>
public sealed class InventoryCache(TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<DateOnly, (DateTimeOffset At, InventoryAnalysisDto Value)> _latest = [];

    public void Dispose() => _gate.Dispose();

    public async Task<InventoryAnalysisDto> GetAsync(DateOnly day, TimeSpan keepFor, Func<Task<InventoryAnalysisDto>> compute)
    {
        await _gate.WaitAsync();
        try
        {
            if (_latest.TryGetValue(day, out var latest) && time.GetUtcNow() - latest.At < keepFor)
            {
                return latest.Value;
            }

            var value = await compute();
            if (_latest.Count > 31)
            {
                _latest.Clear();
            }

            _latest[day] = (time.GetUtcNow(), value);
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }
}
