namespace Orderly.Server.Tests.Orders;

/// <summary>The whole order road through the HTTP API: enter, submit, approve, ship in parts, deliver.</summary>
public abstract class OrderRoadTests(OrderlyApp app)
{
    [Fact]
    public async Task Order_GoesFromDraftToDelivered_WithStockFollowing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var product = await data.ProductAsync(listPrice: 12.50m);
        var customer = await data.CustomerAsync(region: "East");
        await data.ReceiveAsync(warehouse, product, 100);

        var order = await data.OrderAsync(customer, (product, 30));
        Assert.Equal("Draft", order["status"].Str());
        Assert.Matches(@"^SO-\d{4}-\d{6}$", order["number"].Str());
        Assert.Equal(375m, order["total"].Dec());
        var id = order.Id();

        var submitted = (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", submitted["status"].Str());
        var line = submitted["lines"]![0]!;
        Assert.Equal(30m, line["reserved"].Dec());
        Assert.Equal(0m, line["backordered"].Dec());
        Assert.Equal(warehouse, line["reservations"]![0]!["warehouseId"]!.GetValue<Guid>());
        var stock = await data.StockAsync(product, warehouse);
        Assert.Equal(100m, stock["onHand"].Dec());
        Assert.Equal(30m, stock["reserved"].Dec());
        Assert.Equal(70m, stock["available"].Dec());

        var lineId = line.Id();
        var partly = (await admin.PostAsync($"/api/orders/{id}/shipments", new { lines = new[] { new { lineId, quantity = 10 } }, carrier = "顺丰", trackingNumber = "SF1234567890123" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("PartiallyShipped", partly["order"]!["status"].Str());
        var rest = (await admin.PostAsync($"/api/orders/{id}/shipments", new { lines = new[] { new { lineId, quantity = 20 } } }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("Shipped", rest["order"]!["status"].Str());
        stock = await data.StockAsync(product, warehouse);
        Assert.Equal(70m, stock["onHand"].Dec());
        Assert.Equal(0m, stock["reserved"].Dec());

        var delivered = (await admin.PostAsync($"/api/orders/{id}/deliver")).Expect(HttpStatusCode.OK);
        Assert.Equal("Delivered", delivered["status"].Str());
        Assert.Equal(30m, delivered["lines"]![0]!["delivered"].Dec());
        var history = delivered["statusHistory"]!.AsArray().Select(h => h!["to"].Str()).ToList();
        Assert.Equal(["Draft", "Confirmed", "PartiallyShipped", "Shipped", "Delivered"], history);
        Assert.All(delivered["statusHistory"]!.AsArray(), h => Assert.NotNull(h!["by"]));
    }

    [Fact]
    public async Task Submit_WhenTotalAboveThreshold_WaitsForApproval_ThenApproveReserves()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 50_000m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        using var clerk = await app.UserAsync("clerk@road.test", "OrderClerk");
        var id = (await new TestData(clerk).OrderAsync(customer, (product, 5))).Id();

        var pending = (await clerk.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", pending["status"].Str());
        Assert.Contains("OrderTotalAboveThreshold", pending["approvalReasons"]!.AsArray().Select(r => r.Str()));
        Assert.Equal(0m, (await data.StockAsync(product, warehouse))["reserved"].Dec());

        var approved = (await admin.PostAsync($"/api/orders/{id}/approve")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", approved["status"].Str());
        Assert.Equal(5m, (await data.StockAsync(product, warehouse))["reserved"].Dec());

        var again = (await admin.PostAsync($"/api/orders/{id}/approve")).Expect(HttpStatusCode.Conflict);
        Assert.Equal("IllegalTransition", again["code"].Str());
    }

    [Fact]
    public async Task Reject_RequiresReason_AndIsFinal()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var customer = await data.CustomerAsync();
        var id = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1, discountPercent = 15 } } }))
            .Expect(HttpStatusCode.Created).Id();
        var pending = (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Contains("DiscountNeedsApproval", pending["approvalReasons"]!.AsArray().Select(r => r.Str()));

        (await admin.PostAsync($"/api/orders/{id}/reject", new { reason = "  " })).Expect(HttpStatusCode.UnprocessableEntity);
        var rejected = (await admin.PostAsync($"/api/orders/{id}/reject", new { reason = "折扣过高" })).Expect(HttpStatusCode.OK);
        Assert.Equal("Rejected", rejected["status"].Str());
        Assert.Equal("折扣过高", rejected["statusHistory"]!.AsArray().Last()!["reason"].Str());
        (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancel_ReleasesReservations()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 8);
        var id = (await data.OrderAsync(customer, (product, 5))).Id();
        (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal(5m, (await data.StockAsync(product, warehouse))["reserved"].Dec());

        (await admin.PostAsync($"/api/orders/{id}/cancel", new { })).Expect(HttpStatusCode.UnprocessableEntity);
        var cancelled = (await admin.PostAsync($"/api/orders/{id}/cancel", new { reason = "customer changed plans" })).Expect(HttpStatusCode.OK);
        Assert.Equal("Cancelled", cancelled["status"].Str());
        Assert.Equal(0m, cancelled["lines"]![0]!["reserved"].Dec());
        var stock = await data.StockAsync(product, warehouse);
        Assert.Equal(0m, stock["reserved"].Dec());
        Assert.Equal(8m, stock["available"].Dec());
        (await admin.PostAsync($"/api/orders/{id}/cancel", new { reason = "again" })).Expect(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Submit_WhenStockShort_ReservesWhatIsThere_AndBackordersTheRest()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var east = await data.WarehouseAsync("East");
        var west = await data.WarehouseAsync("West");
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(region: "East");
        await data.ReceiveAsync(east, product, 4);
        await data.ReceiveAsync(west, product, 3);

        var created = await data.OrderAsync(customer, (product, 10));
        Assert.Contains("StockShort", created["warnings"]!.AsArray().Select(w => w!["code"].Str()));
        var confirmed = (await admin.PostAsync($"/api/orders/{created.Id()}/submit")).Expect(HttpStatusCode.OK);
        var line = confirmed["lines"]![0]!;
        Assert.Equal(7m, line["reserved"].Dec());
        Assert.Equal(3m, line["backordered"].Dec());
        Assert.Equal(2, line["reservations"]!.AsArray().Count);
    }

    [Fact]
    public async Task Submit_PrefersWarehouseInCustomersRegion_WhenItHasTheWholeLine()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var east = await data.WarehouseAsync("East");
        var south = await data.WarehouseAsync("South");
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(region: "South");
        await data.ReceiveAsync(east, product, 100);
        await data.ReceiveAsync(south, product, 6);

        var id = (await data.OrderAsync(customer, (product, 5))).Id();
        var confirmed = (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal(south, confirmed["lines"]![0]!["reservations"]![0]!["warehouseId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task HoldAndRelease_ReturnToThePriorStatus()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var id = (await data.OrderAsync(customer, (product, 1))).Id();
        (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);

        var held = (await admin.PostAsync($"/api/orders/{id}/hold", new { reason = "credit check" })).Expect(HttpStatusCode.OK);
        Assert.Equal("OnHold", held["status"].Str());
        (await admin.PostAsync($"/api/orders/{id}/deliver")).Expect(HttpStatusCode.Conflict);
        var released = (await admin.PostAsync($"/api/orders/{id}/release")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", released["status"].Str());
    }

    [Fact]
    public async Task ListOrders_FiltersAndPagesWithoutGapsOrRepeats()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(name: "分页测试客户");
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await data.OrderAsync(customer, (product, i + 1))).Id());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await admin.GetJsonAsync($"/api/orders?customerId={customer}&limit=3{(cursor is null ? "" : $"&cursor={cursor}")}")).Expect(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(o => o!.Id()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
        var search = (await admin.GetJsonAsync($"/api/orders?q={Uri.EscapeDataString("分页测试")}&status=Draft")).Expect(HttpStatusCode.OK);
        Assert.Equal(7, search["items"]!.AsArray().Count);
        var huge = (await admin.GetJsonAsync("/api/orders?limit=1000000")).Expect(HttpStatusCode.OK);
        Assert.True(huge["items"]!.AsArray().Count <= 200);
        (await admin.GetJsonAsync("/api/orders?cursor=not-a-cursor")).Expect(HttpStatusCode.UnprocessableEntity);
    }
}

public sealed class OrderRoadTests_Sqlite(SqliteApp app) : OrderRoadTests(app), IClassFixture<SqliteApp>;

public sealed class OrderRoadTests_Postgres(PostgresApp app) : OrderRoadTests(app), IClassFixture<PostgresApp>;
