using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Orders;
using Orderly.Server.Demo;

namespace Orderly.Server.Tests.Demo;

/// <summary>
/// The demo seed on a fresh database: a year of orders in every status with histories that make sense, stock that
/// obeys the invariants exactly, bilingual names intact, and order numbers that the API continues after.
/// </summary>
public abstract class DemoSeederTests(OrderlyApp app)
{
    private const int Orders = 300;

    /// <summary>One seed per database (test class fixture), shared by the tests of the class.</summary>
    private static readonly ConcurrentDictionary<OrderlyApp, Lazy<Task>> Seeded = new();

    [Fact]
    public async Task Seed_ReachesEveryStatus_WithUniqueWellFormedNumbers()
    {
        await SeedOnceAsync();
        var orders = await app.WithDbAsync(db => db.SalesOrders.AsNoTracking().Select(o => new { o.Number, o.Status }).ToListAsync());

        Assert.True(orders.Count >= Orders);
        Assert.All(Enum.GetValues<OrderStatus>(), status => Assert.Contains(orders, o => o.Status == status));
        Assert.Equal(orders.Count, orders.Select(o => o.Number).Distinct().Count());
        Assert.All(orders, o => Assert.Matches(@"^SO-\d{4}-\d{6}$", o.Number));
        Assert.True(orders.Count(o => o.Status == OrderStatus.Delivered) > orders.Count / 2, "most of a year's orders are delivered");
    }

    [Fact]
    public async Task StatusHistories_StartAsDraft_EndAtTheCurrentStatus_InTimeOrder()
    {
        await SeedOnceAsync();
        var (orders, changes) = await app.WithDbAsync(async db => (
            await db.SalesOrders.AsNoTracking().Select(o => new { o.Id, o.Number, o.Status, o.CreatedAt, o.TotalMinor, o.ApprovalReasons }).ToListAsync(),
            await db.OrderStatusChanges.AsNoTracking().ToListAsync()));
        var byOrder = changes.ToLookup(c => c.OrderId);

        foreach (var order in orders)
        {
            var history = byOrder[order.Id].OrderBy(c => c.At).ToList();
            Assert.True(history.Count > 0, $"{order.Number} has no history");
            Assert.Null(history[0].From);
            Assert.Equal(OrderStatus.Draft, history[0].To);
            Assert.Equal(order.CreatedAt, history[0].At);
            Assert.Equal(order.Status, history[^1].To);
            for (var i = 1; i < history.Count; i++)
            {
                Assert.True(history[i].At >= history[i - 1].At, $"{order.Number}: history goes back in time");
                Assert.Equal(history[i - 1].To, history[i].From);
            }

            // The default rules send orders above CNY 200,000 to a manager before they can be confirmed.
            if (order.TotalMinor > 20_000_000 && history.Any(h => h.To == OrderStatus.Confirmed))
            {
                Assert.Contains(history, h => h.To == OrderStatus.PendingApproval);
                Assert.Contains(ApprovalPolicy.OrderTotalAboveThreshold, order.ApprovalReasons ?? "", StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task OrderDates_SpanMostOfAYear()
    {
        await SeedOnceAsync();
        var dates = await app.WithDbAsync(db => db.SalesOrders.AsNoTracking().Select(o => o.OrderDate).ToListAsync());

        Assert.True(dates.Max().DayNumber - dates.Min().DayNumber >= 270, $"orders from {dates.Min()} to {dates.Max()}");
        Assert.True(dates.Max() <= DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task Stock_BalancesAreTheLedgerSums_AndTheOpenReservations()
    {
        await SeedOnceAsync();
        var (balances, ledger, reservations, lines) = await app.WithDbAsync(async db => (
            await db.StockBalances.AsNoTracking().ToListAsync(),
            await db.StockLedger.AsNoTracking().Select(e => new { e.ProductId, e.WarehouseId, e.OnHandDelta, e.ReservedDelta }).ToListAsync(),
            await db.StockReservations.AsNoTracking().Select(r => new { r.ProductId, r.WarehouseId, r.OrderLineId, r.Quantity }).ToListAsync(),
            await db.OrderLines.AsNoTracking()
                .Join(db.SalesOrders, l => l.OrderId, o => o.Id, (l, o) => new { l.Id, o.Number, o.Status, l.Quantity, l.Reserved, l.Backordered, l.Shipped })
                .ToListAsync()));
        var ledgerSums = ledger.GroupBy(e => (e.ProductId, e.WarehouseId))
            .ToDictionary(g => g.Key, g => (OnHand: g.Sum(e => e.OnHandDelta), Reserved: g.Sum(e => e.ReservedDelta)));
        var openByBalance = reservations.GroupBy(r => (r.ProductId, r.WarehouseId)).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity));
        var openByLine = reservations.GroupBy(r => r.OrderLineId).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity));

        Assert.NotEmpty(balances);
        Assert.Equal(balances.Count, ledgerSums.Count);
        foreach (var balance in balances)
        {
            var key = (balance.ProductId, balance.WarehouseId);
            Assert.Equal(ledgerSums[key].OnHand, balance.OnHand);
            Assert.Equal(ledgerSums[key].Reserved, balance.Reserved);
            Assert.Equal(openByBalance.GetValueOrDefault(key), balance.Reserved);
            Assert.InRange(balance.Reserved, 0m, balance.OnHand);
        }

        foreach (var line in lines)
        {
            Assert.Equal(openByLine.GetValueOrDefault(line.Id), line.Reserved);
            Assert.True(line.Reserved + line.Shipped <= line.Quantity, $"{line.Number} reserves and ships more than ordered");
            if (line.Status is OrderStatus.Shipped or OrderStatus.Delivered)
            {
                Assert.Equal(line.Quantity, line.Shipped);
            }
        }

        Assert.Contains(lines, l => l.Reserved > 0 && l.Status is OrderStatus.Confirmed or OrderStatus.OnHold or OrderStatus.PartiallyShipped);
        var productsInStock = balances.GroupBy(b => b.ProductId).Count(g => g.Sum(b => b.OnHand - b.Reserved) > 0);
        Assert.True(productsInStock > balances.Select(b => b.ProductId).Distinct().Count() * 8 / 10, "most products are available");
    }

    [Fact]
    public async Task Allocation_IsRecordedPerLine_AndBackordersHaveOpenReplenishmentRequests()
    {
        await SeedOnceAsync();
        var (lines, decisions, requests) = await app.WithDbAsync(async db => (
            await db.OrderLines.AsNoTracking()
                .Join(db.SalesOrders, l => l.OrderId, o => o.Id, (l, o) => new { l.Id, o.Number, o.Status, l.Reserved, l.Shipped, l.Backordered })
                .ToListAsync(),
            await db.AllocationDecisions.AsNoTracking().Select(d => d.OrderLineId).ToListAsync(),
            await db.ReplenishmentRequests.AsNoTracking().Where(r => r.Status == Domain.Allocation.RequestStatus.Open)
                .Select(r => new { r.OrderLineId, r.Quantity }).ToListAsync()));
        var decided = decisions.ToHashSet();
        var open = requests.ToLookup(r => r.OrderLineId);

        foreach (var line in lines)
        {
            if (line.Reserved + line.Shipped > 0)
            {
                Assert.Contains(line.Id, decided);
            }

            var waiting = line.Backordered > 0 && line.Status is not (OrderStatus.Cancelled or OrderStatus.Rejected);
            Assert.Equal(waiting ? [line.Backordered] : [], open[line.Id].Select(r => r.Quantity).ToArray());
        }
    }

    [Fact]
    public async Task ChineseAndEnglishNames_RoundTripThroughDatabaseAndApi()
    {
        await SeedOnceAsync();
        var customers = await app.WithDbAsync(db => db.Customers.AsNoTracking().ToDictionaryAsync(c => c.Code));
        var products = await app.WithDbAsync(db => db.Products.AsNoTracking().ToDictionaryAsync(p => p.Sku));

        Assert.All(DemoCustomers.All, spec => Assert.Equal(spec.Name, customers[spec.Code].Name));
        Assert.All(DemoCatalog.Products, spec => Assert.Equal(spec.Name, products[spec.Sku].Name));
        Assert.True(DemoCatalog.Products.Count >= 220);
        Assert.Contains(DemoCatalog.Products, p => !p.IsWholeUnit);

        using var admin = await app.AdminAsync();
        var hualian = (await admin.GetJsonAsync($"/api/customers/{customers["C1001"].Id}")).Expect(HttpStatusCode.OK);
        Assert.Equal("上海华联贸易有限公司", hualian["name"].Str());
        var bolt = (await admin.GetJsonAsync($"/api/products/{products["FAS-HB-M8-40"].Id}")).Expect(HttpStatusCode.OK);
        Assert.Equal("六角螺栓 M8×40 8.8级镀锌 (100只/盒)", bolt["name"].Str());
        Assert.Equal("Hex bolt M8x40 grade 8.8 zinc, box of 100", bolt["nameEn"].Str());
        Assert.All(DemoCatalog.Products, spec => Assert.False(string.IsNullOrEmpty(products[spec.Sku].NameEn), $"{spec.Sku} has no English name."));
        Assert.All(DemoCatalog.Products, spec => Assert.DoesNotContain(" / ", products[spec.Sku].Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OrderEnteredThroughTheApi_AfterSeeding_ContinuesTheNumbers()
    {
        await SeedOnceAsync();
        var (customer, product, numbers) = await app.WithDbAsync(async db => (
            await db.Customers.AsNoTracking().Where(c => c.Code == "C1001").Select(c => c.Id).SingleAsync(),
            await db.Products.AsNoTracking().Where(p => p.Sku == "FAS-HB-M8-40").Select(p => p.Id).SingleAsync(),
            await db.SalesOrders.AsNoTracking().Select(o => o.Number).ToListAsync()));
        using var admin = await app.AdminAsync();

        var created = await new TestData(admin).OrderAsync(customer, (product, 20));

        var number = created["number"].Str();
        Assert.DoesNotContain(number, numbers);
        Assert.All(numbers.Where(n => n[..7] == number[..7]), n => Assert.True(string.CompareOrdinal(n, number) < 0, $"{n} is not before {number}"));
    }

    [Fact]
    public async Task DemoUsers_CanLogIn_AndManagersSeeTheirTeamsOrders()
    {
        await SeedOnceAsync();
        using var anonymous = app.Anonymous();

        var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "manager@orderly.local", password = DemoCustomers.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"].Str();
        using var manager = app.Anonymous();
        manager.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var page = (await manager.GetJsonAsync("/api/orders?limit=5")).Expect(HttpStatusCode.OK);
        Assert.NotEmpty(page["items"]!.AsArray());
        var wrong = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "rep1@orderly.local", password = "not-the-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task SeedingAgain_ReusesTheMasterData_AndAddsOrdersWithoutCollisions()
    {
        await SeedOnceAsync();
        var before = await CountsAsync();

        await SeedAsync(app, new DemoSeedOptions(Orders: 40, Seed: 7));

        var after = await CountsAsync();
        Assert.Equal(before.Customers, after.Customers);
        Assert.Equal(before.Products, after.Products);
        Assert.Equal(before.Users, after.Users);
        Assert.Equal(before.Orders + 40, after.Orders);
        Assert.Equal(after.Orders, after.Numbers);
    }

    private Task<(int Customers, int Products, int Users, int Orders, int Numbers)> CountsAsync() => app.WithDbAsync(async db => (
        await db.Customers.CountAsync(), await db.Products.CountAsync(), await db.Users.CountAsync(),
        await db.SalesOrders.CountAsync(), await db.SalesOrders.Select(o => o.Number).Distinct().CountAsync()));

    private Task SeedOnceAsync() => Seeded.GetOrAdd(app, a => new Lazy<Task>(() => SeedAsync(a, new DemoSeedOptions(Orders, Seed: 4242)))).Value;

    private static async Task SeedAsync(OrderlyApp app, DemoSeedOptions options)
    {
        using var scope = app.Services.CreateScope();
        var progress = new List<DemoProgress>();
        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(options, new Progress(progress), CancellationToken.None);
        Assert.Contains(progress, p => p.Stage == "Orders" && p.Done == options.Orders && p.Total == options.Orders);
    }

    /// <summary>Records synchronously, unlike <see cref="Progress{T}"/>, which posts to the thread pool.</summary>
    private sealed class Progress(List<DemoProgress> reports) : IProgress<DemoProgress>
    {
        public void Report(DemoProgress value) => reports.Add(value);
    }
}

public sealed class DemoSeederTests_Sqlite(SqliteApp app) : DemoSeederTests(app), IClassFixture<SqliteApp>;

public sealed class DemoSeederTests_Postgres(PostgresApp app) : DemoSeederTests(app), IClassFixture<PostgresApp>;
