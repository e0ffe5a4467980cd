using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Orders;
using Orderly.Server.Analytics;
using Orderly.Server.Tests.Inventory;

namespace Orderly.Server.Tests.Analytics;

/// <summary>
/// The rollups are kept in each order's transaction: after a mixed workload (submit, approve, reject, cancel before and
/// after submission, hold and release, ship in parts, deliver, orders either side of midnight in Shanghai) they equal
/// a GROUP BY over the orders, their lines (orders, value and lines per customer; quantity, value and lines per product) and
/// their histories, and a rebuild from the orders gives the same numbers.
/// </summary>
public abstract class RollupTests(ClockedApp app)
{
    [Fact]
    public async Task Rollups_AfterMixedWorkload_EqualGroupByOverOrders_AndRebuildGivesTheSame()
    {
        var day = app.Today.AddDays(1);
        app.Clock.SetUtcNow(ClockedApp.Local(day, 23, 40));
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var cheap = await data.ProductAsync(listPrice: 12.5m);
        var dear = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, cheap, 100_000);
        await data.ReceiveAsync(warehouse, dear, 100_000);
        var first = await data.CustomerAsync();
        var second = await data.CustomerAsync();

        // Entered at 23:50 on the day, submitted after midnight: it counts on its order date, the day before.
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var lateEvening = (await data.OrderAsync(first, (cheap, 8), (dear, 2))).Id();
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        (await admin.PostAsync($"/api/orders/{lateEvening}/submit")).Expect(HttpStatusCode.OK);
        var afterMidnight = (await data.OrderAsync(second, (dear, 3))).Id();
        (await admin.PostAsync($"/api/orders/{afterMidnight}/submit")).Expect(HttpStatusCode.OK);

        var cancelledAfterSubmit = (await data.OrderAsync(first, (cheap, 5))).Id();
        (await admin.PostAsync($"/api/orders/{cancelledAfterSubmit}/submit")).Expect(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(7));
        (await admin.PostAsync($"/api/orders/{cancelledAfterSubmit}/cancel", new { reason = "客户撤单" })).Expect(HttpStatusCode.OK);

        var cancelledDraft = (await data.OrderAsync(second, (cheap, 1))).Id();
        (await admin.PostAsync($"/api/orders/{cancelledDraft}/cancel", new { reason = "录错" })).Expect(HttpStatusCode.OK);
        (await data.OrderAsync(second, (dear, 1))).Id();

        using var clerk = await app.UserNowAsync("clerk@rollups.test", "OrderClerk");
        var rejected = (await new TestData(clerk).OrderAsync(first, (dear, 2500))).Id();
        Assert.Equal("PendingApproval", (await clerk.PostAsync($"/api/orders/{rejected}/submit")).Expect(HttpStatusCode.OK)["status"].Str());
        app.Clock.Advance(TimeSpan.FromHours(2));
        (await admin.PostAsync($"/api/orders/{rejected}/reject", new { reason = "超出信用" })).Expect(HttpStatusCode.OK);
        var approved = (await new TestData(clerk).OrderAsync(second, (dear, 2200))).Id();
        (await clerk.PostAsync($"/api/orders/{approved}/submit")).Expect(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(45));
        (await admin.PostAsync($"/api/orders/{approved}/approve")).Expect(HttpStatusCode.OK);

        var held = (await data.OrderAsync(first, (cheap, 4))).Id();
        (await admin.PostAsync($"/api/orders/{held}/submit")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{held}/hold", new { reason = "核对地址" })).Expect(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        (await admin.PostAsync($"/api/orders/{held}/release")).Expect(HttpStatusCode.OK);

        var order = (await admin.GetJsonAsync($"/api/orders/{lateEvening}")).Expect(HttpStatusCode.OK);
        var lines = order["lines"]!.AsArray().Select(l => (Id: l!.Id(), Quantity: l!["quantity"].Dec())).ToList();
        app.Clock.Advance(TimeSpan.FromHours(2));
        (await admin.PostAsync($"/api/orders/{lateEvening}/shipments", new { lines = new[] { new { lineId = lines[0].Id, quantity = 1m } } })).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(1));
        (await admin.PostAsync($"/api/orders/{lateEvening}/shipments", new { lines = lines.Select((l, i) => new { lineId = l.Id, quantity = i == 0 ? l.Quantity - 1m : l.Quantity }).ToArray() }))
            .Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromDays(1));
        using var adminLater = await app.AdminNowAsync();
        (await adminLater.PostAsync($"/api/orders/{lateEvening}/deliver")).Expect(HttpStatusCode.OK);

        var expected = await ExpectedAsync();
        Assert.Equal(expected, await RollupsAsync());
        Assert.Contains($"{day:yyyy-MM-dd} CNY 1 30000", expected.Sales, StringComparison.Ordinal);
        Assert.Contains(" OnHold 1 1800000", expected.Stages, StringComparison.Ordinal);

        // The revenue endpoint counts the late-evening order on its order date, the one after midnight on the next day.
        var revenue = (await adminLater.GetJsonAsync($"/api/analytics/revenue?from={day:yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}")).Expect(HttpStatusCode.OK);
        var days = revenue["days"]!.AsArray();
        Assert.Equal(1, days[0]!["orders"]!.GetValue<long>());
        Assert.Equal(300m, days[0]!["value"].Dec());
        Assert.Equal(3, days[1]!["orders"]!.GetValue<long>());
        Assert.Equal(300m + 220_000m + 50m, days[1]!["value"].Dec());

        await app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new RollupRebuild(db, app.Services.GetRequiredService<Orderly.Server.Infrastructure.BusinessCalendar>()).RunAsync(CancellationToken.None);
            await transaction.CommitAsync();
            return true;
        });
        Assert.Equal(expected, await RollupsAsync());
    }

    [Fact]
    public async Task Rollups_WhenTheirTransactionFails_ChangeNothing()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var draft = (await data.OrderAsync(customer, (product, 1))).Id();
        var before = await RollupsAsync();

        // Cancelling needs a reason: the refused transition must leave every rollup as it was.
        (await admin.PostAsync($"/api/orders/{draft}/cancel", new { reason = "" })).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.PostAsync($"/api/orders/{draft}/deliver")).Expect(HttpStatusCode.Conflict);
        Assert.Equal(before, await RollupsAsync());
        Assert.Equal(await ExpectedAsync(), await RollupsAsync());
    }

    private Task<Snapshot> RollupsAsync() => app.WithDbAsync(async db =>
    {
        var sales = await db.Set<DailySalesRow>().AsNoTracking().ToListAsync();
        var customers = await db.Set<DailyCustomerSalesRow>().AsNoTracking().ToListAsync();
        var products = await db.Set<DailyProductSalesRow>().AsNoTracking().ToListAsync();
        var statuses = await db.Set<StatusCountRow>().AsNoTracking().ToListAsync();
        var stages = await db.Set<StageTimeRow>().AsNoTracking().ToListAsync();
        return new Snapshot(
            Lines(sales.GroupBy(r => (r.Day, r.Currency)).Select(g => $"{g.Key.Day:yyyy-MM-dd} {g.Key.Currency} {g.Sum(r => r.Orders)} {g.Sum(r => r.ValueMinor)}")),
            Lines(customers.GroupBy(r => (r.Day, r.CustomerId, r.Currency)).Select(g => $"{g.Key.Day:yyyy-MM-dd} {g.Key.CustomerId} {g.Key.Currency} {g.Sum(r => r.Orders)} {g.Sum(r => r.ValueMinor)} {g.Sum(r => r.Lines)}")),
            Lines(products.GroupBy(r => (r.Day, r.ProductId, r.Currency)).Select(g => $"{g.Key.Day:yyyy-MM-dd} {g.Key.ProductId} {g.Key.Currency} {g.Sum(r => r.QuantityThousandths)} {g.Sum(r => r.ValueMinor)} {g.Sum(r => r.Lines)}")),
            Lines(statuses.GroupBy(r => r.Status).Select(g => $"{g.Key} {g.Sum(r => r.Orders)}")),
            Lines(stages.GroupBy(r => (r.Day, r.Status)).Select(g => $"{g.Key.Day:yyyy-MM-dd} {g.Key.Status} {g.Sum(r => r.Exits)} {g.Sum(r => r.TotalMilliseconds)}")));
    });

    /// <summary>The same numbers computed straight from the orders, their lines and their status histories.</summary>
    private Task<Snapshot> ExpectedAsync() => app.WithDbAsync(async db =>
    {
        var orders = await db.SalesOrders.AsNoTracking().Include(o => o.Lines).Include(o => o.StatusHistory).AsSplitQuery().ToListAsync();
        var counted = orders.Where(o => Rollups.Counted.Contains(o.Status)).ToList();
        var stages = new Dictionary<(DateOnly, OrderStatus), (long Exits, long Ms)>();
        foreach (var order in orders)
        {
            var history = InChainOrder(order.StatusHistory);
            for (var i = 1; i < history.Count; i++)
            {
                var key = (DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(history[i].At, ClockedApp.Shanghai).DateTime), history[i].From!.Value);
                var (exits, ms) = stages.GetValueOrDefault(key);
                stages[key] = (exits + 1, ms + (history[i].At.ToUnixTimeMilliseconds() - history[i - 1].At.ToUnixTimeMilliseconds()));
            }
        }

        return new Snapshot(
            Lines(counted.GroupBy(o => (o.OrderDate, o.Currency)).Select(g => $"{g.Key.OrderDate:yyyy-MM-dd} {g.Key.Currency} {g.Count()} {g.Sum(o => o.TotalMinor)}")),
            Lines(counted.GroupBy(o => (o.OrderDate, o.CustomerId, o.Currency)).Select(g => $"{g.Key.OrderDate:yyyy-MM-dd} {g.Key.CustomerId} {g.Key.Currency} {g.Count()} {g.Sum(o => o.TotalMinor)} {g.Sum(o => o.Lines.Count)}")),
            Lines(counted.SelectMany(o => o.Lines.Select(l => (o.OrderDate, l.ProductId, o.Currency, l.Quantity, l.LineTotalMinor)))
                .GroupBy(l => (l.OrderDate, l.ProductId, l.Currency))
                .Select(g => $"{g.Key.OrderDate:yyyy-MM-dd} {g.Key.ProductId} {g.Key.Currency} {g.Sum(l => Domain.Common.Quantity.ToStored(l.Quantity))} {g.Sum(l => l.LineTotalMinor)} {g.Count()}")),
            Lines(orders.GroupBy(o => o.Status).Select(g => $"{g.Key} {g.Count()}")),
            Lines(stages.Select(s => $"{s.Key.Item1:yyyy-MM-dd} {s.Key.Item2} {s.Value.Exits} {s.Value.Ms}")));
    });

    /// <summary>History in time order; changes of one instant (the test clock stands still) each from the status the one before went to.</summary>
    private static List<OrderStatusChange> InChainOrder(IEnumerable<OrderStatusChange> changes)
    {
        var rest = changes.OrderBy(h => h.At).ToList();
        var chain = new List<OrderStatusChange>();
        OrderStatus? status = null;
        while (rest.Count > 0)
        {
            var next = rest.Find(h => h.At == rest[0].At && h.From == status) ?? rest[0];
            rest.Remove(next);
            chain.Add(next);
            status = next.To;
        }

        return chain;
    }

    /// <summary>Rows as sorted text, leaving out rows that sum to nothing (a cancelled order's day may keep a zero row).</summary>
    private static string Lines(IEnumerable<string> rows) =>
        string.Join("\n", rows.Where(r => !r.EndsWith(" 0 0", StringComparison.Ordinal) && r != $"{r.Split(' ')[0]} 0").Order(StringComparer.Ordinal));

    private sealed record Snapshot(string Sales, string Customers, string Products, string Statuses, string Stages);
}

public sealed class RollupTests_Sqlite(ClockedSqliteApp app) : RollupTests(app), IClassFixture<ClockedSqliteApp>;

public sealed class RollupTests_Postgres(ClockedPostgresApp app) : RollupTests(app), IClassFixture<ClockedPostgresApp>;
