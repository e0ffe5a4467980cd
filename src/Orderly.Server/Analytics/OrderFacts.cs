using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

/// <summary>One order as the analyses need it: a few numbers, the customer as an index, and when it reached each stage.</summary>
/// <remarks>Instants are Unix seconds, 0 for never. About 100 bytes an order: 1M orders fit in about 100 MB.</remarks>
public readonly record struct OrderFact(
    int Customer, string Currency, OrderStatus Status, DateOnly Day, long TotalMinor, int Lines, long CostMinor,
    long CreatedAt, long SubmittedAt, long ApprovedAt, long ConfirmedAt, long ShippedAt, long DeliveredAt, long StatusSince)
{
    public bool Counted => Rollups.Counted.Contains(Status);
}

/// <summary>Lines, quantity (thousandths), value and cost of one product in one currency on one day, counted orders only.</summary>
public readonly record struct ProductDayFact(Guid ProductId, string Currency, long Lines, long QuantityThousandths, long ValueMinor, long CostMinor);

/// <summary>The facts of the orders of one business day.</summary>
public sealed record DayFacts(DateOnly Day, OrderFact[] Orders, ProductDayFact[] Products);

/// <summary>One consistent view: the order facts by day and the customer dimension they index.</summary>
public sealed record FactsSnapshot(
    IReadOnlyDictionary<DateOnly, DayFacts> Days, IReadOnlyList<CustomerDim> Customers, IReadOnlyDictionary<Guid, int> CustomerIndex,
    IReadOnlyDictionary<Guid, ProductDim> Products)
{
    public IEnumerable<DayFacts> Between(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (Days.TryGetValue(d, out var facts))
            {
                yield return facts;
            }
        }
    }
}

public sealed record CustomerDim(Guid Id, string Code, string Name, string? Region, Guid? OwnerUserId);

public sealed record ProductDim(Guid Id, string Sku, string Name, string? Category, long CostMinor);

/// <summary>
/// An in-memory columnar projection of the orders, their lines (summed per order and per product and day) and their
/// status histories, for analyses the daily rollups cannot answer (any grouping, percentiles of stage times, RFM).
/// It is loaded from the raw rows once and kept up to date by reloading the business days of the orders whose status
/// changed since the last look (found through the status history's index on (to, at)), so every figure is the same as
/// a GROUP BY over the raw rows at that moment, and a reload gives the same. Each node keeps its own; a request sees
/// changes at most <see cref="AnalyticsOptions.RefreshEvery"/> late.
/// </summary>
public sealed class OrderFacts(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<AnalyticsOptions> options, IHostApplicationLifetime lifetime, ILogger<OrderFacts> log) : IDisposable
{
    /// <summary>Status changes committed out of time order (a slow transaction) are still seen within this margin.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private FactsSnapshot? _snapshot;
    private Task<FactsSnapshot>? _loading;
    private DateTimeOffset _checkedAt;
    private DateTime _watermark;

    /// <summary>
    /// The current facts. A load or refresh is shared by every caller and runs to its end even when they give up (a
    /// caller's token only ends its own wait): at 1M orders the first load takes longer than a client waits, and
    /// cancelling it with the request would start it again from nothing at the next one.
    /// </summary>
    public async Task<FactsSnapshot> CurrentAsync(CancellationToken ct)
    {
        Task<FactsSnapshot> loading;
        lock (_gate)
        {
            if (_snapshot is { } current && time.GetUtcNow() - _checkedAt < options.Value.RefreshEvery)
            {
                return current;
            }

            loading = _loading ??= LoadOrRefreshAsync();
        }

        return await loading.WaitAsync(ct);
    }

    public void Dispose()
    {
    }

    /// <summary>Drops the projection; the next request loads it again from the raw rows.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _snapshot = null;
        }
    }

    private async Task<FactsSnapshot> LoadOrRefreshAsync()
    {
        await Task.Yield();
        try
        {
            var checkedAt = time.GetUtcNow();
            FactsSnapshot? previous;
            lock (_gate)
            {
                previous = _snapshot;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
            var ct = lifetime.ApplicationStopping;
            var snapshot = previous is null ? await LoadAsync(db, null, null, ct) : await RefreshAsync(db, previous, ct);
            lock (_gate)
            {
                _snapshot = snapshot;
                _checkedAt = checkedAt;
            }

            return snapshot;
        }
        finally
        {
            lock (_gate)
            {
                _loading = null;
            }
        }
    }

    private async Task<FactsSnapshot> RefreshAsync(OrderlyDbContext db, FactsSnapshot snapshot, CancellationToken ct)
    {
        var since = _watermark - Margin;
        var statuses = Enum.GetValues<OrderStatus>();
        var changed = await (
                from h in db.OrderStatusChanges.AsNoTracking()
                where statuses.Contains(h.To) && h.At > since
                join o in db.SalesOrders on h.OrderId equals o.Id
                select new { o.OrderDate, h.At })
            .ToListAsync(ct);
        if (changed.Count == 0)
        {
            return snapshot;
        }

        var days = changed.Select(c => c.OrderDate).Distinct().ToList();
        return await LoadAsync(db, snapshot, days, ct);
    }

    private async Task<FactsSnapshot> LoadAsync(OrderlyDbContext db, FactsSnapshot? previous, List<DateOnly>? days, CancellationToken ct)
    {
        var steps = new StepTimer();
        var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new CustomerDim(c.Id, c.Code, c.Name, c.Region, c.OwnerUserId)).ToListAsync(ct);
        var customerIndex = new Dictionary<Guid, int>(customers.Count);
        for (var i = 0; i < customers.Count; i++)
        {
            customerIndex[customers[i].Id] = i;
        }

        var products = await db.Products.AsNoTracking()
            .Select(p => new ProductDim(p.Id, p.Sku, p.Name, p.Category, p.CostMinor)).ToDictionaryAsync(p => p.Id, ct);

        var orders = db.SalesOrders.AsNoTracking();
        var history = from h in db.OrderStatusChanges.AsNoTracking() join o in db.SalesOrders on h.OrderId equals o.Id select new { h, o.OrderDate };
        if (days is not null)
        {
            orders = orders.Where(o => days.Contains(o.OrderDate));
            history = history.Where(x => days.Contains(x.OrderDate));
        }

        steps.Mark("customers and products");
        var orderRows = await orders.Select(o => new { o.Id, o.CustomerId, o.Currency, o.Status, o.OrderDate, o.TotalMinor, o.CreatedAt }).ToListAsync(ct);
        steps.Mark("orders");
        var changes = await history.Select(x => new { x.h.OrderId, x.h.From, x.h.To, x.h.At }).ToListAsync(ct);
        steps.Mark("status changes");
        var (lineFilter, parameters) = DayFilter(days);
        // Only constants of this class and numbered parameters go into the SQL.
        var linesSql = $"""
            SELECT l.order_id, COUNT(*) AS lines, SUM(l.quantity * p.cost_minor) AS cost_thousandths
            FROM order_lines l JOIN sales_orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
            {lineFilter} GROUP BY l.order_id
            """;
        var lines = await db.Database.SqlQueryRaw<OrderLineSums>(linesSql, parameters).ToListAsync(ct);
        steps.Mark("lines per order");
        var counted = string.Join(", ", Rollups.Counted.Select(s => $"'{s}'"));
        var productsSql = $"""
            SELECT o.order_date AS day, l.product_id, o.currency, COUNT(*) AS lines,
                SUM(l.quantity) AS quantity, SUM(l.line_total_minor) AS value_minor, SUM(l.quantity * p.cost_minor) AS cost_thousandths
            FROM order_lines l JOIN sales_orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
            {(lineFilter.Length == 0 ? "WHERE" : lineFilter + " AND")} o.status IN ({counted})
            GROUP BY o.order_date, l.product_id, o.currency
            """;
        var productRows = await db.Database.SqlQueryRaw<ProductDaySums>(productsSql, parameters).ToListAsync(ct);
        steps.Mark("lines per product and day");

        var lineSums = lines.ToDictionary(l => l.OrderId);
        var stages = new Dictionary<Guid, Stages>(orderRows.Count);
        foreach (var group in changes.GroupBy(c => c.OrderId))
        {
            var s = new Stages();
            foreach (var c in group.OrderBy(c => c.At))
            {
                var at = c.At.ToUnixTimeSeconds();
                if (c.From == OrderStatus.Draft && s.Submitted == 0)
                {
                    s.Submitted = at;
                }

                if (c.From == OrderStatus.PendingApproval && c.To == OrderStatus.Confirmed && s.Approved == 0)
                {
                    s.Approved = at;
                }

                if (c.To == OrderStatus.Confirmed && s.Confirmed == 0)
                {
                    s.Confirmed = at;
                }

                if (c.To is OrderStatus.PartiallyShipped or OrderStatus.Shipped && s.Shipped == 0)
                {
                    s.Shipped = at;
                }

                if (c.To == OrderStatus.Delivered && s.Delivered == 0)
                {
                    s.Delivered = at;
                }

                s.Since = at;
            }

            stages[group.Key] = s;
        }

        var byDay = previous is null ? new Dictionary<DateOnly, DayFacts>() : new Dictionary<DateOnly, DayFacts>(previous.Days);
        if (days is not null)
        {
            foreach (var day in days)
            {
                byDay.Remove(day);
            }
        }

        var productsByDay = productRows.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g
            .Select(r => new ProductDayFact(r.ProductId, r.Currency, r.Lines, r.Quantity, r.ValueMinor, r.CostThousandths / 1000)).ToArray());
        foreach (var day in orderRows.GroupBy(o => o.OrderDate))
        {
            var facts = day.Select(o =>
            {
                var s = stages.GetValueOrDefault(o.Id) ?? new Stages();
                var sums = lineSums.GetValueOrDefault(o.Id);
                return new OrderFact(
                    customerIndex.GetValueOrDefault(o.CustomerId, -1), o.Currency, o.Status, o.OrderDate, o.TotalMinor, (int)(sums?.Lines ?? 0),
                    (sums?.CostThousandths ?? 0) / 1000, o.CreatedAt.ToUnixTimeSeconds(), s.Submitted, s.Approved, s.Confirmed, s.Shipped, s.Delivered,
                    s.Since == 0 ? o.CreatedAt.ToUnixTimeSeconds() : s.Since);
            }).ToArray();
            byDay[day.Key] = new DayFacts(day.Key, facts, productsByDay.GetValueOrDefault(day.Key) ?? []);
        }

        foreach (var change in changes)
        {
            if (change.At.UtcDateTime > _watermark)
            {
                _watermark = change.At.UtcDateTime;
            }
        }

        steps.Mark("building the facts");
        // A load slower than a client waits is worth a warning (it shows where the time went).
        log.Log(steps.ElapsedSeconds > 5 ? LogLevel.Warning : LogLevel.Information,
            "Order facts {Kind}: {Orders} orders, {Changes} status changes, {Lines} order line sums, {ProductRows} product-day rows; {Steps}",
            days is null ? "loaded" : $"refreshed ({days.Count} days)", orderRows.Count, changes.Count, lines.Count, productRows.Count, steps);
        return new FactsSnapshot(byDay, customers, customerIndex, products);
    }

    private static (string Sql, object[] Parameters) DayFilter(List<DateOnly>? days) =>
        days is null ? ("", []) : ($"WHERE o.order_date IN ({string.Join(", ", days.Select((_, i) => $"{{{i}}}"))})", [.. days.Cast<object>()]);

    /// <summary>Wall time per step of a load, for the log: where a slow first load spends its time.</summary>
    private sealed class StepTimer
    {
        private readonly System.Text.StringBuilder _steps = new();
        private readonly long _begun = System.Diagnostics.Stopwatch.GetTimestamp();
        private long _at = System.Diagnostics.Stopwatch.GetTimestamp();

        public double ElapsedSeconds => System.Diagnostics.Stopwatch.GetElapsedTime(_begun).TotalSeconds;

        public void Mark(string step)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            _steps.Append(_steps.Length == 0 ? "" : ", ").Append(step).Append(' ')
                .Append(((now - _at) * 1000 / System.Diagnostics.Stopwatch.Frequency).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" ms");
            _at = now;
        }

        public override string ToString() => _steps.ToString();
    }

    private sealed class Stages
    {
        public long Submitted { get; set; }
        public long Approved { get; set; }
        public long Confirmed { get; set; }
        public long Shipped { get; set; }
        public long Delivered { get; set; }
        public long Since { get; set; }
    }

    private sealed record OrderLineSums(Guid OrderId, long Lines, long CostThousandths);

    private sealed record ProductDaySums(DateOnly Day, Guid ProductId, string Currency, long Lines, long Quantity, long ValueMinor, long CostThousandths);
}
