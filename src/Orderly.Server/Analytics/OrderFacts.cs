using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Analytics;

/// <summary>One order as the bottleneck analysis needs it: its status, the customer as an index, and when it reached each stage.</summary>
/// <remarks>Instants are Unix seconds, 0 for never. About 80 bytes an order: 1M orders fit in about 80 MB.</remarks>
public readonly record struct OrderFact(
    int Customer, string Currency, OrderStatus Status, DateOnly Day,
    long CreatedAt, long SubmittedAt, long ApprovedAt, long ConfirmedAt, long ShippedAt, long DeliveredAt, long StatusSince);

/// <summary>
/// The facts of the orders of one business day, with what lets a reader skip most of them: the latest stage instant of
/// any of its orders (a day whose orders all reached their last stage before a period ended no stay in it) and the
/// positions of its orders waiting now (for the ageing, which needs no other order).
/// </summary>
public sealed record DayFacts(DateOnly Day, OrderFact[] Orders)
{
    public long LatestStageAt { get; } = Orders.Length == 0 ? 0 : Orders.Max(o =>
        Math.Max(Math.Max(Math.Max(o.SubmittedAt, o.ApprovedAt), Math.Max(o.ConfirmedAt, o.ShippedAt)), o.DeliveredAt));

    public int[] Waiting { get; } = [.. Enumerable.Range(0, Orders.Length).Where(i => Bottlenecks.IsWaiting(Orders[i].Status))];
}

/// <summary>An order waiting now (<see cref="Bottlenecks.IsWaiting"/>): its status, since when (Unix seconds), and its customer.</summary>
public readonly record struct WaitingOrder(OrderStatus Status, long Since, int Customer);

/// <summary>
/// One consistent view: the order facts by day and the customer dimension they index (an index never changes once
/// given, so facts kept across a refresh stay right); the stage stays by the day they ended; the orders waiting now,
/// the longest waiting last.
/// </summary>
public sealed record FactsSnapshot(
    IReadOnlyDictionary<DateOnly, DayFacts> Days, IReadOnlyList<CustomerDim> Customers, IReadOnlyDictionary<Guid, int> CustomerIndex,
    IReadOnlyDictionary<DateOnly, StayRun[]> Stays, WaitingOrder[] Waiting)
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

/// <summary>
/// An in-memory columnar projection of the orders and their status histories, for what the daily rollups cannot answer:
/// the percentiles of each order's stage times and the ageing of the orders waiting now (<see cref="Bottlenecks"/>).
/// No order line is read: every figure of the order analysis comes from the rollups (<see cref="OrdersAnalysis"/>).
/// It is loaded from the raw rows once and kept up to date by reloading the business days of the orders whose status
/// changed since the last look (found through the status history's index on (to, at)), so every figure is the same as
/// a GROUP BY over the raw rows at that moment, and a reload gives the same. Each node keeps its own; a request sees
/// changes at most <see cref="AnalyticsOptions.RefreshEvery"/> late.
/// </summary>
public sealed class OrderFacts(
    IServiceScopeFactory scopes, TimeProvider time, BusinessCalendar calendar, IOptions<AnalyticsOptions> options, IHostApplicationLifetime lifetime,
    ILogger<OrderFacts> log) : IDisposable
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
        var loaded = await db.Customers.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new CustomerDim(c.Id, c.Code, c.Name, c.Region, c.OwnerUserId)).ToListAsync(ct);
        // The facts and stays kept from the previous snapshot hold customer indexes: a customer keeps theirs, a new one is appended.
        var customers = previous is null ? [] : new List<CustomerDim>(previous.Customers);
        var customerIndex = previous is null ? new Dictionary<Guid, int>(loaded.Count) : new Dictionary<Guid, int>(previous.CustomerIndex);
        foreach (var customer in loaded)
        {
            if (customerIndex.TryGetValue(customer.Id, out var i))
            {
                customers[i] = customer;
            }
            else
            {
                customerIndex[customer.Id] = customers.Count;
                customers.Add(customer);
            }
        }

        var orders = db.SalesOrders.AsNoTracking();
        var history = from h in db.OrderStatusChanges.AsNoTracking() join o in db.SalesOrders on h.OrderId equals o.Id select new { h, o.OrderDate };
        if (days is not null)
        {
            orders = orders.Where(o => days.Contains(o.OrderDate));
            history = history.Where(x => days.Contains(x.OrderDate));
        }

        steps.Mark("customers");
        var orderRows = await orders.Select(o => new { o.Id, o.CustomerId, o.Currency, o.Status, o.OrderDate, o.CreatedAt }).ToListAsync(ct);
        steps.Mark("orders");
        var changes = await history.Select(x => new { x.h.OrderId, x.h.From, x.h.To, x.h.At }).ToListAsync(ct);
        steps.Mark("status changes");

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

        foreach (var day in orderRows.GroupBy(o => o.OrderDate))
        {
            var facts = day.Select(o =>
            {
                var s = stages.GetValueOrDefault(o.Id) ?? new Stages();
                return new OrderFact(
                    customerIndex.GetValueOrDefault(o.CustomerId, -1), o.Currency, o.Status, o.OrderDate,
                    o.CreatedAt.ToUnixTimeSeconds(), s.Submitted, s.Approved, s.Confirmed, s.Shipped, s.Delivered,
                    s.Since == 0 ? o.CreatedAt.ToUnixTimeSeconds() : s.Since);
            }).ToArray();
            byDay[day.Key] = new DayFacts(day.Key, facts);
        }

        foreach (var change in changes)
        {
            if (change.At.UtcDateTime > _watermark)
            {
                _watermark = change.At.UtcDateTime;
            }
        }

        steps.Mark("building the facts");
        DateOnly DayOf(long unixSeconds) => calendar.DateOf(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        var stays = previous is null || days is null
            ? StageStays.Build(byDay.Values.SelectMany(d => StageStays.Of(d, DayOf)))
            : StageStays.Replace(previous.Stays, days, days.Where(byDay.ContainsKey).SelectMany(d => StageStays.Of(byDay[d], DayOf)));
        var waiting = byDay.Values.SelectMany(d => d.Waiting.Select(i => d.Orders[i])).Where(o => o.Customer >= 0)
            .Select(o => new WaitingOrder(o.Status, o.StatusSince, o.Customer)).OrderByDescending(w => w.Since).ToArray();
        steps.Mark("indexing the stays");
        // A load slower than a client waits is worth a warning (it shows where the time went).
        log.Log(steps.ElapsedSeconds > 5 ? LogLevel.Warning : LogLevel.Information,
            "Order facts {Kind}: {Orders} orders, {Changes} status changes; {Steps}",
            days is null ? "loaded" : $"refreshed ({days.Count} days)", orderRows.Count, changes.Count, steps);
        return new FactsSnapshot(byDay, customers, customerIndex, stays, waiting);
    }

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
}
