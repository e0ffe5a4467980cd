using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.Supply;

/// <summary>
/// The supplier portal shows a supplier its own purchase orders and nothing else: not another supplier's, not
/// customers, orders or stock, not price lists. A drop-ship purchase order's shipping notice ships the sales line
/// to the customer, and such a line is never shipped both by the supplier and from our stock.
/// </summary>
public abstract class PortalAndDropShipTests(SupplyApp app)
{
    [Fact]
    public async Task SupplierUser_SeesOnlyTheirOwnPurchaseOrders_AndNothingOfCustomersOrPrices()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var mine = await SupplierAsync(admin, product);
        var theirs = await SupplierAsync(admin, product);
        var myPo = await SentPoAsync(admin, mine, warehouse, product, 7m);
        var theirPo = await SentPoAsync(admin, theirs, warehouse, product, 8m);
        var (userId, portal) = await app.PersonAsync($"{TestData.Unique("portal")}@supplier.test", "Supplier");
        using (portal)
        {
            // Not yet tied to a supplier: nothing.
            Assert.Equal(HttpStatusCode.Forbidden, (await portal.GetJsonAsync("/api/portal/purchase-orders")).Status);
            (await admin.PostAsync($"/api/suppliers/{mine}/users", new { userId })).Expect(HttpStatusCode.NoContent);
            Assert.Equal("TiedToAnotherSupplier", (await admin.PostAsync($"/api/suppliers/{theirs}/users", new { userId })).Expect(HttpStatusCode.Conflict)["code"].Str());

            var list = (await portal.GetJsonAsync("/api/portal/purchase-orders")).Expect(HttpStatusCode.OK);
            Assert.Equal([myPo], list["items"]!.AsArray().Select(i => i!.Id()));
            Assert.Equal(7m, list["items"]![0]!["lines"]![0]!["unitPrice"].Dec());
            (await portal.GetJsonAsync($"/api/portal/purchase-orders/{myPo}")).Expect(HttpStatusCode.OK);
            (await portal.GetJsonAsync($"/api/portal/purchase-orders/{theirPo}")).Expect(HttpStatusCode.NotFound);
            var theirLine = (await admin.GetJsonAsync($"/api/purchase-orders/{theirPo}")).Expect(HttpStatusCode.OK)["order"]!["lines"]![0]!.Id();
            (await portal.PostAsync($"/api/portal/purchase-orders/{theirPo}/confirm", new { lines = new[] { new { lineId = theirLine, quantity = 1m, promisedDate = app.Today } } }))
                .Expect(HttpStatusCode.NotFound);
            (await portal.PostAsync($"/api/portal/purchase-orders/{theirPo}/shipping-notices", new { carrier = "SF", trackingNumber = "SF1234567890123", lines = new[] { new { lineId = theirLine, quantity = 1m } } }))
                .Expect(HttpStatusCode.NotFound);

            foreach (var url in new[]
            {
                "/api/customers", $"/api/customers/{customer}", "/api/orders", "/api/purchase-orders", $"/api/purchase-orders/{myPo}", $"/api/suppliers/{mine}",
                $"/api/suppliers/{mine}/prices", $"/api/suppliers/{theirs}/prices", $"/api/suppliers/{mine}/scorecards", "/api/suppliers", "/api/inventory/stock",
                "/api/events", "/api/products", "/api/shipments/late", "/api/carriers",
            })
            {
                Assert.True((await portal.GetJsonAsync(url)).Status == HttpStatusCode.Forbidden, url);
            }

            var myLine = (await portal.GetJsonAsync($"/api/portal/purchase-orders/{myPo}")).Expect(HttpStatusCode.OK)["order"]!["lines"]![0]!.Id();
            var proposed = (await portal.PostAsync($"/api/portal/purchase-orders/{myPo}/propose", new { lines = new[] { new { lineId = myLine, proposedDate = app.Today.AddDays(20) } } }))
                .Expect(HttpStatusCode.OK);
            Assert.Equal(app.Today.AddDays(20).ToString("yyyy-MM-dd"), proposed["lines"]![0]!["proposedDate"].Str());
            var notice = (await portal.PostAsync($"/api/portal/purchase-orders/{myPo}/shipping-notices",
                new { carrier = "顺丰速运", trackingNumber = "SF1234567890123", eta = app.Today.AddDays(3), lines = new[] { new { lineId = myLine, quantity = 10m } } }))
                .Expect(HttpStatusCode.Created);
            Assert.Equal(("SF", "SF1234567890123"), (notice["carrier"].Str(), notice["trackingNumber"].Str()));
            Assert.Equal("InvalidTrackingNumber", (await portal.PostAsync($"/api/portal/purchase-orders/{myPo}/shipping-notices",
                new { carrier = "SF", trackingNumber = "12345", lines = new[] { new { lineId = myLine, quantity = 1m } } })).Expect(HttpStatusCode.UnprocessableEntity)["code"].Str());
        }

        // Staff cannot use the portal.
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetJsonAsync("/api/portal/purchase-orders")).Status);
    }

    [Fact]
    public async Task DropShipPurchaseOrder_ItsNoticeShipsTheSalesLine_AndItIsNeverShippedTwice()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var supplier = (await admin.PostAsync("/api/suppliers", new
        {
            code = TestData.Unique("DS"), name = "直发供应商", leadTimeDays = 2, products = new[] { new { productId = product, dropShip = true } },
        })).Expect(HttpStatusCode.Created).Id();
        var order = await data.OrderAsync(customer, (product, 6m));
        var salesLine = order["lines"]![0]!.Id();
        var submitted = (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal(6m, submitted["lines"]![0]!["dropShip"].Dec());

        var warehouse = await data.WarehouseAsync();
        var po = (await admin.PostAsync("/api/purchase-orders", new
        {
            supplierId = supplier, warehouseId = warehouse, salesOrderLineId = salesLine, lines = new[] { new { productId = product, quantity = 6m, unitPrice = 20m } },
        })).Expect(HttpStatusCode.Created);
        Assert.True(po["dropShip"]!.GetValue<bool>());
        var poId = po.Id();
        var lineId = po["lines"]![0]!.Id();
        (await admin.PostAsync($"/api/purchase-orders/{poId}/approve")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/purchase-orders/{poId}/send")).Expect(HttpStatusCode.OK);
        Assert.Equal("DropShipNotReceived", (await admin.PostAsync($"/api/purchase-orders/{poId}/receipts", new { lines = new[] { new { lineId, quantity = 6m } } }))
            .Expect(HttpStatusCode.UnprocessableEntity)["code"].Str());

        var (userId, portal) = await app.PersonAsync($"{TestData.Unique("ds")}@supplier.test", "Supplier");
        using (portal)
        {
            (await admin.PostAsync($"/api/suppliers/{supplier}/users", new { userId })).Expect(HttpStatusCode.NoContent);
            var notice = (await portal.PostAsync($"/api/portal/purchase-orders/{poId}/shipping-notices",
                new { carrier = "JD", trackingNumber = "JDVA11408814483", lines = new[] { new { lineId, quantity = 6m } } })).Expect(HttpStatusCode.Created);
            var shipmentId = notice["shipmentId"]!.GetValue<Guid>();
            var shipped = (await admin.GetJsonAsync($"/api/orders/{order.Id()}")).Expect(HttpStatusCode.OK);
            Assert.Equal(("Shipped", 6m, 0m), (shipped["status"].Str(), shipped["lines"]![0]!["shipped"].Dec(), shipped["lines"]![0]!["dropShip"].Dec()));
            var shipment = (await admin.GetJsonAsync($"/api/shipments/{shipmentId}")).Expect(HttpStatusCode.OK);
            Assert.Equal(("JD", "JDVA11408814483", supplier), (shipment["carrier"].Str(), shipment["trackingNumber"].Str(), shipment["supplierId"]!.GetValue<Guid>()));
            Assert.Null(shipment["warehouseId"]);
            Assert.Equal("Received", (await admin.GetJsonAsync($"/api/purchase-orders/{poId}")).Expect(HttpStatusCode.OK)["order"]!["status"].Str());

            // The same notice again, or the line shipped from our side: refused, nothing moves.
            var again = await portal.PostAsync($"/api/portal/purchase-orders/{poId}/shipping-notices",
                new { carrier = "JD", trackingNumber = "JDVA11408814483", lines = new[] { new { lineId, quantity = 6m } } });
            Assert.True(again.Status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity, again.Body?.ToJsonString());
        }

        var fromUs = await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = salesLine, quantity = 1m } } });
        Assert.True(fromUs.Status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity, fromUs.Body?.ToJsonString());
        var shipments = await app.WithDbAsync(db => db.Shipments.AsNoTracking().Where(s => s.OrderId == order.Id()).ToListAsync());
        Assert.Equal(6m, Assert.Single(shipments).Lines.Sum(l => l.Quantity));
    }

    [Fact]
    public async Task Shipments_CarrierByChineseName_AndTrackingNumbersValidatedWhereUnambiguous()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var order = await data.OrderAsync(customer, (product, 4m));
        var line = order["lines"]![0]!.Id();
        (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);

        var bad = (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = line, quantity = 1m } }, carrier = "顺丰速运", trackingNumber = "SF123" }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("InvalidTrackingNumber", bad["code"].Str());
        Assert.Equal(10m, (await data.StockAsync(product, warehouse))["onHand"].Dec());

        var sf = (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = line, quantity = 1m } }, carrier = "顺丰速运", trackingNumber = "sf7444407228423" }))
            .Expect(HttpStatusCode.Created)["shipments"]![0]!;
        var other = (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = line, quantity = 1m } }, carrier = "德邦快递", trackingNumber = "DPK1234567890" }))
            .Expect(HttpStatusCode.Created)["shipments"]![0]!;
        var yunda = (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = line, quantity = 1m } }, carrier = "韵达", trackingNumber = "4311159956248" }))
            .Expect(HttpStatusCode.Created)["shipments"]![0]!;
        var sfShipment = (await admin.GetJsonAsync($"/api/shipments/{sf.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("SF", "SF", "SF7444407228423"), (sfShipment["carrier"].Str(), sfShipment["carrierCode"].Str(), sfShipment["trackingNumber"].Str()));
        var otherShipment = (await admin.GetJsonAsync($"/api/shipments/{other.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal("德邦快递", otherShipment["carrier"].Str());
        Assert.Null(otherShipment["carrierCode"]);
        Assert.Equal("YUNDA", (await admin.GetJsonAsync($"/api/shipments/{yunda.Id()}")).Expect(HttpStatusCode.OK)["carrierCode"].Str());

        var carriers = (await admin.GetJsonAsync("/api/carriers")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal(["SF", "JD", "ZTO", "YTO", "YUNDA", "STO", "EMS", "JT", "OWN"], carriers.Select(c => c!["code"].Str()));
        Assert.Equal(("顺丰速运", "shunfeng"), (carriers[0]!["nameZh"].Str(), carriers[0]!["kuaidi100Code"].Str()));
        (await admin.GetJsonAsync($"/api/shipments/{Guid.NewGuid()}")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BadScorecard_BlocksNewPurchaseOrders_AndApprovalFollowsTheRolesLimit()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var supplier = await SupplierAsync(admin, product);
        var poId = await SentPoAsync(admin, supplier, warehouse, product, 11m);
        var lineId = (await admin.GetJsonAsync($"/api/purchase-orders/{poId}")).Expect(HttpStatusCode.OK)["order"]!["lines"]![0]!.Id();
        (await admin.PostAsync($"/api/purchase-orders/{poId}/confirm", new { lines = new[] { new { lineId, quantity = 10m, promisedDate = app.Today.AddDays(-1) } } }))
            .Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/purchase-orders/{poId}/receipts", new { lines = new[] { new { lineId, quantity = 10m, rejected = 9m, reason = "不合格" } } }))
            .Expect(HttpStatusCode.Created);

        // Late (0), 1 of 10 accepted (10), 900,000 ppm (0), list price (100): (0 + 30 x 10 + 0 + 10 x 100) / 100 = 13 -> Block.
        var card = (await admin.GetJsonAsync($"/api/suppliers/{supplier}/scorecards")).Expect(HttpStatusCode.OK)["current"]!;
        Assert.Equal((13m, "Block"), (card["score"].Dec(), card["standing"].Str()));
        Assert.Equal("SupplierBlocked", (await admin.PostAsync("/api/purchase-orders", new { supplierId = supplier, warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 1m } } }))
            .Expect(HttpStatusCode.UnprocessableEntity)["code"].Str());

        var other = await SupplierAsync(admin, product);
        var big = (await admin.PostAsync("/api/purchase-orders", new { supplierId = other, warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 1000m, unitPrice = 200m } } }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal((200_000m, 11m), (big["total"].Dec(), (await admin.PostAsync("/api/purchase-orders", new { supplierId = other, warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 1m } } }))
            .Expect(HttpStatusCode.Created)["lines"]![0]!["unitPrice"].Dec()));
        var (_, buyer) = await app.PersonAsync($"{TestData.Unique("buyer")}@orderly.test", "Purchasing");
        using (buyer)
        {
            Assert.Equal("ApprovalLimitExceeded", (await buyer.PostAsync($"/api/purchase-orders/{big.Id()}/approve")).Expect(HttpStatusCode.UnprocessableEntity)["code"].Str());
        }

        Assert.Equal("Approved", (await admin.PostAsync($"/api/purchase-orders/{big.Id()}/approve")).Expect(HttpStatusCode.OK)["status"].Str());
    }

    private static async Task<Guid> SupplierAsync(HttpClient admin, Guid product)
    {
        var id = (await admin.PostAsync("/api/suppliers", new
        {
            code = TestData.Unique("PS"), name = "门户供应商", leadTimeDays = 5, products = new[] { new { productId = product, dropShip = false } },
        })).Expect(HttpStatusCode.Created).Id();
        (await admin.PutAsync($"/api/suppliers/{id}/prices", new { prices = new[] { new { productId = product, minQuantity = 0m, unitPrice = 11m } } }, ifMatch: null))
            .Expect(HttpStatusCode.OK);
        return id;
    }

    private static async Task<Guid> SentPoAsync(HttpClient admin, Guid supplier, Guid warehouse, Guid product, decimal price)
    {
        var id = (await admin.PostAsync("/api/purchase-orders", new { supplierId = supplier, warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 10m, unitPrice = price } } }))
            .Expect(HttpStatusCode.Created).Id();
        (await admin.PostAsync($"/api/purchase-orders/{id}/approve")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/purchase-orders/{id}/send")).Expect(HttpStatusCode.OK);
        return id;
    }
}

public sealed class PortalAndDropShipTests_Sqlite(SupplySqliteApp app) : PortalAndDropShipTests(app), IClassFixture<SupplySqliteApp>;

public sealed class PortalAndDropShipTests_Postgres(SupplyPostgresApp app) : PortalAndDropShipTests(app), IClassFixture<SupplyPostgresApp>;
