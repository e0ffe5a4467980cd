using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Allocation;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Tests.Allocation;

/// <summary>
/// Automatic allocation, reservation policies, drop-ship, replenishment requests, backorders filled in priority order
/// and the manual re-allocation run, through the HTTP API on both databases. Every test ends by checking the stock
/// invariants (<see cref="AllocationInvariants"/>).
/// </summary>
public abstract class AllocationApiTests(OrderlyApp app)
{
    // (a) ------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Submit_ShowsPerLineAllocation_WithEveryCandidateAndWhyTheChosenWarehouseWon()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var west = await kit.WarehouseAsync("West");
        var p1 = await kit.Data.ProductAsync();
        var p2 = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, p1, 10);
        await kit.Data.ReceiveAsync(west.Id, p1, 10);
        await kit.Data.ReceiveAsync(west.Id, p2, 10);
        var customer = await kit.CustomerAsync(region: "East");

        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(p1, 5), (p2, 5)]));

        Assert.Equal("Confirmed", order["status"].Str());
        Assert.Equal("ShipPartial", order["reservationPolicy"].Str());
        foreach (var line in order["lines"]!.AsArray().Select(l => l!))
        {
            Assert.Equal(5m, line["reserved"].Dec());
            Assert.Equal(0m, line["backordered"].Dec());
            Assert.Equal(0m, line["dropShip"].Dec());
            Assert.Equal([west.Id], line["reservations"]!.AsArray().Select(r => r!["warehouseId"]!.GetValue<Guid>()));

            var allocation = line["allocation"]!;
            Assert.Equal("ShipPartial", allocation["policy"].Str());
            Assert.True(allocation["decidedAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-5));
            Assert.Equal($"{line["sku"].Str()}: 5 from {west.Code}", allocation["summary"].Str());
            var chosen = allocation["allocations"]!.AsArray().Single()!;
            Assert.Equal(("Warehouse", west.Id, 5m), (chosen["kind"].Str(), chosen["sourceId"]!.GetValue<Guid>(), chosen["quantity"].Dec()));

            var candidates = allocation["candidates"]!.AsArray().Select(c => c!).ToList();
            Assert.All(candidates, c => Assert.False(string.IsNullOrWhiteSpace(c["reason"].Str())));
            Assert.Equal([west.Id], candidates.Where(c => c["chosen"]!.GetValue<bool>()).Select(c => c["sourceId"]!.GetValue<Guid>()));
            var w = candidates.Single(c => c["sourceId"]!.GetValue<Guid>() == west.Id);
            var e = candidates.Single(c => c["sourceId"]!.GetValue<Guid>() == east.Id);
            Assert.Contains("whole order", w["reason"].Str(), StringComparison.Ordinal);
            Assert.True(w["servesWholeOrder"]!.GetValue<bool>());
            Assert.StartsWith("Not chosen", e["reason"].Str(), StringComparison.Ordinal);
            Assert.True(e["sameRegion"]!.GetValue<bool>());
            Assert.False(w["sameRegion"]!.GetValue<bool>());
            Assert.Equal("Warehouse", e["kind"].Str());
        }

        Assert.Equal(10m, (await kit.Data.StockAsync(p1, east.Id))["available"].Dec());
        Assert.Equal(5m, (await kit.Data.StockAsync(p1, west.Id))["reserved"].Dec());
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task Approve_AllocatesAndRecordsTheDecision_NotSubmit()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync(listPrice: 50_000m);
        await kit.Data.ReceiveAsync(east.Id, product, 10);
        var customer = await kit.CustomerAsync();
        using var clerk = await app.UserAsync("clerk@allocation.test", "OrderClerk");
        var id = (await new Kit(clerk).OrderAsync(customer, [(product, 5)])).Id();

        var pending = (await clerk.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", pending["status"].Str());
        Assert.Null(pending["lines"]![0]!["allocation"]);
        Assert.Equal(0m, (await kit.Data.StockAsync(product, east.Id))["reserved"].Dec());

        var approved = (await admin.PostAsync($"/api/orders/{id}/approve")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", approved["status"].Str());
        Assert.Equal(5m, approved["lines"]![0]!["reserved"].Dec());
        Assert.Equal(east.Id, approved["lines"]![0]!["allocation"]!["allocations"]![0]!["sourceId"]!.GetValue<Guid>());
        await AllocationInvariants.AssertHoldAsync(app);
    }

    // (b) ------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ShipPartial_ReservesWhatIsThere_BackordersTheRest_AndTheReplenishmentRequestFollowsUntilFilled()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, product, 4);
        var customer = await kit.CustomerAsync();

        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 10)]));
        var line = order["lines"]![0]!;
        Assert.Equal("Confirmed", order["status"].Str());
        Assert.Equal((4m, 6m), (line["reserved"].Dec(), line["backordered"].Dec()));
        Assert.Equal($"{line["sku"].Str()}: 4 from {east.Code}; 6 backordered", line["allocation"]!["summary"].Str());

        var open = await kit.ReplenishmentAsync(product);
        var request = Assert.Single(open);
        Assert.Equal((order.Id(), line.Id(), 6m, "Open"), (request["orderId"]!.GetValue<Guid>(), request["orderLineId"]!.GetValue<Guid>(), request["quantity"].Dec(), request["status"].Str()));
        Assert.Equal(order["number"].Str(), request["orderNumber"].Str());
        await AllocationInvariants.AssertHoldAsync(app);

        await kit.Data.ReceiveAsync(east.Id, product, 2);
        line = (await kit.GetOrderAsync(order.Id()))["lines"]![0]!;
        Assert.Equal((6m, 4m), (line["reserved"].Dec(), line["backordered"].Dec()));
        Assert.Equal(4m, Assert.Single(await kit.ReplenishmentAsync(product))["quantity"].Dec());

        await kit.Data.ReceiveAsync(east.Id, product, 7);
        line = (await kit.GetOrderAsync(order.Id()))["lines"]![0]!;
        Assert.Equal((10m, 0m), (line["reserved"].Dec(), line["backordered"].Dec()));
        Assert.Equal($"{line["sku"].Str()}: 4 from {east.Code}", line["allocation"]!["summary"].Str());
        Assert.Empty(await kit.ReplenishmentAsync(product));
        var done = Assert.Single(await kit.ReplenishmentAsync(product, "Done"));
        Assert.Equal(request.Id(), done.Id());
        var stock = await kit.Data.StockAsync(product, east.Id);
        Assert.Equal((13m, 10m, 3m), (stock["onHand"].Dec(), stock["reserved"].Dec(), stock["available"].Dec()));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    // (c) ------------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ShipComplete_ReservesNothingWhileAnyLineIsShort_AndEverythingOnceAReceiptCompletesIt(bool setOnCustomer)
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var plenty = await kit.Data.ProductAsync();
        var scarce = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, plenty, 10);
        await kit.Data.ReceiveAsync(east.Id, scarce, 2);
        var customer = await kit.CustomerAsync(policy: setOnCustomer ? "ShipComplete" : null);

        var draft = await kit.OrderAsync(customer, [(plenty, 5), (scarce, 5)], policy: setOnCustomer ? null : "ShipComplete");
        Assert.Equal("ShipComplete", draft["reservationPolicy"].Str());
        var order = await kit.SubmitAsync(draft);

        Assert.Equal("Confirmed", order["status"].Str());
        Assert.All(order["lines"]!.AsArray(), l =>
        {
            Assert.Equal((0m, 5m), (l!["reserved"].Dec(), l["backordered"].Dec()));
            Assert.Empty(l["reservations"]!.AsArray());
            Assert.Equal("ShipComplete", l["allocation"]!["policy"].Str());
            Assert.Equal(["Backorder"], l["allocation"]!["allocations"]!.AsArray().Select(a => a!["kind"].Str()));
        });
        Assert.Equal(0m, (await kit.Data.StockAsync(plenty, east.Id))["reserved"].Dec());
        Assert.Equal(0m, (await kit.Data.StockAsync(scarce, east.Id))["reserved"].Dec());
        await AllocationInvariants.AssertHoldAsync(app);

        // Still one short: nothing moves.
        await kit.Data.ReceiveAsync(east.Id, scarce, 2);
        order = await kit.GetOrderAsync(order.Id());
        Assert.All(order["lines"]!.AsArray(), l => Assert.Equal(0m, l!["reserved"].Dec()));
        Assert.Equal(0m, (await kit.Data.StockAsync(plenty, east.Id))["reserved"].Dec());

        await kit.Data.ReceiveAsync(east.Id, scarce, 1);
        order = await kit.GetOrderAsync(order.Id());
        Assert.All(order["lines"]!.AsArray(), l => Assert.Equal((5m, 0m), (l!["reserved"].Dec(), l["backordered"].Dec())));
        Assert.Equal(5m, (await kit.Data.StockAsync(plenty, east.Id))["reserved"].Dec());
        Assert.Equal(5m, (await kit.Data.StockAsync(scarce, east.Id))["reserved"].Dec());
        Assert.Empty(await kit.ReplenishmentAsync(plenty));
        Assert.Empty(await kit.ReplenishmentAsync(scarce));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task ShipPartialOverride_OnAShipCompleteCustomer_ReservesWhatIsThere()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, product, 3);
        var customer = await kit.CustomerAsync(policy: "ShipComplete");

        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 5)], policy: "ShipPartial"));

        Assert.Equal("ShipPartial", order["reservationPolicy"].Str());
        Assert.Equal((3m, 2m), (order["lines"]![0]!["reserved"].Dec(), order["lines"]![0]!["backordered"].Dec()));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    // (d) ------------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NoBackorder_AShortLineIs422_AndTheOrderStaysDraftWithNothingReserved(bool setOnCustomer)
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var enough = await kit.Data.ProductAsync();
        var shortOne = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, enough, 10);
        await kit.Data.ReceiveAsync(east.Id, shortOne, 2);
        var customer = await kit.CustomerAsync(policy: setOnCustomer ? "NoBackorder" : null);
        var draft = await kit.OrderAsync(customer, [(enough, 5), (shortOne, 3)], policy: setOnCustomer ? null : "NoBackorder");

        var problem = (await admin.PostAsync($"/api/orders/{draft.Id()}/submit")).Expect(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("InsufficientStock", problem["code"].Str());
        var violation = Assert.Single(problem["violations"]!.AsArray())!;
        Assert.Equal(("lines[1].quantity", "InsufficientStock"), (violation["field"].Str(), violation["code"].Str()));
        var order = await kit.GetOrderAsync(draft.Id());
        Assert.Equal("Draft", order["status"].Str());
        Assert.Equal(["Draft"], order["statusHistory"]!.AsArray().Select(h => h!["to"].Str()));
        Assert.All(order["lines"]!.AsArray(), l =>
        {
            Assert.Equal((0m, 0m), (l!["reserved"].Dec(), l["backordered"].Dec()));
            Assert.Null(l["allocation"]);
        });
        Assert.Equal(0m, (await kit.Data.StockAsync(enough, east.Id))["reserved"].Dec());
        Assert.Empty(await kit.ReplenishmentAsync(shortOne));
        await AllocationInvariants.AssertHoldAsync(app);

        // Once there is enough, the same order confirms and reserves everything.
        await kit.Data.ReceiveAsync(east.Id, shortOne, 1);
        var confirmed = await kit.SubmitAsync(order);
        Assert.Equal("Confirmed", confirmed["status"].Str());
        Assert.Equal([5m, 3m], confirmed["lines"]!.AsArray().Select(l => l!["reserved"].Dec()));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    // (e) ------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task DropShip_ALineNoWarehouseHas_GoesToTheFastestSupplier_AndShipsWithoutMovingStock()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        var slow = await kit.SupplierAsync(leadTimeDays: 9, product);
        var fast = await kit.SupplierAsync(leadTimeDays: 2, product);
        var customer = await kit.CustomerAsync();

        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 4)]));

        Assert.Equal("Confirmed", order["status"].Str());
        var line = order["lines"]![0]!;
        Assert.Equal((4m, 0m, 0m), (line["dropShip"].Dec(), line["reserved"].Dec(), line["backordered"].Dec()));
        var allocation = line["allocation"]!["allocations"]!.AsArray().Single()!;
        Assert.Equal(("DropShip", fast, 4m), (allocation["kind"].Str(), allocation["sourceId"]!.GetValue<Guid>(), allocation["quantity"].Dec()));
        var suppliers = line["allocation"]!["candidates"]!.AsArray().Where(c => c!["kind"].Str() == "DropShip").ToList();
        Assert.Equal([fast], suppliers.Where(c => c!["chosen"]!.GetValue<bool>()).Select(c => c!["sourceId"]!.GetValue<Guid>()));
        Assert.Contains(suppliers, c => c!["sourceId"]!.GetValue<Guid>() == slow && !c["chosen"]!.GetValue<bool>());
        var request = Assert.Single(await kit.DropShipAsync(fast));
        Assert.Equal((order.Id(), product, 4m, "Open"), (request["orderId"]!.GetValue<Guid>(), request["productId"]!.GetValue<Guid>(), request["quantity"].Dec(), request["status"].Str()));
        Assert.Empty(await kit.DropShipAsync(slow));
        Assert.Empty(await kit.ReplenishmentAsync(product));
        await AllocationInvariants.AssertHoldAsync(app);

        var shipped = (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = line.Id(), quantity = 4 } }, carrier = "供应商直发" }))
            .Expect(HttpStatusCode.Created);

        var shipment = Assert.Single(shipped["shipments"]!.AsArray())!;
        Assert.Equal(fast, shipment["supplierId"]!.GetValue<Guid>());
        Assert.Null(shipment["warehouseId"]);
        Assert.Equal(4m, shipment["lines"]![0]!["quantity"].Dec());
        Assert.Equal("Shipped", shipped["order"]!["status"].Str());
        var after = shipped["order"]!["lines"]![0]!;
        Assert.Equal((4m, 0m, 0m), (after["shipped"].Dec(), after["dropShip"].Dec(), after["backordered"].Dec()));
        Assert.Empty(await kit.DropShipAsync(fast));
        Assert.Equal(request.Id(), Assert.Single(await kit.DropShipAsync(fast, "Done")).Id());
        Assert.Empty(await kit.LedgerAsync(product));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task DropShip_TakesOnlyWhatTheWarehousesLack_AndOneShipmentComesFromEachSource()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, product, 3);
        var supplier = await kit.SupplierAsync(leadTimeDays: 4, product);
        var customer = await kit.CustomerAsync();

        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 10)]));
        var line = order["lines"]![0]!;
        Assert.Equal((3m, 7m, 0m), (line["reserved"].Dec(), line["dropShip"].Dec(), line["backordered"].Dec()));
        Assert.Equal(7m, Assert.Single(await kit.DropShipAsync(supplier))["quantity"].Dec());

        // Part of it first: from the reservation, then from the supplier.
        var first = (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = line.Id(), quantity = 5 } } }))
            .Expect(HttpStatusCode.Created);
        var shipments = first["shipments"]!.AsArray().Select(s => s!).ToList();
        Assert.Equal(2, shipments.Count);
        Assert.Equal(3m, shipments.Single(s => s["warehouseId"]?.GetValue<Guid>() == east.Id)["lines"]![0]!["quantity"].Dec());
        Assert.Equal(2m, shipments.Single(s => s["supplierId"]?.GetValue<Guid>() == supplier)["lines"]![0]!["quantity"].Dec());
        Assert.Equal("PartiallyShipped", first["order"]!["status"].Str());
        Assert.Equal(5m, Assert.Single(await kit.DropShipAsync(supplier))["quantity"].Dec());
        var stock = await kit.Data.StockAsync(product, east.Id);
        Assert.Equal((0m, 0m), (stock["onHand"].Dec(), stock["reserved"].Dec()));
        await AllocationInvariants.AssertHoldAsync(app);

        // More than is left is refused and changes nothing.
        (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = line.Id(), quantity = 6 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(5m, Assert.Single(await kit.DropShipAsync(supplier))["quantity"].Dec());

        var rest = (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = line.Id(), quantity = 5 } } }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(supplier, Assert.Single(rest["shipments"]!.AsArray())!["supplierId"]!.GetValue<Guid>());
        Assert.Equal("Shipped", rest["order"]!["status"].Str());
        Assert.Empty(await kit.DropShipAsync(supplier));
        var ledger = await kit.LedgerAsync(product);
        Assert.Equal(-3m, ledger.Where(e => e["kind"].Str() == "Shipment").Sum(e => e["onHandDelta"].Dec()));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task DropShip_SatisfiesANoBackorderOrder()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        var supplier = await kit.SupplierAsync(leadTimeDays: 4, product);
        var customer = await kit.CustomerAsync(policy: "NoBackorder");

        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 2)]));

        Assert.Equal("Confirmed", order["status"].Str());
        Assert.Equal(2m, order["lines"]![0]!["dropShip"].Dec());
        Assert.Single(await kit.DropShipAsync(supplier));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task ShipComplete_AsksNoSupplierToDropShip_UntilTheWholeOrderCanBeServed()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var dropShipped = await kit.Data.ProductAsync();
        var scarce = await kit.Data.ProductAsync();
        var supplier = await kit.SupplierAsync(leadTimeDays: 4, dropShipped);
        var customer = await kit.CustomerAsync(policy: "ShipComplete");

        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(dropShipped, 2), (scarce, 3)]));

        Assert.All(order["lines"]!.AsArray(), l => Assert.Equal((0m, 0m), (l!["dropShip"].Dec(), l["reserved"].Dec())));
        Assert.Equal([2m, 3m], order["lines"]!.AsArray().Select(l => l!["backordered"].Dec()));
        Assert.Empty(await kit.DropShipAsync(supplier));
        await AllocationInvariants.AssertHoldAsync(app);

        await kit.Data.ReceiveAsync(east.Id, scarce, 3);

        order = await kit.GetOrderAsync(order.Id());
        Assert.Equal((2m, 0m), (order["lines"]![0]!["dropShip"].Dec(), order["lines"]![0]!["backordered"].Dec()));
        Assert.Equal((3m, 0m), (order["lines"]![1]!["reserved"].Dec(), order["lines"]![1]!["backordered"].Dec()));
        Assert.Equal(2m, Assert.Single(await kit.DropShipAsync(supplier))["quantity"].Dec());
        Assert.Empty(await kit.ReplenishmentAsync(dropShipped));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task DropShip_IsOnlyForProductsTheSupplierDropShips()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        var supplier = await kit.SupplierAsync(leadTimeDays: 4, product, dropShip: false);
        var customer = await kit.CustomerAsync();

        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 2)]));

        Assert.Equal((0m, 2m), (order["lines"]![0]!["dropShip"].Dec(), order["lines"]![0]!["backordered"].Dec()));
        Assert.Empty(await kit.DropShipAsync(supplier));
        Assert.Single(await kit.ReplenishmentAsync(product));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    // (f) ------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Backorders_AreFilledWhenStockArrives_StrategicThenGoldThenStandard()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        // Entered lowest tier first, so order time alone would favour Standard.
        var standard = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Standard"), [(product, 5)]));
        var gold = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Gold"), [(product, 5)]));
        var strategic = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Strategic"), [(product, 5)]));
        Assert.All([standard, gold, strategic], o => Assert.Equal(5m, o["lines"]![0]!["backordered"].Dec()));
        Assert.Equal(3, (await kit.ReplenishmentAsync(product)).Count);

        await kit.Data.ReceiveAsync(east.Id, product, 8);

        Assert.Equal(5m, await kit.ReservedAsync(strategic));
        Assert.Equal(3m, await kit.ReservedAsync(gold));
        Assert.Equal(0m, await kit.ReservedAsync(standard));
        var open = await kit.ReplenishmentAsync(product);
        Assert.Equal(
            [(gold.Id(), 2m), (standard.Id(), 5m)],
            open.Select(r => (r["orderId"]!.GetValue<Guid>(), r["quantity"].Dec())).OrderBy(r => r.Item2));
        await AllocationInvariants.AssertHoldAsync(app);

        await kit.Data.ReceiveAsync(east.Id, product, 4);
        Assert.Equal(5m, await kit.ReservedAsync(gold));
        Assert.Equal(2m, await kit.ReservedAsync(standard));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task Backorders_OfOneTier_AreFilledByRequestedDate_NoDateLast_ThenOrderTime()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var customer = await kit.CustomerAsync(tier: "Gold");
        var noDate = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 3)]));
        var late = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 3)], date: today.AddDays(20)));
        var soonFirst = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 3)], date: today.AddDays(10)));
        var soonSecond = await kit.SubmitAsync(await kit.OrderAsync(customer, [(product, 3)], date: today.AddDays(10)));

        await kit.Data.ReceiveAsync(east.Id, product, 7);

        Assert.Equal(3m, await kit.ReservedAsync(soonFirst));
        Assert.Equal(3m, await kit.ReservedAsync(soonSecond));
        Assert.Equal(1m, await kit.ReservedAsync(late));
        Assert.Equal(0m, await kit.ReservedAsync(noDate));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    // (g) ------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Cancel_ReleasesReservations_CancelsDropShipRequests_AndClosesTheReplenishmentRequest()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var stocked = await kit.Data.ProductAsync();
        var dropShipped = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, stocked, 3);
        var supplier = await kit.SupplierAsync(leadTimeDays: 3, dropShipped);
        var customer = await kit.CustomerAsync();
        var order = await kit.SubmitAsync(await kit.OrderAsync(customer, [(stocked, 5), (dropShipped, 2)]));
        Assert.Equal((3m, 2m), (order["lines"]![0]!["reserved"].Dec(), order["lines"]![0]!["backordered"].Dec()));
        Assert.Equal(2m, order["lines"]![1]!["dropShip"].Dec());
        Assert.Single(await kit.DropShipAsync(supplier));
        var replenishment = Assert.Single(await kit.ReplenishmentAsync(stocked));

        var cancelled = (await admin.PostAsync($"/api/orders/{order.Id()}/cancel", new { reason = "客户取消" })).Expect(HttpStatusCode.OK);

        Assert.Equal("Cancelled", cancelled["status"].Str());
        Assert.All(cancelled["lines"]!.AsArray(), l =>
        {
            Assert.Equal((0m, 0m, 0m), (l!["reserved"].Dec(), l["dropShip"].Dec(), l["backordered"].Dec()));
            Assert.Empty(l["reservations"]!.AsArray());
        });
        var stock = await kit.Data.StockAsync(stocked, east.Id);
        Assert.Equal((3m, 0m, 3m), (stock["onHand"].Dec(), stock["reserved"].Dec(), stock["available"].Dec()));
        var release = Assert.Single(await kit.LedgerAsync(stocked), e => e["kind"].Str() == "Release");
        Assert.Equal((-3m, order.Id()), (release["reservedDelta"].Dec(), release["causeId"]!.GetValue<Guid>()));
        Assert.Empty(await kit.DropShipAsync(supplier));
        Assert.Single(await kit.DropShipAsync(supplier, "Cancelled"));
        Assert.Empty(await kit.ReplenishmentAsync(stocked));
        Assert.Equal(replenishment.Id(), Assert.Single(await kit.ReplenishmentAsync(stocked, "Cancelled")).Id());
        await AllocationInvariants.AssertHoldAsync(app);

        // The cancelled order takes nothing when stock arrives later.
        await kit.Data.ReceiveAsync(east.Id, stocked, 5);
        Assert.Equal(0m, (await kit.Data.StockAsync(stocked, east.Id))["reserved"].Dec());
        await AllocationInvariants.AssertHoldAsync(app);
    }

    // (h) ------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Reallocation_PreviewsAMoveFromStandardToStrategic_AppliesIt_ThenRefusesTheStalePlan()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, product, 5);
        var standard = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Standard"), [(product, 5)]));
        var strategic = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Strategic"), [(product, 5)]));
        Assert.Equal(5m, standard["lines"]![0]!["reserved"].Dec());
        Assert.Equal(5m, strategic["lines"]![0]!["backordered"].Dec());
        var ledgerBefore = (await kit.LedgerAsync(product)).Count;

        var preview = (await admin.GetJsonAsync($"/api/allocation/reallocation?productId={product}")).Expect(HttpStatusCode.OK);

        var planId = preview["planId"].Str();
        var move = Assert.Single(preview["moves"]!.AsArray())!;
        Assert.Equal((product, east.Id, 5m), (move["productId"]!.GetValue<Guid>(), move["warehouseId"]!.GetValue<Guid>(), move["quantity"].Dec()));
        Assert.Equal((standard.Id(), standard["number"].Str(), standard["lines"]![0]!.Id()),
            (move["fromOrderId"]!.GetValue<Guid>(), move["fromOrderNumber"].Str(), move["fromLineId"]!.GetValue<Guid>()));
        Assert.Equal((strategic.Id(), strategic["number"].Str(), strategic["lines"]![0]!.Id()),
            (move["toOrderId"]!.GetValue<Guid>(), move["toOrderNumber"].Str(), move["toLineId"]!.GetValue<Guid>()));
        Assert.NotNull(move["fromReservationId"]);
        // A preview changes nothing, and previewing again gives the same plan.
        Assert.Equal(5m, await kit.ReservedAsync(standard));
        Assert.Equal(ledgerBefore, (await kit.LedgerAsync(product)).Count);
        Assert.Equal(planId, (await admin.GetJsonAsync($"/api/allocation/reallocation?productId={product}")).Expect(HttpStatusCode.OK)["planId"].Str());

        var applied = (await admin.PostAsync("/api/allocation/reallocation", new { planId, productId = product })).Expect(HttpStatusCode.OK);
        Assert.Equal(planId, applied["planId"].Str());

        var giver = (await kit.GetOrderAsync(standard.Id()))["lines"]![0]!;
        var taker = (await kit.GetOrderAsync(strategic.Id()))["lines"]![0]!;
        Assert.Equal((0m, 5m), (giver["reserved"].Dec(), giver["backordered"].Dec()));
        Assert.Empty(giver["reservations"]!.AsArray());
        Assert.Equal((5m, 0m), (taker["reserved"].Dec(), taker["backordered"].Dec()));
        Assert.Equal([(east.Id, 5m)], taker["reservations"]!.AsArray().Select(r => (r!["warehouseId"]!.GetValue<Guid>(), r["quantity"].Dec())));
        var stock = await kit.Data.StockAsync(product, east.Id);
        Assert.Equal((5m, 5m, 0m), (stock["onHand"].Dec(), stock["reserved"].Dec(), stock["available"].Dec()));
        var ledger = await kit.LedgerAsync(product);
        Assert.Equal(ledgerBefore + 2, ledger.Count);
        var release = ledger.Single(e => e["kind"].Str() == "Release");
        Assert.Equal((standard.Id(), -5m, 0m), (release["causeId"]!.GetValue<Guid>(), release["reservedDelta"].Dec(), release["onHandDelta"].Dec()));
        var reservations = ledger.Where(e => e["kind"].Str() == "Reservation" && e["causeId"]!.GetValue<Guid>() == strategic.Id()).ToList();
        Assert.Equal(5m, Assert.Single(reservations)["reservedDelta"].Dec());
        Assert.Equal([(standard.Id(), 5m)], (await kit.ReplenishmentAsync(product)).Select(r => (r["orderId"]!.GetValue<Guid>(), r["quantity"].Dec())));
        await AllocationInvariants.AssertHoldAsync(app);

        var stale = (await admin.PostAsync("/api/allocation/reallocation", new { planId, productId = product })).Expect(HttpStatusCode.Conflict);
        Assert.Equal("PlanChanged", stale["code"].Str());
        Assert.Equal(5m, await kit.ReservedAsync(strategic));
        Assert.Equal(0m, await kit.ReservedAsync(standard));
        Assert.Equal(ledgerBefore + 2, (await kit.LedgerAsync(product)).Count);
        Assert.Empty((await admin.GetJsonAsync($"/api/allocation/reallocation?productId={product}")).Expect(HttpStatusCode.OK)["moves"]!.AsArray());
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task Reallocation_GivesFreeStockToBackorders_AndRefusesAPlanThatNoLongerMatches()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, product, 4);
        var first = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Gold"), [(product, 4)]));
        var waiting = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Silver"), [(product, 3)]));
        // The Gold order is cancelled: its stock is free, the Silver order still waits.
        (await admin.PostAsync($"/api/orders/{first.Id()}/cancel", new { reason = "取消" })).Expect(HttpStatusCode.OK);
        Assert.Equal(3m, (await kit.GetOrderAsync(waiting.Id()))["lines"]![0]!["backordered"].Dec());

        var preview = (await admin.GetJsonAsync($"/api/allocation/reallocation?productId={product}")).Expect(HttpStatusCode.OK);
        var move = Assert.Single(preview["moves"]!.AsArray())!;
        Assert.Equal((waiting.Id(), 3m), (move["toOrderId"]!.GetValue<Guid>(), move["quantity"].Dec()));
        Assert.Null(move["fromOrderId"]);

        var wrong = (await admin.PostAsync("/api/allocation/reallocation", new { planId = "0000000000000000", productId = product })).Expect(HttpStatusCode.Conflict);
        Assert.Equal("PlanChanged", wrong["code"].Str());
        Assert.Equal(0m, await kit.ReservedAsync(waiting));

        (await admin.PostAsync("/api/allocation/reallocation", new { planId = preview["planId"].Str(), productId = product })).Expect(HttpStatusCode.OK);
        Assert.Equal(3m, await kit.ReservedAsync(waiting));
        Assert.Equal(3m, (await kit.Data.StockAsync(product, east.Id))["reserved"].Dec());
        Assert.Empty(await kit.ReplenishmentAsync(product));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    [Fact]
    public async Task Reallocation_IsForApprovers()
    {
        using var clerk = await app.UserAsync("clerk2@allocation.test", "OrderClerk");

        (await clerk.GetJsonAsync("/api/allocation/reallocation")).Expect(HttpStatusCode.Forbidden);
        (await clerk.PostAsync("/api/allocation/reallocation", new { planId = "x" })).Expect(HttpStatusCode.Forbidden);
        (await clerk.GetJsonAsync("/api/allocation/replenishment-requests")).Expect(HttpStatusCode.OK);
    }

    /// <summary>
    /// A no-backorder order never gives its stock away in a re-allocation run (that would backorder it against the
    /// customer's terms), and a receipt is never refused because of a waiting order's policy.
    /// </summary>
    [Fact]
    public async Task NoBackorderOrders_DoNotDonate_AndReceiptsAreAccepted()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, product, 5);
        var strict = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Standard", policy: "NoBackorder"), [(product, 5)]));
        var strategic = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Strategic"), [(product, 5)]));
        var preview = (await admin.GetJsonAsync($"/api/allocation/reallocation?productId={product}")).Expect(HttpStatusCode.OK);
        Assert.Empty(preview["moves"]!.AsArray());
        Assert.Equal(5m, await kit.ReservedAsync(strict));

        var receipt = await admin.PostAsync("/api/inventory/receipts", new { warehouseId = east.Id, lines = new[] { new { productId = product, quantity = 2 } } });

        receipt.Expect(HttpStatusCode.Created);
        Assert.Equal(7m, (await kit.Data.StockAsync(product, east.Id))["onHand"].Dec());
        Assert.Equal(2m, await kit.ReservedAsync(strategic));
        await AllocationInvariants.AssertHoldAsync(app);
    }

    /// <summary>
    /// Regression (fixed): the re-allocation run keeps ship-complete orders out of the recipients but not out of the donors
    /// (src/Orderly.Server/Allocation/ReallocationService.cs, the <c>held</c> query takes every Confirmed/PartiallyShipped/
    /// OnHold reservation). Taking part of a ship-complete order's stock leaves it partly reserved and partly
    /// backordered, which the policy forbids, and strands the rest of its stock. Fix: exclude ShipComplete orders from
    /// the donors, or release all of a ship-complete donor's reservations when it gives any.
    /// </summary>
    [Fact]
    public async Task Reallocation_NeverLeavesAShipCompleteOrderPartlyReserved()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        var other = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, product, 5);
        await kit.Data.ReceiveAsync(east.Id, other, 5);
        var complete = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Standard", policy: "ShipComplete"), [(product, 5), (other, 5)]));
        Assert.Equal([5m, 5m], complete["lines"]!.AsArray().Select(l => l!["reserved"].Dec()));
        await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Strategic"), [(product, 3)]));

        var preview = (await admin.GetJsonAsync($"/api/allocation/reallocation?productId={product}")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync("/api/allocation/reallocation", new { planId = preview["planId"].Str(), productId = product })).Expect(HttpStatusCode.OK);

        var lines = (await kit.GetOrderAsync(complete.Id()))["lines"]!.AsArray().Select(l => l!).ToList();
        var fullyReserved = lines.All(l => l["reserved"].Dec() == l["quantity"].Dec());
        var nothingReserved = lines.All(l => l["reserved"].Dec() == 0m);
        Assert.True(fullyReserved || nothingReserved,
            $"ship-complete order holds {string.Join(", ", lines.Select(l => $"{l["reserved"].Dec()}/{l["quantity"].Dec()}"))}");
        await AllocationInvariants.AssertHoldAsync(app);
    }

    /// <summary>
    /// Regression (fixed): automatic allocation only considers active warehouses (StockService.WarehouseStockAsync filters
    /// <c>w.IsActive</c>), but the re-allocation run's free stock is every balance of the product
    /// (src/Orderly.Server/Allocation/ReallocationService.cs, the <c>free</c> query in PlanAsync), so it reserves stock in a
    /// deactivated warehouse for a backorder the allocator rightly left waiting. Fix: join the balances to active
    /// warehouses (and the held reservations likewise, if a deactivated warehouse should not donate either).
    /// </summary>
    [Fact]
    public async Task Reallocation_NeverReservesStockInAnInactiveWarehouse()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var closed = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(closed.Id, product, 5);
        var current = await admin.GetJsonAsync($"/api/warehouses/{closed.Id}");
        current.Expect(HttpStatusCode.OK);
        (await admin.PutAsync($"/api/warehouses/{closed.Id}", new { code = closed.Code, name = "关闭的仓库", region = "East", isActive = false },
            current.Response.Headers.ETag!.ToString())).Expect(HttpStatusCode.OK);
        var order = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Strategic"), [(product, 3)]));
        Assert.Equal(3m, order["lines"]![0]!["backordered"].Dec());
        Assert.DoesNotContain(order["lines"]![0]!["allocation"]!["candidates"]!.AsArray(), c => c!["sourceId"]!.GetValue<Guid>() == closed.Id);

        var preview = (await admin.GetJsonAsync($"/api/allocation/reallocation?productId={product}")).Expect(HttpStatusCode.OK);

        Assert.DoesNotContain(preview["moves"]!.AsArray(), m => m!["warehouseId"]!.GetValue<Guid>() == closed.Id);
    }

    /// <summary>
    /// Regression (fixed): "every decision is recorded and shown on the order", but applying a re-allocation records no
    /// <c>allocation_decisions</c> row (src/Orderly.Server/Allocation/ReallocationService.cs, ApplyAsync), so after the move
    /// the giver's line still shows "5 from WH..." with nothing reserved and the taker's line "5 backordered" with 5
    /// reserved. Fix: in ApplyAsync add, per line touched, an AllocationDecision describing the move (from which order,
    /// which warehouse, why: priority).
    /// </summary>
    [Fact]
    public async Task Reallocation_IsRecordedAsTheLatestDecisionOfBothLines()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var product = await kit.Data.ProductAsync();
        await kit.Data.ReceiveAsync(east.Id, product, 5);
        var standard = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Standard"), [(product, 5)]));
        var strategic = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(tier: "Strategic"), [(product, 5)]));
        var before = new[] { standard, strategic }.Select(o => o["lines"]![0]!["allocation"]!["decidedAt"]!.GetValue<DateTimeOffset>()).Max();

        var preview = (await admin.GetJsonAsync($"/api/allocation/reallocation?productId={product}")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync("/api/allocation/reallocation", new { planId = preview["planId"].Str(), productId = product })).Expect(HttpStatusCode.OK);

        foreach (var id in new[] { standard.Id(), strategic.Id() })
        {
            var allocation = (await kit.GetOrderAsync(id))["lines"]![0]!["allocation"]!;
            Assert.True(allocation["decidedAt"]!.GetValue<DateTimeOffset>() > before,
                $"order {id}: the latest decision is still '{allocation["summary"].Str()}' from before the re-allocation");
        }
    }

    /// <summary>
    /// Regression (fixed, PostgreSQL): two receipts of one product arriving at the same time in two warehouses both fill the same
    /// waiting order inside their own transaction (BackorderService.FillAsync loads and saves the order); the second
    /// save fails the order's version check and the whole receipt is refused with 409 ConcurrencyConflict, although
    /// the client sent nothing stale. <c>Writes</c> only retries 40001/40P01 and AllocationConflictException, not
    /// DbUpdateConcurrencyException raised by this internal side effect. Fix: retry the receipt unit of work on
    /// DbUpdateConcurrencyException (no client If-Match is involved), or lock the candidate orders
    /// (SELECT ... FOR UPDATE in FillAsync) so the second transaction waits and sees the first one's reservations.
    /// </summary>
    [Fact]
    public async Task ConcurrentReceipts_ThatFillTheSameBackorder_AreBothAccepted()
    {
        using var admin = await app.AdminAsync();
        var kit = new Kit(admin);
        var east = await kit.WarehouseAsync("East");
        var west = await kit.WarehouseAsync("West");
        var failures = new List<string>();
        for (var round = 0; round < 5; round++)
        {
            var product = await kit.Data.ProductAsync();
            var order = await kit.SubmitAsync(await kit.OrderAsync(await kit.CustomerAsync(), [(product, 100)]));
            using var one = await app.AdminAsync();
            using var two = await app.AdminAsync();
            var results = await Task.WhenAll(
                one.PostAsync("/api/inventory/receipts", new { warehouseId = east.Id, lines = new[] { new { productId = product, quantity = 10 } } }),
                two.PostAsync("/api/inventory/receipts", new { warehouseId = west.Id, lines = new[] { new { productId = product, quantity = 10 } } }));
            failures.AddRange(results.Where(r => r.Status != HttpStatusCode.Created).Select(r => $"round {round}: {(int)r.Status} {r.Body?["code"]}"));
            var accepted = results.Count(r => r.Status == HttpStatusCode.Created);
            Assert.Equal(accepted * 10m, await kit.ReservedAsync(order));
        }

        await AllocationInvariants.AssertHoldAsync(app);
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    /// <summary>Creates what the allocation tests need through the API.</summary>
    private sealed class Kit(HttpClient client)
    {
        public TestData Data { get; } = new(client);

        public async Task<(Guid Id, string Code)> WarehouseAsync(string region)
        {
            var code = TestData.Unique("WH");
            return ((await client.PostAsync("/api/warehouses", new { code, name = "仓库 " + region, region })).Expect(HttpStatusCode.Created).Id(), code);
        }

        public async Task<Guid> CustomerAsync(string tier = "Standard", string? policy = null, string region = "East") =>
            (await client.PostAsync("/api/customers", new
            {
                code = TestData.Unique("C"), name = "客户 " + TestData.Unique("n"), region, currency = "CNY", tier, reservationPolicy = policy,
            })).Expect(HttpStatusCode.Created).Id();

        public async Task<Guid> SupplierAsync(int leadTimeDays, Guid product, bool dropShip = true) =>
            (await client.PostAsync("/api/suppliers", new
            {
                code = TestData.Unique("S"), name = "供应商 " + TestData.Unique("s"), leadTimeDays, products = new[] { new { productId = product, dropShip } },
            })).Expect(HttpStatusCode.Created).Id();

        public async Task<JsonNode> OrderAsync(Guid customerId, (Guid Product, decimal Quantity)[] lines, string? policy = null, DateOnly? date = null) =>
            (await client.PostAsync("/api/orders", new
            {
                customerId,
                lines = lines.Select(l => new { productId = l.Product, quantity = l.Quantity }),
                reservationPolicy = policy,
                requestedDeliveryDate = date,
            })).Expect(HttpStatusCode.Created);

        public async Task<JsonNode> SubmitAsync(JsonNode order) =>
            (await client.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);

        public async Task<JsonNode> GetOrderAsync(Guid id) => (await client.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);

        public async Task<decimal> ReservedAsync(JsonNode order) =>
            (await GetOrderAsync(order.Id()))["lines"]!.AsArray().Sum(l => l!["reserved"].Dec());

        public async Task<List<JsonNode>> ReplenishmentAsync(Guid product, string status = "Open") =>
            [.. (await client.GetJsonAsync($"/api/allocation/replenishment-requests?productId={product}&status={status}")).Expect(HttpStatusCode.OK).AsArray().Select(r => r!)];

        public async Task<List<JsonNode>> DropShipAsync(Guid supplier, string status = "Open") =>
            [.. (await client.GetJsonAsync($"/api/allocation/drop-ship-requests?supplierId={supplier}&status={status}")).Expect(HttpStatusCode.OK).AsArray().Select(r => r!)];

        public async Task<List<JsonNode>> LedgerAsync(Guid product) =>
            [.. (await client.GetJsonAsync($"/api/inventory/ledger?productId={product}&limit=200")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Select(e => e!)];
    }
}

/// <summary>
/// The stock invariants read straight from the database: per balance, on hand = sum of ledger on-hand deltas and
/// reserved = sum of ledger reserved deltas = sum of open reservations, 0 &lt;= reserved &lt;= on hand; per line,
/// reserved = its open reservations, drop-ship = its open drop-ship requests, and once confirmed
/// reserved + drop-ship + backordered + shipped = ordered, with an open replenishment request for exactly the backorder.
/// </summary>
internal static class AllocationInvariants
{
    private static readonly OrderStatus[] Holding = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.OnHold];
    private static readonly OrderStatus[] Waiting = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped];

    public static async Task AssertHoldAsync(OrderlyApp app)
    {
        var violations = await app.WithDbAsync(CheckAsync);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private static async Task<List<string>> CheckAsync(OrderlyDbContext db)
    {
        var balances = await db.StockBalances.AsNoTracking().Select(b => new { b.ProductId, b.WarehouseId, b.OnHand, b.Reserved }).ToListAsync();
        var ledger = (await db.StockLedger.AsNoTracking().Select(e => new { e.ProductId, e.WarehouseId, e.OnHandDelta, e.ReservedDelta }).ToListAsync())
            .ToLookup(e => (e.ProductId, e.WarehouseId));
        var reservations = await db.StockReservations.AsNoTracking()
            .Select(r => new { r.OrderLineId, r.ProductId, r.WarehouseId, r.Quantity }).ToListAsync();
        var dropShips = await db.DropShipRequests.AsNoTracking().Where(r => r.Status == RequestStatus.Open)
            .Select(r => new { r.OrderLineId, Quantity = r.Quantity - r.Shipped }).ToListAsync();
        var replenishments = await db.ReplenishmentRequests.AsNoTracking().Where(r => r.Status == RequestStatus.Open)
            .Select(r => new { r.OrderLineId, r.Quantity }).ToListAsync();
        var lines = await db.OrderLines.AsNoTracking()
            .Join(db.SalesOrders.AsNoTracking(), l => l.OrderId, o => o.Id,
                (l, o) => new { l.Id, o.Number, o.Status, l.LineNumber, l.Quantity, l.Reserved, l.DropShip, l.Backordered, l.Shipped })
            .ToListAsync();

        var violations = new List<string>();
        var openBy = reservations.ToLookup(r => (r.ProductId, r.WarehouseId));
        foreach (var b in balances)
        {
            var key = (b.ProductId, b.WarehouseId);
            var name = $"balance {b.ProductId:N}/{b.WarehouseId:N}";
            var onHand = ledger[key].Sum(e => e.OnHandDelta);
            var reserved = ledger[key].Sum(e => e.ReservedDelta);
            var open = openBy[key].Sum(r => r.Quantity);
            Check(violations, b.OnHand == onHand, $"{name}: on hand {b.OnHand} != ledger on-hand deltas {onHand}");
            Check(violations, b.Reserved == reserved, $"{name}: reserved {b.Reserved} != ledger reserved deltas {reserved}");
            Check(violations, b.Reserved == open, $"{name}: reserved {b.Reserved} != open reservations {open}");
            Check(violations, b.Reserved >= 0 && b.Reserved <= b.OnHand, $"{name}: reserved {b.Reserved} outside 0..on hand {b.OnHand}");
        }

        var reservedByLine = reservations.ToLookup(r => r.OrderLineId);
        var dropShipByLine = dropShips.ToLookup(r => r.OrderLineId);
        var replenishmentByLine = replenishments.ToLookup(r => r.OrderLineId);
        foreach (var l in lines)
        {
            var name = $"{l.Number} line {l.LineNumber} ({l.Status})";
            Check(violations, l.Reserved == reservedByLine[l.Id].Sum(r => r.Quantity), $"{name}: reserved {l.Reserved} != its open reservations");
            Check(violations, l.DropShip == dropShipByLine[l.Id].Sum(r => r.Quantity), $"{name}: drop-ship {l.DropShip} != its open drop-ship requests");
            Check(violations, l.Reserved >= 0 && l.DropShip >= 0 && l.Backordered >= 0, $"{name}: a negative bucket");
            if (Holding.Contains(l.Status))
            {
                Check(violations, l.Reserved + l.DropShip + l.Backordered + l.Shipped == l.Quantity,
                    $"{name}: reserved {l.Reserved} + drop-ship {l.DropShip} + backordered {l.Backordered} + shipped {l.Shipped} != ordered {l.Quantity}");
            }
            else
            {
                Check(violations, l.Reserved == 0 && l.DropShip == 0, $"{name}: holds stock or drop-ship on an order that holds none");
            }

            if (Waiting.Contains(l.Status))
            {
                var requested = replenishmentByLine[l.Id].ToList();
                Check(violations, requested.Count <= 1 && requested.Sum(r => r.Quantity) == l.Backordered,
                    $"{name}: backordered {l.Backordered} but open replenishment requests {string.Join("+", requested.Select(r => r.Quantity))}");
            }
            else if (l.Status is not OrderStatus.OnHold)
            {
                Check(violations, !replenishmentByLine[l.Id].Any(), $"{name}: an open replenishment request on an order that waits for nothing");
            }
        }

        return violations;
    }

    private static void Check(List<string> violations, bool holds, string violation)
    {
        if (!holds)
        {
            violations.Add(violation);
        }
    }
}

public sealed class AllocationApiTests_Sqlite(SqliteApp app) : AllocationApiTests(app), IClassFixture<SqliteApp>;

public sealed class AllocationApiTests_Postgres(PostgresApp app) : AllocationApiTests(app), IClassFixture<PostgresApp>;
