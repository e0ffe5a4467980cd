using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Logistics;

namespace Orderly.Server.Tests.Supply;

/// <summary>
/// The "Done when" road of issue #15: reorder suggestion -> purchase order -> the supplier confirms in the portal
/// with a date -> the backordered sales line shows that date -> partial receipt with a reject -> backorder filled ->
/// the period's scorecard shows the hand-computed on-time rate, fill rate and ppm; tracking by push and by poll from
/// the fake Kuaidi100; a stalled shipment raises ShipmentDelayed.
/// </summary>
public abstract class SupplyRoadTests(SupplyApp app)
{
    [Fact]
    public async Task Road_SuggestionToScorecard_AndTrackingToDelay()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 30m);
        var customer = await data.CustomerAsync();
        var start = app.Today;

        var supplier = (await admin.PostAsync("/api/suppliers", new
        {
            code = TestData.Unique("SUP"), name = "苏州精密零件有限公司", leadTimeDays = 10, email = "orders@supplier.test", paymentTermsDays = 45,
            contacts = new[] { new { name = "王经理", phone = "13800000000", role = "销售" } },
            products = new[] { new { productId = product, dropShip = false, minOrderQuantity = 50m, packSize = 12m } },
        })).Expect(HttpStatusCode.Created);
        var supplierId = supplier.Id();
        Assert.Equal((45, "王经理"), (supplier["paymentTermsDays"]!.GetValue<int>(), supplier["contacts"]![0]!["name"].Str()));
        var prices = (await admin.PutAsync($"/api/suppliers/{supplierId}/prices", new
        {
            prices = new object[] { new { productId = product, minQuantity = 0m, unitPrice = 10m }, new { productId = product, minQuantity = 100m, unitPrice = 9m } },
        }, ifMatch: null)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, prices["items"]!.AsArray().Count);
        (await admin.PostAsync($"/api/suppliers/{supplierId}/preferred", new { productId = product, warehouseId = warehouse })).Expect(HttpStatusCode.OK);

        // 10 on hand, an order for 40: 10 reserved, 30 backordered; available 0 is below the reorder point 20.
        await data.ReceiveAsync(warehouse, product, 10);
        (await admin.PutAsync($"/api/inventory/policies/{product}/{warehouse}", new { mode = "Manual", safetyStock = 5m, reorderPoint = 20m }, "*")).Expect(HttpStatusCode.OK);
        var order = await data.OrderAsync(customer, (product, 40m));
        var orderId = order.Id();
        var salesLine = order["lines"]![0]!.Id();
        var submitted = (await admin.PostAsync($"/api/orders/{orderId}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal(30m, submitted["lines"]![0]!["backordered"].Dec());

        // Suggested 20 (reorder point 20, no demand history, nothing available or incoming) -> MOQ 50 -> packs of 12: 60 at the 0+ tier price 10.
        var made = (await admin.PostAsync("/api/purchase-orders/from-suggestions", new { })).Expect(HttpStatusCode.OK);
        var po = Assert.Single(made["purchaseOrders"]!.AsArray())!;
        Assert.Equal((supplierId, warehouse, "Draft"), (po["supplierId"]!.GetValue<Guid>(), po["warehouseId"]!.GetValue<Guid>(), po["status"].Str()));
        var poLine = Assert.Single(po["lines"]!.AsArray())!;
        Assert.Equal((60m, 10m, 10m, 600m), (poLine["quantity"].Dec(), poLine["unitPrice"].Dec(), poLine["listPrice"].Dec(), po["total"].Dec()));
        var poId = po.Id();
        var lineId = poLine.Id();

        (await admin.PostAsync($"/api/purchase-orders/{poId}/approve")).Expect(HttpStatusCode.OK);
        Assert.Equal("Sent", (await admin.PostAsync($"/api/purchase-orders/{poId}/send")).Expect(HttpStatusCode.OK)["status"].Str());
        var sent = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Type == "PurchaseOrderSent" && m.AggregateId == poId.ToString()));
        var sentPayload = JsonNode.Parse(sent.Payload)!;
        Assert.Equal(("orders@supplier.test", supplierId, "zh-CN"), (sentPayload["supplierEmail"].Str(), sentPayload["supplierId"]!.GetValue<Guid>(), sentPayload["language"].Str()));

        // The supplier confirms in the portal with a date a week ahead.
        var (supplierUser, portal) = await app.PersonAsync($"{TestData.Unique("sup")}@supplier.test", "Supplier");
        using (portal)
        {
            (await admin.PostAsync($"/api/suppliers/{supplierId}/users", new { userId = supplierUser })).Expect(HttpStatusCode.NoContent);
            var promised = start.AddDays(7);
            var listed = (await portal.GetJsonAsync("/api/portal/purchase-orders")).Expect(HttpStatusCode.OK);
            Assert.Equal(poId, Assert.Single(listed["items"]!.AsArray())!.Id());
            Assert.Null(listed["items"]![0]!["lines"]![0]!["listPrice"]);
            var confirmed = (await portal.PostAsync($"/api/portal/purchase-orders/{poId}/confirm",
                new { lines = new[] { new { lineId, quantity = 60m, promisedDate = promised } } })).Expect(HttpStatusCode.OK);
            Assert.Equal("Confirmed", confirmed["status"].Str());

            // The backordered sales line shows the promised date.
            var dates = (await admin.GetJsonAsync($"/api/purchase-orders/backorder-dates?orderId={orderId}")).Expect(HttpStatusCode.OK);
            var date = Assert.Single(dates["items"]!.AsArray())!;
            Assert.Equal((salesLine, 30m, promised.ToString("yyyy-MM-dd"), "PurchaseOrder"),
                (date["lineId"]!.GetValue<Guid>(), date["backordered"].Dec(), date["expectedDate"].Str(), date["source"].Str()));
            var atp = (await admin.GetJsonAsync($"/api/inventory/availability?productId={product}&quantity=1")).Expect(HttpStatusCode.OK);
            Assert.Contains(atp["warehouses"]!.AsArray(), w => w!["incoming"].Dec() == 60m);
        }

        // Partial receipt: 40 arrive, 4 rejected as damaged: 36 enter stock and fill the 30 backordered.
        var received = (await admin.PostAsync($"/api/purchase-orders/{poId}/receipts",
            new { lines = new[] { new { lineId, quantity = 40m, rejected = 4m, reason = "外箱破损" } } })).Expect(HttpStatusCode.Created);
        Assert.Equal(("PartiallyReceived", 36m, 24m), (received["purchaseOrder"]!["status"].Str(),
            received["purchaseOrder"]!["lines"]![0]!["accepted"].Dec(), received["purchaseOrder"]!["lines"]![0]!["open"].Dec()));
        var stock = await data.StockAsync(product, warehouse);
        Assert.Equal((46m, 40m), (stock["onHand"].Dec(), stock["reserved"].Dec()));
        var filled = (await admin.GetJsonAsync($"/api/orders/{orderId}")).Expect(HttpStatusCode.OK);
        Assert.Equal((0m, 40m), (filled["lines"]![0]!["backordered"].Dec(), filled["lines"]![0]!["reserved"].Dec()));

        // Nine days later (two past the promised date) 20 more arrive; the order is closed short by 4.
        app.Clock.Advance(TimeSpan.FromDays(9));
        using var admin2 = await app.AdminNowAsync();
        (await admin2.PostAsync($"/api/purchase-orders/{poId}/receipts", new { lines = new[] { new { lineId, quantity = 20m } } })).Expect(HttpStatusCode.Created);
        Assert.Equal("Closed", (await admin2.PostAsync($"/api/purchase-orders/{poId}/close", new { reason = "余量不再供货" })).Expect(HttpStatusCode.OK)["status"].Str());

        // By hand: receipt lines 2, on time 1 (the first) -> 0.5; accepted 36 + 20 = 56 of 60 -> 0.9333;
        // rejected 4 of 60 arrived -> 66,667 ppm; paid the list price -> variance 0.
        // Score = (40 x 50 + 30 x 93.333 + 20 x (100 - 66.667) + 10 x 100) / 100 = 64.67 -> Normal.
        var cards = (await admin2.GetJsonAsync($"/api/suppliers/{supplierId}/scorecards")).Expect(HttpStatusCode.OK);
        var current = cards["current"]!;
        Assert.Equal(start.ToString("yyyy-MM-01"), current["from"].Str());
        Assert.Equal((2, 0.5m, 0.9333m, 66667m, 0m), (current["receiptLines"]!.GetValue<int>(), current["onTimeRate"].Dec(), current["fillRate"].Dec(),
            current["qualityPpm"].Dec(), current["priceVariance"].Dec()));
        var expectedScore = Math.Round(((40m * 50m) + (30m * (56m / 60m * 100m)) + (20m * (100m - (4m / 60m * 1_000_000m / 1000m))) + (10m * 100m)) / 100m, 2, MidpointRounding.AwayFromZero);
        Assert.Equal((expectedScore, "Normal"), (current["score"].Dec(), current["standing"].Str()));
        Assert.Equal(12, cards["periods"]!.AsArray().Count);

        // Tracking: the order ships with YTO by its Chinese name; a push, the same push again, then a poll.
        var shipped = (await admin2.PostAsync($"/api/orders/{orderId}/shipments",
            new { lines = new[] { new { lineId = salesLine, quantity = 30m } }, carrier = "圆通速递", trackingNumber = "YT9383342193097" })).Expect(HttpStatusCode.Created);
        var shipmentId = shipped["shipments"]![0]!.Id();
        var shipment = (await admin2.GetJsonAsync($"/api/shipments/{shipmentId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("YTO", "YT9383342193097", "Pending"), (shipment["carrier"].Str(), shipment["trackingNumber"].Str(), shipment["trackingState"].Str()));

        var day = app.Today.ToString("yyyy-MM-dd");
        var param = $$$"""{"status":"polling","message":"","lastResult":{"message":"ok","state":"0","status":"200","ischeck":"0","com":"yuantong","nu":"YT9383342193097","data":[{"time":"{{{day}}} 10:00:00","ftime":"{{{day}}} 10:00:00","context":"【苏州市】圆通速递 已揽收","areaName":"苏州市","status":"揽收"},{"time":"{{{day}}} 18:00:00","ftime":"{{{day}}} 18:00:00","context":"快件已发往 上海转运中心","areaName":"苏州市","status":"在途"}]}}""";
        for (var i = 0; i < 2; i++)
        {
            using var anonymous = app.CreateClient();
            using var push = await anonymous.PostAsync("/api/integrations/kuaidi100/callback",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["param"] = param, ["sign"] = FakeKuaidi100.Sign(param + SupplyApp.Salt) }));
            Assert.Equal(HttpStatusCode.OK, push.StatusCode);
            Assert.Equal("""{"result":true,"returnCode":"200","message":"成功"}""", await push.Content.ReadAsStringAsync());
        }

        shipment = (await admin2.GetJsonAsync($"/api/shipments/{shipmentId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("InTransit", 2), (shipment["trackingState"].Str(), shipment["trackingEvents"]!.AsArray().Count));
        Assert.Equal("PickedUp", shipment["trackingEvents"]![0]!["state"].Str());
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "ShipmentTrackingUpdated" && m.AggregateId == shipmentId.ToString())));

        using (var anonymous = app.CreateClient())
        {
            using var forged = await anonymous.PostAsync("/api/integrations/kuaidi100/callback",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["param"] = param.Replace("在途", "签收", StringComparison.Ordinal), ["sign"] = FakeKuaidi100.Sign(param + SupplyApp.Salt) }));
            Assert.Contains("\"result\":false", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        app.Kuaidi100.Tracks["YT9383342193097"] = FakeKuaidi100.Track("yuantong", "YT9383342193097", "3",
            ($"{day} 10:00:00", "揽收", "【苏州市】圆通速递 已揽收"), ($"{day} 18:00:00", "在途", "快件已发往 上海转运中心"),
            ($"{day} 20:00:00", "派件", "【上海市】快递员 张三 正在派件"), ($"{day} 22:00:00", "签收", "【上海市】已签收，签收人：本人"));
        var polled = await app.AsSystemAsync(s => s.GetRequiredService<TrackingService>().PollAsync(CancellationToken.None));
        Assert.Equal(2, polled);
        Assert.Contains(app.Kuaidi100.Queries, q => q.Contains("\"num\":\"YT9383342193097\"", StringComparison.Ordinal));
        shipment = (await admin2.GetJsonAsync($"/api/shipments/{shipmentId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("Delivered", 4), (shipment["trackingState"].Str(), shipment["trackingEvents"]!.AsArray().Count));
        Assert.NotNull(shipment["deliveredAt"]);

        // A second order ships with ZTO and never moves: after 48 hours it is reported late, once.
        var data2 = new TestData(admin2);
        await data2.ReceiveAsync(warehouse, product, 5);
        var other = await data2.OrderAsync(customer, (product, 5m));
        (await admin2.PostAsync($"/api/orders/{other.Id()}/submit")).Expect(HttpStatusCode.OK);
        var stalled = (await admin2.PostAsync($"/api/orders/{other.Id()}/shipments",
            new { lines = new[] { new { lineId = other["lines"]![0]!.Id(), quantity = 5m } }, carrier = "中通", trackingNumber = "73190553102532" })).Expect(HttpStatusCode.Created);
        var stalledId = stalled["shipments"]![0]!.Id();
        app.Clock.Advance(TimeSpan.FromHours(49));
        await app.AsSystemAsync(s => s.GetRequiredService<TrackingService>().DetectDelaysAsync(CancellationToken.None));
        await app.AsSystemAsync(s => s.GetRequiredService<TrackingService>().DetectDelaysAsync(CancellationToken.None));
        var delayed = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == "ShipmentDelayed" && m.AggregateId == stalledId.ToString()).ToListAsync());
        var payload = JsonNode.Parse(Assert.Single(delayed).Payload)!;
        Assert.Equal(("NoMovement", other.Id(), customer, "ZTO"), (payload["reason"].Str(), payload["orderId"]!.GetValue<Guid>(), payload["customerId"]!.GetValue<Guid>(), payload["carrier"].Str()));
        using var admin3 = await app.AdminNowAsync();
        var late = (await admin3.GetJsonAsync("/api/shipments/late")).Expect(HttpStatusCode.OK);
        Assert.Contains(late["items"]!.AsArray(), s => s!.Id() == stalledId);
        Assert.DoesNotContain(late["items"]!.AsArray(), s => s!.Id() == shipmentId);
    }
}

public sealed class SupplyRoadTests_Sqlite(SupplySqliteApp app) : SupplyRoadTests(app), IClassFixture<SupplySqliteApp>;

public sealed class SupplyRoadTests_Postgres(SupplyPostgresApp app) : SupplyRoadTests(app), IClassFixture<SupplyPostgresApp>;
