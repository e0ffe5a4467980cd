using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Allocation;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Orders;

/// <summary>Read side of orders: no-tracking projections, keyset pages.</summary>
public sealed partial class OrderQueries(OrderlyDbContext db, Identity.DataScope scope, BusinessCalendar calendar, IEnumerable<IOrderPaymentSource> payments)
{
    public async Task<OrderDto> GetAsync(Guid id, CancellationToken ct)
    {
        // A handful of round trips: the order with its lines and history in one query (an order has tens of
        // lines, so the joined rows stay few), then customer, reservations, decisions and the actors' names.
        var order = await (await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct))
            .Include(o => o.Lines)
            .Include(o => o.StatusHistory)
            .AsSingleQuery()
            .FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("Sales order", id);
        var reservations = await db.StockReservations.AsNoTracking()
            .Where(r => r.OrderId == id && r.Quantity > 0)
            .Join(db.Warehouses, r => r.WarehouseId, w => w.Id, (r, w) => new WarehouseReservation(r.Id, r.OrderLineId, r.WarehouseId, w.Code, r.Quantity))
            .ToListAsync(ct);
        var decisions = await db.AllocationDecisions.AsNoTracking().Where(d => d.OrderId == id).ToListAsync(ct);
        var paid = await PaymentFactsAsync([order.Id], ct);
        return await ComposeAsync(order, reservations, decisions, paid.GetValueOrDefault(order.Id), ct);
    }

    /// <summary>
    /// The order just written in this unit of work, answered from what the unit holds (the aggregate, and the
    /// reservations and allocation decisions it added) instead of reading it back: the same DTO as
    /// <see cref="GetAsync"/>, with three small reads (customer, warehouse codes, actors' names) instead of six.
    /// A new order has no invoice yet (billing invoices committed orders), so it is not invoiced.
    /// </summary>
    public async Task<OrderDto> WrittenAsync(SalesOrder order, CancellationToken ct)
    {
        var added = Added<StockReservation>(r => r.OrderId == order.Id && r.Quantity > 0);
        var warehouseIds = added.Select(r => r.WarehouseId).Distinct().ToList();
        var codes = warehouseIds.Count == 0 ? [] : await db.Warehouses.AsNoTracking().Where(w => warehouseIds.Contains(w.Id))
            .ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var reservations = added.Select(r => new WarehouseReservation(r.Id, r.OrderLineId, r.WarehouseId, codes[r.WarehouseId], r.Quantity)).ToList();
        return await ComposeAsync(order, reservations, Added<AllocationDecision>(d => d.OrderId == order.Id), null, ct);
    }

    /// <summary>
    /// The rows of one kind this unit tracks, as saved. The unit was saved just before, so there is nothing left to
    /// detect: the change detection <c>Entries()</c> runs by default would compare every tracked row again.
    /// </summary>
    private List<T> Added<T>(Func<T, bool> belongs) where T : class
    {
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return [.. tracker.Entries<T>().Where(e => e.State != EntityState.Deleted && belongs(e.Entity)).Select(e => e.Entity)];
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>
    /// Quantities and discounts without trailing zeros (15, 2.5, 0): SQLite hands a decimal column back with at least
    /// one decimal place and PostgreSQL with the column's scale, and arithmetic in memory keeps its operands' scale
    /// (2.5 - 2.5 is 0.0), so the same order would otherwise read 0.0, 0.0000 or 0 depending on where it came from.
    /// </summary>
    private static decimal Plain(decimal value) => value / 1.0000000000000000000000000000m;

    private sealed record WarehouseReservation(Guid Id, Guid OrderLineId, Guid WarehouseId, string Code, decimal Quantity);

    private async Task<OrderDto> ComposeAsync(
        SalesOrder order, List<WarehouseReservation> reservations, List<AllocationDecision> allDecisions, OrderPaymentFacts? paid, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == order.CustomerId)
            .Select(c => new { c.Code, c.Name, c.ReservationPolicy }).FirstAsync(ct);
        var decisions = allDecisions.GroupBy(d => d.OrderLineId).ToDictionary(g => g.Key, g => g.MaxBy(d => d.Id)!);
        var policy = order.ReservationPolicy ?? customer.ReservationPolicy;
        var actorIds = order.StatusHistory.Where(h => h.By is not null).Select(h => h.By!.Value).Distinct().ToList();
        var actors = actorIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id))
            .Select(u => new { u.Id, Name = u.DisplayName ?? u.Email }).ToDictionaryAsync(u => u.Id, u => u.Name, ct);

        var lines = order.Lines.OrderBy(l => l.LineNumber).Select(l => new OrderLineDto(
            l.Id, l.LineNumber, l.ProductId, l.Sku, l.ProductName, l.Unit, Plain(l.Quantity),
            l.UnitPrice.Amount, l.ListPrice.Amount, Plain(l.DiscountPercent), l.LineTotal.Amount,
            Plain(l.Reserved), Plain(l.Backordered), Plain(l.Shipped), Plain(l.Delivered), Plain(l.Returned), Plain(l.Invoiced),
            [.. reservations.Where(r => r.OrderLineId == l.Id).OrderBy(r => r.Id).Select(r => new ReservationDto(r.WarehouseId, r.Code, Plain(r.Quantity)))],
            Plain(l.DropShip), decisions.TryGetValue(l.Id, out var d) ? ToDto(d) : null)).ToList();
        var history = order.StatusHistory.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new StatusChangeDto(
            h.From, h.To, h.At, h.By, h.By is { } by ? actors.GetValueOrDefault(by) : null, h.Reason)).ToList();

        var dto = new OrderDto(
            order.Id, order.Number, order.CustomerId, customer.Code, customer.Name, order.Status, order.Currency, order.Total.Amount,
            order.OrderDate, order.RequestedDeliveryDate, order.CustomerPo,
            order.ApprovalReasons is { } reasons ? reasons.Split(',') : [], order.StatusReason, order.CreatedAt, order.CreatedBy,
            order.SubmittedAt, order.ConfirmedAt, order.Version, lines, history, order.EntryWarnings,
            OrderTransitions.AllowedActions(order.Status), policy);
        return paid is { } p ? dto with { PaymentStatus = p.PaymentStatus, Invoiced = p.Invoiced, Paid = p.Paid, Due = p.Due } : dto;
    }

    /// <summary>Billing's payment facts of these orders (none without a billing capability).</summary>
    public async Task<IReadOnlyDictionary<Guid, OrderPaymentFacts>> PaymentFactsAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct)
    {
        var facts = new Dictionary<Guid, OrderPaymentFacts>();
        foreach (var source in payments)
        {
            foreach (var (id, fact) in await source.FactsAsync(orderIds, ct))
            {
                facts[id] = fact;
            }
        }

        return facts;
    }

    private static AllocationDecisionDto ToDto(AllocationDecision d) => new(
        d.DecidedAt, d.Policy, d.Summary,
        JsonSerializer.Deserialize<List<AllocationLine>>(d.Allocations, DecisionJson) ?? [],
        JsonSerializer.Deserialize<List<CandidateNote>>(d.Candidates, DecisionJson) ?? []);

    private static readonly JsonSerializerOptions DecisionJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<Page<OrderSummaryDto>> ListAsync(
        OrderStatus? status, Guid? customerId, DateOnly? from, DateOnly? to, string? q, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var orders = await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct);
        if (status is { } s)
        {
            orders = orders.Where(o => o.Status == s);
        }

        if (customerId is { } c)
        {
            orders = orders.Where(o => o.CustomerId == c);
        }

        // An order's id (UUIDv7) and its order date come from the same instant, so a period is also a range of ids,
        // a day wider on each side for any time zone: the list walks the primary key instead of sorting a period's
        // orders (measured at 1M orders: a 30-day filter went from a sort of 80k rows to a key range scan).
        // With a customer filter the customer's index is the narrower path; the id range would steer the
        // planner into walking a whole period of every customer's orders.
        var periodAsIdRange = customerId is null;
        if (from is { } f)
        {
            orders = orders.Where(o => o.OrderDate >= f);
            if (periodAsIdRange)
            {
                var lowest = IdFloor(f.AddDays(-1));
                orders = orders.Where(o => o.Id.CompareTo(lowest) >= 0);
            }
        }

        if (to is { } t)
        {
            orders = orders.Where(o => o.OrderDate <= t);
            if (periodAsIdRange)
            {
                var above = IdFloor(t.AddDays(2));
                orders = orders.Where(o => o.Id.CompareTo(above) < 0);
            }
        }

        if (Paging.ParseCursor(cursor) is { } before)
        {
            orders = orders.Where(o => o.Id.CompareTo(before) < 0);
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = Text.Normalize(q).ToLower();
            if (OrderNumber().IsMatch(term))
            {
                // A whole order number: the unique index answers it, instead of a substring test on every order.
                var number = term.ToUpperInvariant();
                orders = orders.Where(o => o.Number == number);
            }
            else
            {
                // Customers matching the text are found first (a small table), then their orders by index.
                var customers = db.Customers.Where(cu => cu.Name.ToLower().Contains(term) || (cu.NameEn != null && cu.NameEn.ToLower().Contains(term)) || cu.Code.ToLower().Contains(term)).Select(cu => cu.Id);
                if (db.Database.IsSqlite() && term.Length >= 3)
                {
                    // Numbers and PO numbers by the trigram index (migration OrderTextSearch) instead of a scan.
                    var phrase = "\"" + term.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                    var matching = db.Database.SqlQuery<Guid>($"SELECT order_id AS \"Value\" FROM order_search WHERE order_search MATCH {phrase}");
                    orders = orders.Where(o => customers.Contains(o.CustomerId) || matching.Contains(o.Id));
                }
                else
                {
                    orders = orders.Where(o => customers.Contains(o.CustomerId)
                        || o.Number.ToLower().Contains(term)
                        || (o.CustomerPo != null && o.CustomerPo.ToLower().Contains(term)));
                }
            }
        }

        var rows = orders.Join(db.Customers, o => o.CustomerId, cu => cu.Id, (o, cu) => new { o, CustomerName = cu.Name, CustomerCode = cu.Code });

        var fetched = await rows.OrderByDescending(x => x.o.Id).Take(take + 1)
            .Select(x => new
            {
                x.o.Id, x.o.Number, x.o.CustomerId, x.CustomerName, x.o.Status, x.o.Currency, x.o.TotalMinor,
                x.o.OrderDate, x.o.RequestedDeliveryDate, x.o.CustomerPo, LineCount = x.o.Lines.Count, x.o.CreatedAt,
            })
            .ToListAsync(ct);
        var items = fetched.ConvertAll(x => new OrderSummaryDto(
            x.Id, x.Number, x.CustomerId, x.CustomerName, x.Status, x.Currency, Money.FromMinor(x.TotalMinor, x.Currency).Amount,
            x.OrderDate, x.RequestedDeliveryDate, x.CustomerPo, x.LineCount, x.CreatedAt));
        var paid = await PaymentFactsAsync([.. items.Select(o => o.Id)], ct);
        items = items.ConvertAll(o => paid.TryGetValue(o.Id, out var p) ? o with { PaymentStatus = p.PaymentStatus, Invoiced = p.Invoiced, Paid = p.Paid, Due = p.Due } : o);
        return Paging.From(items, take, o => o.Id);
    }

    /// <summary>The smallest UUIDv7 of the first instant of a business day: every order created that day or later has an id at least this.</summary>
    private Guid IdFloor(DateOnly day)
    {
        var start = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), calendar.Zone), TimeSpan.Zero);
        var hex = Math.Max(0, start.ToUnixTimeMilliseconds()).ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
        return Guid.Parse($"{hex[..8]}-{hex[8..]}-0000-0000-000000000000");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^so-\d{4}-\d{6,}$")]
    private static partial System.Text.RegularExpressions.Regex OrderNumber();
}
