using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Orders;
using Orderly.Server.Analytics;
using Orderly.Server.Tests.Inventory;
using Orderly.Server.Tests.Security;

namespace Orderly.Server.Tests.Analytics;

/// <summary>
/// Orders, bottlenecks and RFM on a small data set either side of midnight in Shanghai, against hand-computed figures
/// and against a plain GROUP BY over the raw rows; a reload of the projection gives the same; a rep sees their own.
/// </summary>
public abstract class OrdersAnalysisTests(AnalysisApp app)
{
    [Fact]
    public async Task Analyses_MatchHandComputedFigures_AndTheRawRows_AndRepSeesOwnCustomers()
    {
        var day = app.Today.AddDays(1);
        var next = day.AddDays(1);
        app.Clock.SetUtcNow(ClockedApp.Local(day, 23, 40));
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var cheap = await data.ProductAsync(listPrice: 10m);
        var dear = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, cheap, 10_000);
        await data.ReceiveAsync(warehouse, dear, 10_000);
        using var rep = await app.UserNowAsync("rep@analysis.test", "SalesRep");
        var repId = await app.UserIdAsync("rep@analysis.test");
        var east = (await SecurityKit.CustomerAsync(admin, "东方客户", repId)).Id();
        var west = await data.CustomerAsync(region: "West");

        // 23:50 on the day, submitted 20 minutes later after midnight: it counts on the day, its entry took 1/3 hour.
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var late = (await data.OrderAsync(east, (cheap, 8), (dear, 2))).Id();
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        (await admin.PostAsync($"/api/orders/{late}/submit")).Expect(HttpStatusCode.OK);
        var early = (await data.OrderAsync(west, (dear, 3))).Id();
        app.Clock.Advance(TimeSpan.FromHours(1));
        (await admin.PostAsync($"/api/orders/{early}/submit")).Expect(HttpStatusCode.OK);
        var cancelled = (await data.OrderAsync(west, (cheap, 5))).Id();
        (await admin.PostAsync($"/api/orders/{cancelled}/submit")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{cancelled}/cancel", new { reason = "撤单" })).Expect(HttpStatusCode.OK);
        await data.OrderAsync(east, (cheap, 1));
        var lines = (await admin.GetJsonAsync($"/api/orders/{early}")).Expect(HttpStatusCode.OK)["lines"]!.AsArray();
        app.Clock.Advance(TimeSpan.FromHours(3));
        (await admin.PostAsync($"/api/orders/{early}/shipments", new { lines = new[] { new { lineId = lines[0]!.Id(), quantity = 3m } } })).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(2));
        (await admin.PostAsync($"/api/orders/{early}/deliver")).Expect(HttpStatusCode.OK);

        var period = $"from={day:yyyy-MM-dd}&to={next:yyyy-MM-dd}";
        // Counted: the late order (280, cost 140, 2 lines) on the day and the early one (300, cost 150, 1 line) the day after.
        var byCustomer = (await admin.GetJsonAsync($"/api/analytics/orders?{period}&groupBy=day&by=customer")).Expect(HttpStatusCode.OK);
        AssertFigures(byCustomer["totals"]!, orders: 2, lines: 3, value: 580m, cost: 290m);
        Assert.Equal(0.5m, byCustomer["totals"]!["marginRate"].Dec());
        Assert.Equal([(day, 280m), (next, 300m)], byCustomer["periods"]!.AsArray().Select(p => (DateOnly.Parse(p!["start"].Str()), p["figures"]!["value"].Dec())));
        var items = byCustomer["items"]!.AsArray();
        Assert.Equal([west.ToString(), east.ToString()], items.Select(i => i!["key"].Str()));
        Assert.Equal(300m / 580m, items[0]!["share"].Dec(), 4);
        Assert.Contains($"customerId={east}", items[1]!["orders"].Str(), StringComparison.Ordinal);
        Assert.Null(byCustomer["previousPeriod"]!["valueChange"]);

        var byProduct = (await admin.GetJsonAsync($"/api/analytics/orders?{period}&by=product")).Expect(HttpStatusCode.OK);
        var products = byProduct["items"]!.AsArray();
        Assert.Equal([(dear, 5m, 500m, 2L), (cheap, 8m, 80m, 1L)], products.Select(p => (Guid.Parse(p!["key"].Str()), p["figures"]!["quantity"].Dec(),
            p["figures"]!["value"].Dec(), p["figures"]!["lines"]!.GetValue<long>())));
        Assert.Equal(1, byProduct["paretoCount"]!.GetValue<int>());
        var byRegion = (await admin.GetJsonAsync($"/api/analytics/orders?{period}&by=region")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal([("West", 300m), ("(none)", 280m)], byRegion.Select(r => (r!["key"].Str(), r["figures"]!["value"].Dec())));

        var mine = (await rep.GetJsonAsync($"/api/analytics/orders?{period}&by=product")).Expect(HttpStatusCode.OK);
        AssertFigures(mine["totals"]!, orders: null, lines: 2, value: 280m, cost: 140m);
        Assert.Equal([200m, 80m], mine["items"]!.AsArray().Select(i => i!["figures"]!["value"].Dec()));
        var myCustomers = (await rep.GetJsonAsync($"/api/analytics/orders?{period}&by=customer")).Expect(HttpStatusCode.OK);
        AssertFigures(myCustomers["totals"]!, orders: 1, lines: 2, value: 280m, cost: 140m);
        AssertFigures(myCustomers["items"]!.AsArray().Single()!["figures"]!, orders: 1, lines: 2, value: 280m, cost: 140m);
        Assert.Equal(east.ToString(), myCustomers["items"]![0]!["key"].Str());

        // Entry: 1/3 h (late), 1 h (early), 0 h (cancelled), all ended the day after: p50 1/3, p90 1. Fulfilment 3 h, delivery 2 h.
        var bottlenecks = (await admin.GetJsonAsync($"/api/analytics/bottlenecks?{period}&groupBy=day")).Expect(HttpStatusCode.OK);
        var entry = bottlenecks["stages"]!.AsArray().Single(s => s!["stage"].Str() == "entry")!;
        Assert.Equal((3, 0.333, 1.0), (entry["orders"]!.GetValue<int>(), entry["p50Hours"]!.GetValue<double>(), entry["p90Hours"]!.GetValue<double>()));
        var fulfilment = bottlenecks["stages"]!.AsArray().Single(s => s!["stage"].Str() == "fulfilment")!;
        Assert.Equal(3.0, fulfilment["p50Hours"]!.GetValue<double>());
        Assert.Equal(2.0, bottlenecks["stages"]!.AsArray().Single(s => s!["stage"].Str() == "delivery")!["p90Hours"]!.GetValue<double>());
        Assert.Equal(next, DateOnly.Parse(bottlenecks["periods"]!.AsArray().Single()!["start"].Str()));
        var ageing = bottlenecks["ageing"]!.AsArray().ToDictionary(a => a!["status"].Str(), a => a!["orders"]!.GetValue<int>());
        Assert.True(ageing["Draft"] >= 1 && ageing["Confirmed"] >= 1);
        var repEntry = (await rep.GetJsonAsync($"/api/analytics/bottlenecks?{period}")).Expect(HttpStatusCode.OK)["stages"]!.AsArray()
            .Single(s => s!["stage"].Str() == "entry")!;
        Assert.Equal((1, 0.333), (repEntry["orders"]!.GetValue<int>(), repEntry["p50Hours"]!.GetValue<double>()));

        // RFM as of the day after: west ordered then (R 3 of 2 customers, M 3), east the day before (R 1, M 1); one order each (F 1).
        var rfm = (await admin.GetJsonAsync($"/api/analytics/customers/rfm?asOf={next:yyyy-MM-dd}")).Expect(HttpStatusCode.OK);
        var scores = rfm["items"]!.AsArray().ToDictionary(i => i!["customerId"]!.GetValue<Guid>(), i => (i!["r"]!.GetValue<int>(), i["f"]!.GetValue<int>(), i["m"]!.GetValue<int>(), i["segment"].Str()));
        Assert.Equal((3, 1, 3, "NeedAttention"), scores[west]);
        Assert.Equal((1, 1, 1, "Lost"), scores[east]);
        var repRfm = (await rep.GetJsonAsync($"/api/analytics/customers/rfm?asOf={next:yyyy-MM-dd}")).Expect(HttpStatusCode.OK);
        Assert.Equal([east], repRfm["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<Guid>()));
        (await rep.GetJsonAsync($"/api/analytics/customers/{west}/preferences")).Expect(HttpStatusCode.NotFound);
        var preferences = (await rep.GetJsonAsync($"/api/analytics/customers/{east}/preferences?to={next:yyyy-MM-dd}")).Expect(HttpStatusCode.OK);
        Assert.Equal([dear.ToString(), cheap.ToString()], preferences["products"]!.AsArray().Select(p => p!["key"].Str()));

        // Every day's figures equal a GROUP BY over the raw orders and lines, before and after the projection is reloaded and
        // after a rebuild of the rollups it reads.
        var wide = $"from={day.AddDays(-3):yyyy-MM-dd}&to={next.AddDays(1):yyyy-MM-dd}&groupBy=day";
        var expected = await RawAsync();
        Assert.Equal(expected, Periods((await admin.GetJsonAsync($"/api/analytics/orders?{wide}")).Expect(HttpStatusCode.OK)));
        app.Services.GetRequiredService<OrderFacts>().Reset();
        app.Services.GetRequiredService<SalesProjection>().Clear();
        Assert.Equal(expected, Periods((await admin.GetJsonAsync($"/api/analytics/orders?{wide}")).Expect(HttpStatusCode.OK)));
        await app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new RollupRebuild(db, app.Services.GetRequiredService<Orderly.Server.Infrastructure.BusinessCalendar>()).RunAsync(CancellationToken.None);
            await transaction.CommitAsync();
            return true;
        });
        Assert.Equal(expected, Periods((await admin.GetJsonAsync($"/api/analytics/orders?{wide}")).Expect(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Analyses_RefuseUnknownGroupingsAndPeriods()
    {
        using var admin = await app.AdminNowAsync();
        (await admin.GetJsonAsync("/api/analytics/orders?by=planet")).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync("/api/analytics/orders?groupBy=hour")).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync("/api/analytics/bottlenecks?from=2026-03-02&to=2026-03-01")).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync("/api/analytics/customers/rfm?currency=XXX")).Expect(HttpStatusCode.UnprocessableEntity);
    }

    private static void AssertFigures(JsonNode figures, long? orders, long lines, decimal value, decimal cost)
    {
        Assert.Equal(orders, figures["orders"]?.GetValue<long>());
        Assert.Equal((lines, value, cost, value - cost), (figures["lines"]!.GetValue<long>(), figures["value"].Dec(), figures["cost"].Dec(), figures["margin"].Dec()));
    }

    private static List<string> Periods(JsonNode analysis) =>
        [.. analysis["periods"]!.AsArray().Select(p => $"{p!["start"].Str()} {p["figures"]!["orders"]} {p["figures"]!["lines"]} {p["figures"]!["value"].Dec():0.00} {p["figures"]!["cost"].Dec():0.00}")];

    private Task<List<string>> RawAsync() => app.WithDbAsync(async db =>
    {
        var counted = Rollups.Counted;
        var orders = await db.SalesOrders.Where(o => counted.Contains(o.Status) && o.Currency == "CNY")
            .Select(o => new { o.Id, o.OrderDate, o.TotalMinor, Lines = db.OrderLines.Count(l => l.OrderId == o.Id) }).ToListAsync();
        // Cost: quantity x the product's current cost, summed in thousandths of a minor unit.
        var costs = (await (from l in db.OrderLines join p in db.Products on l.ProductId equals p.Id select new { l.OrderId, l.Quantity, p.CostMinor }).ToListAsync())
            .GroupBy(l => l.OrderId).ToDictionary(g => g.Key, g => g.Sum(l => Orderly.Domain.Common.Quantity.ToStored(l.Quantity) * l.CostMinor));
        return orders.GroupBy(o => o.OrderDate).OrderBy(g => g.Key)
            .Select(g => $"{g.Key:yyyy-MM-dd} {g.Count()} {g.Sum(o => o.Lines)} {g.Sum(o => o.TotalMinor) / 100m:0.00} {g.Sum(o => costs.GetValueOrDefault(o.Id)) / 1000 / 100m:0.00}").ToList();
    });
}

public sealed class OrdersAnalysisTests_Sqlite(AnalysisSqliteApp app) : OrdersAnalysisTests(app), IClassFixture<AnalysisSqliteApp>;

public sealed class OrdersAnalysisTests_Postgres(AnalysisPostgresApp app) : OrdersAnalysisTests(app), IClassFixture<AnalysisPostgresApp>;
