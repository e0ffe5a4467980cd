using Microsoft.EntityFrameworkCore;
using Orderly.Server.Tests.Inventory;

namespace Orderly.Server.Tests.Analytics;

/// <summary>Forecasts from a known weekly history, spikes, per-warehouse shipments, and the inventory analysis against hand-computed figures.</summary>
public abstract class ForecastAndInventoryTests(AnalysisApp app)
{
    [Fact]
    public async Task Forecast_OfSteadyDemand_IsTheSteadyLevel_AndLastWeeksSpikeIsFlagged()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var steady = await data.ProductAsync(listPrice: 10m);
        var spiky = await data.ProductAsync(listPrice: 10m);
        var monday = app.Today.AddDays(-(((int)app.Today.DayOfWeek + 6) % 7));
        await app.WithDbAsync(async db =>
        {
            for (var week = 1; week <= 20; week++)
            {
                var day = monday.AddDays(-7 * week);
                var spike = week == 1 ? 50_000L : 10_000L;
                await db.Database.ExecuteSqlAsync($"INSERT INTO analytics_daily_products (day, product_id, currency, quantity_thousandths, value_minor) VALUES ({day}, {steady}, 'CNY', 10000, 10000)");
                await db.Database.ExecuteSqlAsync($"INSERT INTO analytics_daily_products (day, product_id, currency, quantity_thousandths, value_minor) VALUES ({day}, {spiky}, 'CNY', {spike}, {spike})");
            }

            return true;
        });

        var forecast = (await admin.GetJsonAsync($"/api/forecasts?productId={steady}&horizonWeeks=4")).Expect(HttpStatusCode.OK);
        Assert.Equal("Naive", forecast["method"].Str());
        Assert.Equal(20, forecast["history"]!.AsArray().Count);
        var weeks = forecast["weeks"]!.AsArray();
        Assert.Equal(4, weeks.Count);
        Assert.Equal(monday, DateOnly.Parse(weeks[0]!["weekStart"].Str()));
        Assert.All(weeks, w => Assert.Equal((10m, 10m, 10m), (w!["forecast"].Dec(), w["low"].Dec(), w["high"].Dec())));
        Assert.Equal(0m, forecast["accuracy"]!.AsArray().Single(a => a!["method"].Str() == "Naive")!["wape"].Dec());
        Assert.False(forecast["lastWeek"]!["isSpike"]!.GetValue<bool>());

        var spiked = (await admin.GetJsonAsync($"/api/forecasts?productId={spiky}")).Expect(HttpStatusCode.OK);
        Assert.True(spiked["lastWeek"]!["isSpike"]!.GetValue<bool>());
        Assert.Equal((50m, 10m), (spiked["lastWeek"]!["actual"].Dec(), spiked["lastWeek"]!["expected"].Dec()));

        var accuracy = (await admin.GetJsonAsync("/api/forecasts/accuracy")).Expect(HttpStatusCode.OK);
        Assert.True(accuracy["products"]!.GetValue<int>() >= 2);
        Assert.Contains(accuracy["rows"]!.AsArray(), r => r!["class"].Str() == "all" && r["method"] is null);
        Assert.Contains(accuracy["spikes"]!.AsArray(), s => s!["productId"]!.GetValue<Guid>() == spiky);

        (await admin.GetJsonAsync("/api/forecasts")).Expect(HttpStatusCode.BadRequest);
        (await admin.GetJsonAsync($"/api/forecasts?productId={Guid.NewGuid()}")).Expect(HttpStatusCode.NotFound);
        using var rep = await app.UserNowAsync("rep@forecasts.test", "SalesRep");
        (await rep.GetJsonAsync($"/api/forecasts?productId={steady}")).Expect(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Forecast_PerWarehouse_ReadsItsShipments()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 10m);
        var monday = app.Today.AddDays(-(((int)app.Today.DayOfWeek + 6) % 7));
        var shipments = Enumerable.Range(1, 20).Select(w => (ClockedApp.Local(monday.AddDays((-7 * w) + 2), 15), 7m)).ToArray();
        await app.SeedAsync(product, warehouse, ClockedApp.Local(monday.AddDays(-200), 9), 1000m, shipments);

        var forecast = (await admin.GetJsonAsync($"/api/forecasts?productId={product}&warehouseId={warehouse}&horizonWeeks=2")).Expect(HttpStatusCode.OK);

        Assert.Equal("shipments", forecast["source"].Str());
        Assert.All(forecast["weeks"]!.AsArray(), w => Assert.Equal(7m, w!["forecast"].Dec()));
    }

    [Fact]
    public async Task SafetyStock_FromTheForecast_WithEnoughHistory_ElseFromTheHistory()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(isWholeUnit: true);
        var young = await data.ProductAsync(isWholeUnit: true);
        var monday = app.Today.AddDays(-(((int)app.Today.DayOfWeek + 6) % 7));
        // 30 weeks alternating 14 and nothing: intermittent (ADI 2); the 4-week moving average is 7 whatever the phase,
        // one week ahead it misses by 7 every week (RMSE 7), naive by 14, SBA's 6.65 by a little more than 7: it wins.
        var alternating = Enumerable.Range(1, 30).Where(w => w % 2 == 1).Select(w => (ClockedApp.Local(monday.AddDays((-7 * w) + 2), 15), 14m)).ToArray();
        await app.SeedAsync(product, warehouse, ClockedApp.Local(monday.AddDays(-250), 9), 1000m, alternating);
        var recent = Enumerable.Range(1, 10).Select(w => (ClockedApp.Local(monday.AddDays((-7 * w) + 2), 15), 7m)).ToArray();
        await app.SeedAsync(young, warehouse, ClockedApp.Local(monday.AddDays(-250), 9), 1000m, recent);

        (await admin.PostAsync("/api/inventory/policies/recompute", new { items = new[] { new { productId = product, warehouseId = warehouse }, new { productId = young, warehouseId = warehouse } } }))
            .Expect(HttpStatusCode.OK);

        // No supplier: the default lead time of 14 days = 2 weeks. Demand over it 7 x 2 = 14;
        // safety stock z(95%) 1.644854 x 7 x sqrt(2) = 16.28 -> 17; reorder point 14 + 17 = 31.
        var policy = (await admin.GetJsonAsync($"/api/inventory/policies/{product}/{warehouse}")).Expect(HttpStatusCode.OK);
        var c = policy["lastComputation"]!;
        Assert.Equal(("Forecast", "MovingAverage", 7m, 14m), (c["basis"].Str(), c["forecastMethod"].Str(), c["forecastRmse"].Dec(), c["leadTimeDemand"].Dec()));
        Assert.Equal((17m, 31m, 17m, 31m), (c["safetyStock"].Dec(), c["reorderPoint"].Dec(), policy["safetyStock"].Dec(), policy["reorderPoint"].Dec()));

        // 10 weeks of history are fewer than the 26 the forecast needs: the history's spread, as before.
        // Daily demand 7 on 10 of 90 days: mean 0.7778, sample sigma sqrt((490 - 90 x 0.7778^2) / 89) = 2.2122;
        // safety stock 1.644854 x 2.2251 x sqrt(14) = 13.69 -> 14; reorder point 0.7778 x 14 + 14 = 24.9 -> 25.
        var fallback = (await admin.GetJsonAsync($"/api/inventory/policies/{young}/{warehouse}")).Expect(HttpStatusCode.OK)["lastComputation"]!;
        Assert.Equal(("History", null, 14m, 25m), (fallback["basis"].Str(), fallback["forecastMethod"]?.GetValue<string>(), fallback["safetyStock"].Dec(), fallback["reorderPoint"].Dec()));
    }

    [Fact]
    public async Task Inventory_MatchesHandComputedTurnoverDaysAndMovement()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var slow = await data.ProductAsync(listPrice: 10m);
        var dead = await data.ProductAsync(listPrice: 10m);
        var today = app.Today;
        await app.SeedAsync(slow, warehouse, ClockedApp.Local(today.AddDays(-400), 9), 100m,
            (ClockedApp.Local(today.AddDays(-100), 10), 10m), (ClockedApp.Local(today.AddDays(-10), 10), 20m));
        await app.SeedAsync(dead, warehouse, ClockedApp.Local(today.AddDays(-400), 9), 50m);

        var analysis = (await admin.GetJsonAsync($"/api/analytics/inventory?asOf={today:yyyy-MM-dd}&limit=5000")).Expect(HttpStatusCode.OK);

        var products = analysis["products"]!.AsArray().ToDictionary(p => p!["productId"]!.GetValue<Guid>());
        // Cost 5: 100 at the start, 70 at the end (average 85 = 425), 30 shipped (150): turnover 150/425, 70 / (30/365) days.
        var s = products[slow]!["figures"]!;
        Assert.Equal((70m, 350m, 425m, 30m, 150m), (s["onHand"].Dec(), s["onHandValue"].Dec(), s["averageValue"].Dec(), s["shipped"].Dec(), s["shippedCost"].Dec()));
        Assert.Equal(0.3529, s["turnover"]!.GetValue<double>());
        Assert.Equal(851.67, s["daysOfInventory"]!.GetValue<double>());
        Assert.Equal(106.25m, s["carryingCost"].Dec());
        Assert.Equal("slow", products[slow]!["movement"].Str());
        Assert.Equal(today.AddDays(-10), DateOnly.Parse(products[slow]!["lastShipment"].Str()));
        Assert.Equal("Z", products[slow]!["xyz"].Str());
        Assert.Equal(("dead", "C"), (products[dead]!["movement"].Str(), products[dead]!["abc"].Str()));
        Assert.Equal(50m, products[dead]!["figures"]!["onHand"].Dec());
        (await admin.GetJsonAsync($"/api/analytics/inventory?asOf={today.AddDays(2):yyyy-MM-dd}")).Expect(HttpStatusCode.UnprocessableEntity);
    }

    /// <summary>Lost demand: what was still backordered when an order was cancelled (the lines are released then).</summary>
    [Fact]
    public async Task Inventory_LostDemand_IsTheBackorderOfOrdersCancelled_AndOpenBackordersStayBackordered()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 10m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 3m);

        // 10 ordered with 3 in stock: 7 backordered; cancelled for lack of stock, those 7 are lost demand.
        var lost = (await data.OrderAsync(customer, (product, 10m))).Id();
        (await admin.PostAsync($"/api/orders/{lost}/submit")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{lost}/cancel", new { reason = "no stock" })).Expect(HttpStatusCode.OK);
        // 5 ordered after it (the 3 released): 2 backordered and still open.
        var open = (await data.OrderAsync(customer, (product, 5m))).Id();
        (await admin.PostAsync($"/api/orders/{open}/submit")).Expect(HttpStatusCode.OK);

        var analysis = (await admin.GetJsonAsync($"/api/analytics/inventory?asOf={app.Today:yyyy-MM-dd}&limit=5000")).Expect(HttpStatusCode.OK);

        var figures = analysis["products"]!.AsArray().Single(p => p!["productId"]!.GetValue<Guid>() == product)!["figures"]!;
        Assert.Equal((2m, 7m), (figures["backordered"].Dec(), figures["cancelledBackordered"].Dec()));
    }
}

public sealed class ForecastAndInventoryTests_Sqlite(AnalysisSqliteApp app) : ForecastAndInventoryTests(app), IClassFixture<AnalysisSqliteApp>;

public sealed class ForecastAndInventoryTests_Postgres(AnalysisPostgresApp app) : ForecastAndInventoryTests(app), IClassFixture<AnalysisPostgresApp>;
