using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Analytics;
using Orderly.Server.Infrastructure;
using Orderly.Server.Tests.Inventory;
using Orderly.Server.Tests.Security;

namespace Orderly.Server.Tests.Analytics;

/// <summary>
/// The dashboards' top customers and top products come from the in-memory projection of the rollups: with two nodes
/// (two hosts, each with its own projection) on one database, orders either side of midnight in Shanghai, old orders
/// cancelled through the other node and a rollup rebuild, every answer of either node equals the GROUP BY over the
/// rollups at that moment (the SQL reference) and the hand-computed figures; a rep's list keeps to their customers.
/// </summary>
public abstract class SalesProjectionTests(ClockedNodes nodes)
{
    [Fact]
    public async Task TopLists_OnTwoNodes_AfterWritesCancellationsAndMidnight_EqualTheGroupBy()
    {
        var day = nodes.A.Today.AddDays(3);
        nodes.SetClocks(ClockedApp.Local(day, 23, 30));
        using var adminA = await nodes.A.AdminNowAsync();
        using var adminB = await nodes.B.AdminNowAsync();
        var data = new TestData(adminA);
        var warehouse = await data.WarehouseAsync();
        var ten = await data.ProductAsync(listPrice: 10m);
        var hundred = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, ten, 100_000);
        await data.ReceiveAsync(warehouse, hundred, 100_000);
        using var repA = await nodes.A.UserNowAsync("rep@projection.test", "SalesRep");
        var repId = await nodes.A.UserIdAsync("rep@projection.test");
        var repCustomer = (await SecurityKit.CustomerAsync(adminA, "代表的客户", repId)).Id();
        var big = (await SecurityKit.CustomerAsync(adminA, "大客户")).Id();
        var small = (await SecurityKit.CustomerAsync(adminA, "小客户")).Id();

        async Task<Guid> SubmitAsync(HttpClient client, Guid customer, params (Guid, decimal)[] lines)
        {
            var id = (await new TestData(client).OrderAsync(customer, lines)).Id();
            (await client.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
            return id;
        }

        // Day D, 23:30-23:50 in Shanghai: big 2 orders (1000 + 50), small 1 order (30), the rep's customer 1 order (200).
        var bigFirst = await SubmitAsync(adminA, big, (hundred, 10));
        await SubmitAsync(adminB, big, (ten, 5));
        await SubmitAsync(adminB, small, (ten, 3));
        await SubmitAsync(adminA, repCustomer, (hundred, 2));
        var warmA = await TopCustomersAsync(adminA, 1);
        Assert.Equal($"{big} 2 1050.00|{repCustomer} 1 200.00|{small} 1 30.00", warmA);
        Assert.Equal($"{hundred} 12.000 1200.00|{ten} 8.000 80.00", await TopProductsAsync(adminB, 1));
        await AssertSameAsSqlAsync(adminA, adminB, 1);

        // After midnight (day D+1): node B takes orders; node A has day D cached and must still see D+1 and D alike.
        nodes.SetClocks(ClockedApp.Local(day.AddDays(1), 0, 20));
        using var adminA2 = await nodes.A.AdminNowAsync();
        using var adminB2 = await nodes.B.AdminNowAsync();
        using var rep2 = await LoginAsync(nodes.A, "rep@projection.test");
        await SubmitAsync(adminB2, small, (hundred, 20));
        Assert.Equal($"{small} 1 2000.00", await TopCustomersAsync(adminA2, 1));
        Assert.Equal($"{small} 2 2030.00|{big} 2 1050.00|{repCustomer} 1 200.00", await TopCustomersAsync(adminA2, 2));

        // Cancelling day D's big order through node B changes a closed day that node A holds: A sees it at once.
        (await adminB2.PostAsync($"/api/orders/{bigFirst}/cancel", new { reason = "客户撤单" })).Expect(HttpStatusCode.OK);
        Assert.Equal($"{small} 2 2030.00|{repCustomer} 1 200.00|{big} 1 50.00", await TopCustomersAsync(adminA2, 2));
        Assert.Equal($"{hundred} 22.000 2200.00|{ten} 8.000 80.00", await TopProductsAsync(adminA2, 2));
        await AssertSameAsSqlAsync(adminA2, adminB2, 2);

        // A rep sees their own customer only, on either node.
        Assert.Equal($"{repCustomer} 1 200.00", await TopCustomersAsync(rep2, 2));
        using var repOnB = await LoginAsync(nodes.B, "rep@projection.test");
        Assert.Equal($"{repCustomer} 1 200.00", await TopCustomersAsync(repOnB, 2));

        // Random orders and cancellations through both nodes, compared with the SQL after each step.
        var random = new Random(20261205);
        var customers = new[] { big, small, repCustomer };
        var placed = new List<Guid>();
        for (var step = 0; step < 10; step++)
        {
            var (writer, reader) = random.Next(2) == 0 ? (adminA2, adminB2) : (adminB2, adminA2);
            if (placed.Count > 0 && random.Next(3) == 0)
            {
                var victim = placed[random.Next(placed.Count)];
                placed.Remove(victim);
                (await writer.PostAsync($"/api/orders/{victim}/cancel", new { reason = "随机撤单" })).Expect(HttpStatusCode.OK);
            }
            else
            {
                placed.Add(await SubmitAsync(writer, customers[random.Next(customers.Length)], (random.Next(2) == 0 ? ten : hundred, random.Next(1, 9))));
            }

            await AssertSameAsSqlAsync(reader, writer, 1 + random.Next(3));
            await AssertRfmSameAsGroupByAsync(reader, writer);
            if (step % 3 == 2)
            {
                await AssertOrdersSameAsGroupByAsync([reader, writer], 1 + random.Next(3));
            }
        }

        // A customer numbered after both projections were built orders on a day both nodes hold (today, through node B):
        // node A appends the customer's ordinal, reloads the day and its customer costs, and every figure still equals the GROUP BY.
        var newcomer = (await SecurityKit.CustomerAsync(adminB2, "新客户")).Id();
        var newcomerOrder = await SubmitAsync(adminB2, newcomer, (hundred, 4), (ten, 7));
        await AssertOrdersSameAsGroupByAsync([adminA2, adminB2], 2);
        (await adminA2.PostAsync($"/api/orders/{newcomerOrder}/cancel", new { reason = "新客户撤单" })).Expect(HttpStatusCode.OK);
        await SubmitAsync(adminA2, newcomer, (ten, 2));
        await AssertOrdersSameAsGroupByAsync([adminB2, adminA2], 2);

        // The order analysis uses the products' current cost: a cost change (a save bumps the version) shows at once on both nodes.
        await nodes.A.WithDbAsync(db => db.Products.Where(p => p.Id == ten)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.CostMinor, 777L).SetProperty(p => p.Version, p => p.Version + 1)));
        await AssertOrdersSameAsGroupByAsync([adminA2, adminB2], 3);
        await AssertOrdersSameAsGroupByAsync([rep2, repOnB], 3, repCustomer);

        // A rebuild of the rollups (on node A's database) restarts the counters above any count: node B reloads.
        var before = await TopCustomersAsync(adminB2, 3);
        await nodes.A.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new RollupRebuild(db, nodes.A.Services.GetRequiredService<BusinessCalendar>()).RunAsync(CancellationToken.None);
            await transaction.CommitAsync();
            return true;
        });
        Assert.Equal(before, await TopCustomersAsync(adminB2, 3));
        await AssertSameAsSqlAsync(adminA2, adminB2, 3);
        await AssertRfmSameAsGroupByAsync(adminA2, adminB2);
        await AssertOrdersSameAsGroupByAsync([adminA2, adminB2], 3);
        Assert.True(nodes.B.Services.GetRequiredService<SalesProjection>().Stats.Days >= 2);
    }

    private static async Task<HttpClient> LoginAsync(ClockedApp node, string email)
    {
        using var anonymous = node.Anonymous();
        var token = (await anonymous.PostAsync("/api/auth/token", new { email, password = OrderlyApp.AdminPassword })).Expect(HttpStatusCode.OK)["accessToken"].Str();
        var client = node.Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task AssertSameAsSqlAsync(HttpClient a, HttpClient b, int days)
    {
        var expectedCustomers = await ReferenceAsync(q => q.TopCustomersBySqlAsync(nodes.A.Today.AddDays(1 - days), nodes.A.Today, "CNY", 100, null, CancellationToken.None));
        var expectedProducts = await ReferenceAsync(q => q.TopProductsBySqlAsync(nodes.A.Today.AddDays(1 - days), nodes.A.Today, "CNY", 100, CancellationToken.None));
        Assert.NotEqual("", expectedCustomers);
        foreach (var client in new[] { a, b })
        {
            Assert.Equal(expectedCustomers, await TopCustomersAsync(client, days));
            Assert.Equal(expectedProducts, await TopProductsAsync(client, days, quantityAsStored: true));
        }
    }

    /// <summary>RFM (from the projection) on both nodes equals a GROUP BY over the raw counted orders of the year: frequency, value, last day, mean interval.</summary>
    private async Task AssertRfmSameAsGroupByAsync(HttpClient a, HttpClient b)
    {
        var asOf = nodes.A.Today;
        var first = asOf.AddDays(1 - CustomerAnalysis.WindowDays);
        var counted = Rollups.Counted;
        var orders = await nodes.A.WithDbAsync(db => db.SalesOrders.AsNoTracking()
            .Where(o => o.Currency == "CNY" && counted.Contains(o.Status) && o.OrderDate >= first && o.OrderDate <= asOf)
            .Select(o => new { o.CustomerId, o.OrderDate, o.TotalMinor }).ToListAsync());
        var expected = string.Join("|", orders.GroupBy(o => o.CustomerId).OrderBy(g => g.Key).Select(g =>
        {
            var days = g.Select(o => o.OrderDate).Distinct().Order().ToList();
            var intervals = days.Zip(days.Skip(1), (x, y) => y.DayNumber - x.DayNumber).ToList();
            return $"{g.Key} {g.Count()} {g.Sum(o => o.TotalMinor) / 100m:0.00} {days[^1]:yyyy-MM-dd} {(intervals.Count == 0 ? "-" : Math.Round(intervals.Average(), 2).ToString("0.00", CultureInfo.InvariantCulture))}";
        }));
        Assert.NotEqual("", expected);
        foreach (var client in new[] { a, b })
        {
            var rfm = (await client.GetJsonAsync($"/api/analytics/customers/rfm?asOf={asOf:yyyy-MM-dd}&limit=1000")).Expect(HttpStatusCode.OK);
            var items = rfm["items"]!.AsArray().Select(i => (Id: i!["customerId"]!.GetValue<Guid>(), Line:
                $"{i["customerId"]!.GetValue<Guid>()} {i["frequency"]!.GetValue<int>()} {i["monetary"].Dec():0.00} {i["lastOrder"].Str()} " +
                $"{(i["meanIntervalDays"] is { } mean ? mean.GetValue<double>().ToString("0.00", CultureInfo.InvariantCulture) : "-")}"));
            Assert.Equal(expected, string.Join("|", items.OrderBy(i => i.Id).Select(i => i.Line)));
            Assert.Equal(orders.Select(o => o.CustomerId).Distinct().Count(), rfm["customers"]!.GetValue<int>());
        }
    }

    /// <summary>
    /// The order analysis (from the projection of the rollups) on both nodes equals a GROUP BY over the raw counted orders and
    /// lines of the last <paramref name="days"/> days: totals, per day, per customer and per product (orders, lines,
    /// quantity, value, cost at the products' current cost); with <paramref name="onlyCustomer"/>, a rep's view of their customer.
    /// </summary>
    private async Task AssertOrdersSameAsGroupByAsync(HttpClient[] clients, int days, Guid? onlyCustomer = null)
    {
        var (first, last) = (nodes.A.Today.AddDays(1 - days), nodes.A.Today);
        var previousFirst = first.AddDays(-days);
        var counted = Rollups.Counted;
        var lines = await nodes.A.WithDbAsync(db => (
                from o in db.SalesOrders.AsNoTracking()
                join l in db.OrderLines on o.Id equals l.OrderId
                join p in db.Products on l.ProductId equals p.Id
                where o.Currency == "CNY" && counted.Contains(o.Status) && o.OrderDate >= previousFirst && o.OrderDate <= last
                select new { o.Id, o.CustomerId, o.OrderDate, o.TotalMinor, l.ProductId, l.Quantity, l.LineTotalMinor, p.CostMinor })
            .ToListAsync());
        lines = [.. lines.Where(l => onlyCustomer is null || l.CustomerId == onlyCustomer)];
        // The period before (as many days): the comparison every dimension reports.
        var before = lines.Where(l => l.OrderDate < first).ToList();
        lines = [.. lines.Where(l => l.OrderDate >= first)];
        string Figures(int orders, int lineCount, decimal? quantity, long valueMinor, long costThousandths) =>
            $"{orders} {lineCount} {quantity?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-"} {valueMinor / 100m:0.00} {costThousandths / 1000 / 100m:0.00}";
        long Cost(IEnumerable<(decimal Quantity, long CostMinor)> rows) => rows.Sum(r => Domain.Common.Quantity.ToStored(r.Quantity) * r.CostMinor);
        var expectedTotals = Figures(lines.Select(l => l.Id).Distinct().Count(), lines.Count, null,
            lines.DistinctBy(l => l.Id).Sum(l => l.TotalMinor), Cost(lines.Select(l => (l.Quantity, l.CostMinor))));
        var expectedPrevious = Figures(before.Select(l => l.Id).Distinct().Count(), before.Count, null,
            before.DistinctBy(l => l.Id).Sum(l => l.TotalMinor), Cost(before.Select(l => (l.Quantity, l.CostMinor))));
        var expectedDays = string.Join("|", lines.GroupBy(l => l.OrderDate).OrderBy(g => g.Key).Select(g => $"{g.Key:yyyy-MM-dd} " +
            Figures(g.Select(l => l.Id).Distinct().Count(), g.Count(), null, g.DistinctBy(l => l.Id).Sum(l => l.TotalMinor), Cost(g.Select(l => (l.Quantity, l.CostMinor))))));
        var expectedCustomers = string.Join("|", lines.GroupBy(l => l.CustomerId).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal).Select(g => $"{g.Key} " +
            Figures(g.Select(l => l.Id).Distinct().Count(), g.Count(), null, g.DistinctBy(l => l.Id).Sum(l => l.TotalMinor), Cost(g.Select(l => (l.Quantity, l.CostMinor))))));
        var expectedProducts = string.Join("|", lines.GroupBy(l => l.ProductId).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal).Select(g => $"{g.Key} " +
            Figures(0, g.Count(), g.Sum(l => l.Quantity), g.Sum(l => l.LineTotalMinor), Cost(g.Select(l => (l.Quantity, l.CostMinor))))));
        Assert.NotEqual("", expectedCustomers);

        static string Actual(JsonNode figures, bool perProduct) =>
            $"{(perProduct ? 0 : figures["orders"]!.GetValue<long>())} {figures["lines"]!.GetValue<long>()} " +
            $"{(perProduct ? figures["quantity"].Dec().ToString("0.000", CultureInfo.InvariantCulture) : "-")} {figures["value"].Dec():0.00} {figures["cost"].Dec():0.00}";
        var period = $"from={first:yyyy-MM-dd}&to={last:yyyy-MM-dd}&groupBy=day&limit=500";
        foreach (var client in clients)
        {
            var byCustomer = (await client.GetJsonAsync($"/api/analytics/orders?{period}&by=customer")).Expect(HttpStatusCode.OK);
            Assert.Equal(expectedTotals, Actual(byCustomer["totals"]!, false));
            Assert.Equal(expectedPrevious, Actual(byCustomer["previousPeriod"]!["figures"]!, false));
            Assert.Equal(expectedDays, string.Join("|", byCustomer["periods"]!.AsArray().Select(p => $"{p!["start"].Str()} {Actual(p["figures"]!, false)}")));
            Assert.Equal(expectedCustomers, string.Join("|", byCustomer["items"]!.AsArray().OrderBy(i => i!["key"].Str(), StringComparer.Ordinal)
                .Select(i => $"{i!["key"].Str()} {Actual(i["figures"]!, false)}")));
            var byProduct = (await client.GetJsonAsync($"/api/analytics/orders?{period}&by=product")).Expect(HttpStatusCode.OK);
            Assert.Equal(expectedProducts, string.Join("|", byProduct["items"]!.AsArray().OrderBy(i => i!["key"].Str(), StringComparer.Ordinal)
                .Select(i => $"{i!["key"].Str()} {Actual(i["figures"]!, true)}")));
            var byRegion = (await client.GetJsonAsync($"/api/analytics/orders?{period}&by=region")).Expect(HttpStatusCode.OK);
            Assert.Equal(expectedTotals, Actual(byRegion["totals"]!, false));
            Assert.Equal(expectedPrevious, Actual(byRegion["previousPeriod"]!["figures"]!, false));
            var byRep = (await client.GetJsonAsync($"/api/analytics/orders?{period}&by=rep")).Expect(HttpStatusCode.OK);
            Assert.Equal(expectedTotals, Actual(byRep["totals"]!, false));
            Assert.Equal(byRep["totals"]!["value"].Dec(), byRep["items"]!.AsArray().Sum(i => i!["figures"]!["value"].Dec()));
            Assert.Equal(byRep["totals"]!["cost"].Dec(), byRep["items"]!.AsArray().Sum(i => i!["figures"]!["cost"].Dec()));
            Assert.Equal(byRegion["totals"]!["cost"].Dec(), byRegion["items"]!.AsArray().Sum(i => i!["figures"]!["cost"].Dec()));
        }
    }

    private async Task<string> ReferenceAsync(Func<AnalyticsQueries, Task<List<SalesProjection.Total>>> query)
    {
        await using var scope = nodes.A.Services.CreateAsyncScope();
        var totals = await query(scope.ServiceProvider.GetRequiredService<AnalyticsQueries>());
        return string.Join("|", totals.Select(t => $"{t.Id} {t.Count} {t.ValueMinor / 100m:0.00}"));
    }

    private static async Task<string> TopCustomersAsync(HttpClient client, int days)
    {
        var items = (await client.GetJsonAsync($"/api/analytics/top-customers?days={days}&limit=100")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        return string.Join("|", items.Select(i => $"{i!["customerId"]!.GetValue<Guid>()} {i["orders"]!.GetValue<long>()} {i["value"].Dec():0.00}"));
    }

    private static async Task<string> TopProductsAsync(HttpClient client, int days, bool quantityAsStored = false)
    {
        var items = (await client.GetJsonAsync($"/api/analytics/top-products?days={days}&limit=100")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        return string.Join("|", items.Select(i =>
            $"{i!["productId"]!.GetValue<Guid>()} {(quantityAsStored ? (i["quantity"].Dec() * 1000m).ToString("0") : i["quantity"].Dec().ToString("0.000"))} {i["value"].Dec():0.00}"));
    }
}

/// <summary>A clocked node over a database another node owns.</summary>
public sealed class ClockedNode(TestDatabase shared) : ClockedApp(TestDatabase.Borrowed(shared));

/// <summary>Two clocked nodes (two hosts, each with its own caches and projection) on one database; the test moves both clocks together.</summary>
public abstract class ClockedNodes(TestDatabase database) : IAsyncLifetime, IDisposable
{
    private ClockedNode? _a;
    private ClockedNode? _b;

    public ClockedNode A => _a ?? throw new InvalidOperationException("Not started.");

    public ClockedNode B => _b ?? throw new InvalidOperationException("Not started.");

    public void SetClocks(DateTimeOffset now)
    {
        A.Clock.SetUtcNow(now);
        B.Clock.SetUtcNow(now);
    }

    public async Task InitializeAsync()
    {
        await database.CreateAsync();
        _a = new ClockedNode(database);
        _b = new ClockedNode(database);
        _ = _a.Services;
        _ = _b.Services;
    }

    public async Task DisposeAsync()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        await database.DropAsync();
    }

    public void Dispose()
    {
        _b?.Dispose();
        _a?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteClockedNodes() : ClockedNodes(TestDatabase.For("sqlite"));

public sealed class PostgresClockedNodes() : ClockedNodes(TestDatabase.For("postgres"));

public sealed class SalesProjectionTests_Sqlite(SqliteClockedNodes nodes) : SalesProjectionTests(nodes), IClassFixture<SqliteClockedNodes>;

public sealed class SalesProjectionTests_Postgres(PostgresClockedNodes nodes) : SalesProjectionTests(nodes), IClassFixture<PostgresClockedNodes>;
