using Orderly.Server.Inventory;

namespace Orderly.Server.Tests.Inventory;

/// <summary>Stock alerts through the API: raised once per condition, refreshed while it holds, cleared when it stops, raised anew when it returns.</summary>
public abstract class StockAlertTests(ClockedApp app)
{
    [Fact]
    public async Task LowStock_IsRaisedOnce_ClearedWhenRestocked_AndRaisedAgainWhenItReturns()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(region: "East");
        await data.ReceiveAsync(warehouse, product, 8);
        (await admin.PutAsync($"/api/inventory/policies/{product}/{warehouse}", new { mode = "Manual", safetyStock = 2m, reorderPoint = 10m }, "\"0\"")).Expect(HttpStatusCode.OK);

        await EvaluateAsync(admin);
        var first = Assert.Single(await AlertsAsync(admin, product, "open"));
        Assert.Equal(("LowStock", "Open", 8m, 8m, 10m), (first["kind"].Str(), first["status"].Str(), first["available"].Dec(), first["onHand"].Dec(), first["reorderPoint"].Dec()));
        Assert.Equal(app.Clock.GetUtcNow(), first["raisedAt"]!.GetValue<DateTimeOffset>());
        Assert.Null(first["clearedAt"]);
        Assert.StartsWith("SKU-", first["sku"].Str(), StringComparison.Ordinal);
        Assert.StartsWith("产品 ", first["productName"].Str(), StringComparison.Ordinal);
        Assert.StartsWith("WH-", first["warehouseCode"].Str(), StringComparison.Ordinal);

        await EvaluateAsync(admin);
        Assert.Equal(first.Id(), Assert.Single(await AlertsAsync(admin, product, "open")).Id());

        await data.ReceiveAsync(warehouse, product, 10);
        await EvaluateAsync(admin);
        Assert.Empty(await AlertsAsync(admin, product, "open"));
        var cleared = Assert.Single(await AlertsAsync(admin, product, "cleared"));
        Assert.Equal((first.Id(), "Cleared"), (cleared.Id(), cleared["status"].Str()));
        Assert.Equal(app.Clock.GetUtcNow(), cleared["clearedAt"]!.GetValue<DateTimeOffset>());

        var order = (await data.OrderAsync(customer, (product, 15))).Id();
        var line = (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK)["lines"]![0]!.Id();
        (await admin.PostAsync($"/api/orders/{order}/shipments", new { lines = new[] { new { lineId = line, quantity = 15 } } })).Expect(HttpStatusCode.Created);
        await EvaluateAsync(admin);

        var again = Assert.Single(await AlertsAsync(admin, product, "open"));
        Assert.NotEqual(first.Id(), again.Id());
        Assert.Equal(("LowStock", 3m), (again["kind"].Str(), again["available"].Dec()));
        var all = await AlertsAsync(admin, product);
        Assert.Equal(2, all.Count);
        Assert.All(all, a => Assert.Equal("LowStock", a["kind"].Str()));
    }

    [Fact]
    public async Task StockOut_IsRaisedWhileOrdersWaitForStock_AndClearedWhenStockArrives()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(region: "East");
        await data.ReceiveAsync(warehouse, product, 5);
        await SubmitAsync(admin, data, customer, product, 5);

        await EvaluateAsync(admin);
        Assert.Empty(await AlertsAsync(admin, product));

        await SubmitAsync(admin, data, customer, product, 3);
        await EvaluateAsync(admin);
        var first = Assert.Single(await AlertsAsync(admin, product, "open"));
        Assert.Equal(("StockOut", 0m, 3m), (first["kind"].Str(), first["available"].Dec(), first["backordered"].Dec()));

        await EvaluateAsync(admin);
        Assert.Single(await AlertsAsync(admin, product));

        await data.ReceiveAsync(warehouse, product, 10);
        await EvaluateAsync(admin);
        Assert.Empty(await AlertsAsync(admin, product, "open"));

        var available = (await data.StockAsync(product, warehouse))["available"].Dec();
        await SubmitAsync(admin, data, customer, product, available + 2);
        await EvaluateAsync(admin);
        var again = Assert.Single(await AlertsAsync(admin, product, "open"));
        Assert.NotEqual(first.Id(), again.Id());
        Assert.Equal(("StockOut", 2m), (again["kind"].Str(), again["backordered"].Dec()));
    }

    [Fact]
    public async Task Excess_IsRaisedAboveTheCover_AndFollowsThePolicysMaximumCover()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var today = app.Today;
        // 9 shipments of 10 in the window: mean daily demand 90 / 90 = 1; 510 on hand cover 510 days.
        await app.SeedAsync(product, warehouse, ClockedApp.Local(today.AddDays(-100), 9), 600m,
            [.. Enumerable.Range(1, 9).Select(d => (ClockedApp.Local(today.AddDays(-2 * d), 10), 10m))]);
        (await admin.PostAsync("/api/inventory/policies/recompute", new { items = new[] { new { productId = product, warehouseId = warehouse } } })).Expect(HttpStatusCode.OK);

        await EvaluateAsync(admin);
        var first = Assert.Single(await AlertsAsync(admin, product, "open"));
        Assert.Equal(("Excess", 510.0m, 1m, 510m), (first["kind"].Str(), first["coverDays"].Dec(), first["meanDailyDemand"].Dec(), first["onHand"].Dec()));
        Assert.Equal(today.AddDays(-2), DateOnly.Parse(first["lastSaleDate"].Str(), System.Globalization.CultureInfo.InvariantCulture));

        var url = $"/api/inventory/policies/{product}/{warehouse}";
        var current = await admin.GetJsonAsync(url);
        var tolerant = await admin.PutAsync(url, new { mode = "Computed", maxCoverDays = 600 }, current.Response.Headers.ETag!.Tag);
        tolerant.Expect(HttpStatusCode.OK);
        await EvaluateAsync(admin);
        Assert.Empty(await AlertsAsync(admin, product, "open"));

        (await admin.PutAsync(url, new { mode = "Computed", maxCoverDays = 300 }, tolerant.Response.Headers.ETag!.Tag)).Expect(HttpStatusCode.OK);
        await EvaluateAsync(admin);
        var again = Assert.Single(await AlertsAsync(admin, product, "open"));
        Assert.NotEqual(first.Id(), again.Id());
        Assert.Equal(2, (await AlertsAsync(admin, product)).Count);
    }

    [Fact]
    public async Task SlowMover_IsRaisedAfterIdleDays_ClearedByAShipment_AndRaisedAgainWhenIdleAgain()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(region: "East");
        await app.SeedAsync(product, warehouse, ClockedApp.Local(app.Today.AddDays(-70), 9), 30m);

        await EvaluateAsync(admin);
        var first = Assert.Single(await AlertsAsync(admin, product, "open"));
        Assert.Equal(("SlowMover", 30m), (first["kind"].Str(), first["onHand"].Dec()));
        Assert.Null(first["lastSaleDate"]);

        var order = await SubmitAsync(admin, data, customer, product, 5);
        var shippedOn = app.Today;
        (await admin.PostAsync($"/api/orders/{order.Id}/shipments", new { lines = new[] { new { lineId = order.LineId, quantity = 5 } } })).Expect(HttpStatusCode.Created);
        await EvaluateAsync(admin);
        Assert.Empty(await AlertsAsync(admin, product, "open"));

        app.Clock.Advance(TimeSpan.FromDays(59));
        using var later = await app.AdminNowAsync();
        await EvaluateAsync(later);
        Assert.Empty(await AlertsAsync(later, product, "open"));

        app.Clock.Advance(TimeSpan.FromDays(1));
        using var muchLater = await app.AdminNowAsync();
        await EvaluateAsync(muchLater);
        var again = Assert.Single(await AlertsAsync(muchLater, product, "open"));
        Assert.NotEqual(first.Id(), again.Id());
        Assert.Equal(("SlowMover", 25m), (again["kind"].Str(), again["onHand"].Dec()));
        Assert.Equal(shippedOn, DateOnly.Parse(again["lastSaleDate"].Str(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Evaluate_WhileAnotherNodeEvaluates_IsSkipped()
    {
        using var admin = await app.AdminNowAsync();

        await using (var held = await app.TakeLeaseAsync(StockAlertsService.LeaseName, TimeSpan.FromMinutes(5)))
        {
            Assert.NotNull(held);
            Assert.Equal("JobAlreadyRunning", (await admin.PostAsync("/api/inventory/alerts/evaluate")).Expect(HttpStatusCode.Conflict)["code"].Str());
        }

        var result = (await admin.PostAsync("/api/inventory/alerts/evaluate")).Expect(HttpStatusCode.OK);
        Assert.Equal(app.Clock.GetUtcNow(), result["evaluatedAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task List_FiltersByKindStatusAndWarehouse_AndPagesByKeyset()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var products = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var product = await data.ProductAsync();
            await data.ReceiveAsync(warehouse, product, 1);
            (await admin.PutAsync($"/api/inventory/policies/{product}/{warehouse}", new { mode = "Manual", safetyStock = 1m, reorderPoint = 5m }, "\"0\"")).Expect(HttpStatusCode.OK);
            products.Add(product);
        }

        await EvaluateAsync(admin);

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await admin.GetJsonAsync($"/api/inventory/alerts?warehouseId={warehouse}&kind=lowstock&status=open&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}"))
                .Expect(HttpStatusCode.OK);
            Assert.True(page["items"]!.AsArray().Count <= 2);
            seen.AddRange(page["items"]!.AsArray().Select(a => a!["productId"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(products.Order(), seen.Order());
        Assert.Empty((await admin.GetJsonAsync($"/api/inventory/alerts?warehouseId={warehouse}&kind=Excess")).Expect(HttpStatusCode.OK)["items"]!.AsArray());
        Assert.Empty((await admin.GetJsonAsync($"/api/inventory/alerts?warehouseId={warehouse}&status=cleared")).Expect(HttpStatusCode.OK)["items"]!.AsArray());
        Assert.Contains("InvalidStatus", (await admin.GetJsonAsync("/api/inventory/alerts?status=closed")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Contains("InvalidKind", (await admin.GetJsonAsync("/api/inventory/alerts?kind=Urgent")).Expect(HttpStatusCode.UnprocessableEntity).Codes());

        using var viewer = await app.UserNowAsync("viewer@alerts.test", "Viewer");
        (await viewer.GetJsonAsync($"/api/inventory/alerts?warehouseId={warehouse}")).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/inventory/alerts/evaluate")).Status);
        (await viewer.GetJsonAsync("/api/inventory/reorder-suggestions")).Expect(HttpStatusCode.OK);
    }

    private static async Task EvaluateAsync(HttpClient admin) =>
        (await admin.PostAsync("/api/inventory/alerts/evaluate")).Expect(HttpStatusCode.OK);

    private static async Task<List<JsonNode>> AlertsAsync(HttpClient client, Guid productId, string? status = null)
    {
        var page = (await client.GetJsonAsync($"/api/inventory/alerts?productId={productId}&limit=200{(status is null ? "" : $"&status={status}")}")).Expect(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(a => a!)];
    }

    private static async Task<(Guid Id, Guid LineId)> SubmitAsync(HttpClient admin, TestData data, Guid customer, Guid product, decimal quantity)
    {
        var id = (await data.OrderAsync(customer, (product, quantity))).Id();
        var submitted = (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", submitted["status"].Str());
        return (id, submitted["lines"]![0]!.Id());
    }
}

public sealed class StockAlertTests_Sqlite(ClockedSqliteApp app) : StockAlertTests(app), IClassFixture<ClockedSqliteApp>;

public sealed class StockAlertTests_Postgres(ClockedPostgresApp app) : StockAlertTests(app), IClassFixture<ClockedPostgresApp>;
