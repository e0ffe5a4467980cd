using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Logistics;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Tests.Supply;

/// <summary>
/// The purchase order PDF (read back with pdftotext), the Kuaidi100 subscription made once per shipment when goods
/// leave, SF waybills followed through SF's own route API (the local fake), and the tracking on the customer's status page.
/// </summary>
public abstract class TrackingAndDocumentTests(SupplyApp app)
{
    [Fact]
    public async Task PurchaseOrderPdf_ReadsBackInChineseAndEnglish_AndThePortalServesOnlyTheSuppliersOwn()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 30m);
        var sku = (await admin.GetJsonAsync($"/api/products/{product}")).Expect(HttpStatusCode.OK)["sku"].Str();
        var supplierId = await SupplierAsync(admin, product, "无锡精工五金有限公司");
        var otherSupplier = await SupplierAsync(admin, product, "常州另一家供应商");

        // 8 x 12.50 = 100.00 CNY.
        var po = (await admin.PostAsync("/api/purchase-orders", new { supplierId, warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 8m, unitPrice = 12.5m } } }))
            .Expect(HttpStatusCode.Created);
        var poId = po.Id();
        var number = po["number"].Str();
        (await admin.PostAsync($"/api/purchase-orders/{poId}/approve")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/purchase-orders/{poId}/send")).Expect(HttpStatusCode.OK);

        var zh = await PdfText.OfAsync(admin, $"/api/purchase-orders/{poId}/document.pdf");
        foreach (var expected in new[] { "采购订单", number, "无锡精工五金有限公司", "12.50", "100.00", "壹佰元整" })
        {
            Assert.Contains(expected, zh, StringComparison.Ordinal);
        }

        // The SKU column fits its text to the column's width: a test SKU grown long in a full run is cut at the
        // right edge, so its leading part is what must be there.
        Assert.Contains(sku[..Math.Min(sku.Length, 8)], string.Concat(zh.Where(c => !char.IsWhiteSpace(c))), StringComparison.Ordinal);

        var en = await PdfText.OfAsync(admin, $"/api/purchase-orders/{poId}/document.pdf?lang=en");
        foreach (var expected in new[] { "Purchase order", number, "Unit price", "CNY 100.00", "45 days" })
        {
            Assert.Contains(expected, en, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/purchase-orders/{Guid.NewGuid()}/document.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.GetAsync($"/api/purchase-orders/{poId}/document.pdf?lang=fr")).StatusCode);

        var (ownUser, own) = await app.PersonAsync($"{TestData.Unique("pdf")}@supplier.test", "Supplier");
        var (otherUser, other) = await app.PersonAsync($"{TestData.Unique("pdf")}@supplier.test", "Supplier");
        using (own)
        using (other)
        {
            (await admin.PostAsync($"/api/suppliers/{supplierId}/users", new { userId = ownUser })).Expect(HttpStatusCode.NoContent);
            (await admin.PostAsync($"/api/suppliers/{otherSupplier}/users", new { userId = otherUser })).Expect(HttpStatusCode.NoContent);
            Assert.Contains(number, await PdfText.OfAsync(own, $"/api/portal/purchase-orders/{poId}/document.pdf"), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/portal/purchase-orders/{poId}/document.pdf")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await own.GetAsync($"/api/purchase-orders/{poId}/document.pdf")).StatusCode);
        }
    }

    [Fact]
    public async Task Shipping_SubscribesTheNumberAtKuaidi100_OncePerShipment_AndTheStatusPageShowsItsTracking()
    {
        using var admin = await app.AdminNowAsync();
        var (orderId, lineId) = await ConfirmedOrderAsync(admin, 3m);
        var trackingNumber = "YT" + Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await admin.PostAsync($"/api/orders/{orderId}/shipments", new { lines = new[] { new { lineId, quantity = 3m } }, carrier = "圆通", trackingNumber }))
            .Expect(HttpStatusCode.Created);

        // The dispatcher hands OrderShipped to the subscriber, which subscribes the number with our callback and salt.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!app.Kuaidi100.Subscribed.ContainsKey(trackingNumber) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var param = JsonNode.Parse(Assert.Contains(trackingNumber, app.Kuaidi100.Subscribed))!;
        Assert.Equal(("yuantong", FakeKuaidi100.Key, "https://orderly.test/api/integrations/kuaidi100/callback", SupplyApp.Salt, "4"),
            (param["company"].Str(), param["key"].Str(), param["parameters"]!["callbackurl"].Str(), param["parameters"]!["salt"].Str(), param["parameters"]!["resultv2"].Str()));

        // The same event delivered again (once the inbox holds it) is applied once: no second request reaches Kuaidi100.
        var shippedEvent = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Type == "OrderShipped" && m.AggregateId == orderId.ToString()));
        while (!await app.WithDbAsync(db => db.Set<InboxEntry>().AnyAsync(i => i.Handler == "Logistics.Kuaidi100Subscription" && i.EventId == shippedEvent.Id)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var envelope = new EventEnvelope(shippedEvent.Id, shippedEvent.Position, shippedEvent.Type, shippedEvent.AggregateType, shippedEvent.AggregateId, shippedEvent.CustomerId,
            shippedEvent.PayloadVersion, shippedEvent.Payload, shippedEvent.OccurredAt, shippedEvent.ActorId, shippedEvent.ActorName, shippedEvent.CorrelationId, 2);
        await app.AsSystemAsync(async s =>
        {
            var subscriber = s.GetServices<IEventSubscriber>().OfType<TrackingSubscriber>().Single();
            Assert.True(subscriber.Wants(envelope));
            await subscriber.HandleAsync(envelope, CancellationToken.None);
            return true;
        });
        Assert.Single(app.Kuaidi100.Subscriptions, p => p.Contains(trackingNumber, StringComparison.Ordinal));

        // Kuaidi100 pushes two events; the customer's status page lists them under the shipment, carrier by name.
        var day = app.Today.ToString("yyyy-MM-dd");
        var push = $$$"""{"status":"polling","message":"","lastResult":{"message":"ok","state":"0","status":"200","ischeck":"0","com":"yuantong","nu":"{{{trackingNumber}}}","data":[{"time":"{{{day}}} 09:30:00","ftime":"{{{day}}} 09:30:00","context":"【杭州市】圆通速递 已揽收","areaName":"杭州市","status":"揽收"},{"time":"{{{day}}} 21:15:00","ftime":"{{{day}}} 21:15:00","context":"快件已到达 上海转运中心","areaName":"上海市","status":"在途"}]}}""";
        using (var anonymous = app.CreateClient())
        {
            using var pushed = await anonymous.PostAsync("/api/integrations/kuaidi100/callback",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["param"] = push, ["sign"] = FakeKuaidi100.Sign(push + SupplyApp.Salt) }));
            Assert.Contains("\"result\":true", await pushed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var token = (await admin.PostAsync($"/api/orders/{orderId}/status-link")).Expect(HttpStatusCode.Created)["token"].Str();
        using var visitor = app.CreateClient();
        var zh = await visitor.GetStringAsync($"/t/{token}");
        Assert.Contains("圆通速递", zh, StringComparison.Ordinal);
        Assert.Contains(trackingNumber, zh, StringComparison.Ordinal);
        // Newest first, in Beijing time as Kuaidi100 gave it.
        var newest = zh.IndexOf($"{day} 21:15 在途 上海市 快件已到达 上海转运中心", StringComparison.Ordinal);
        var oldest = zh.IndexOf($"{day} 09:30 揽收 杭州市 【杭州市】圆通速递 已揽收", StringComparison.Ordinal);
        Assert.True(newest > 0 && oldest > newest, zh);
        var en = await visitor.GetStringAsync($"/t/{token}?lang=en");
        Assert.Contains("YTO Express", en, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SfWaybills_AreFollowedThroughSfsRouteApi_RoutesSortedByTime_AndTheSignedForRouteRecordsDelivery()
    {
        using var admin = await app.AdminNowAsync();
        var (orderId, lineId) = await ConfirmedOrderAsync(admin, 2m);
        var waybill = "SF" + Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var shipped = (await admin.PostAsync($"/api/orders/{orderId}/shipments", new { lines = new[] { new { lineId, quantity = 2m } }, carrier = "顺丰速运", trackingNumber = waybill }))
            .Expect(HttpStatusCode.Created);
        var shipmentId = shipped["shipments"]![0]!.Id();
        var day = app.Today.ToString("yyyy-MM-dd");
        // Out of order on purpose: SF does not promise an order.
        app.SfExpress.Routes[waybill] =
        [
            ($"{day} 18:05:00", "上海市", "已签收，感谢使用顺丰", "80", null),
            ($"{day} 08:00:00", "深圳市", "顺丰速运 已收取快件", "50", "已揽收"),
            ($"{day} 12:30:00", "广州市", "快件在【广州中转场】完成分拣", "30", "运送中"),
        ];

        await app.AsSystemAsync(s => s.GetRequiredService<TrackingService>().PollAsync(CancellationToken.None));

        Assert.Contains(app.SfExpress.Requests, r => r.Contains($"\"trackingNumber\":[\"{waybill}\"", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Kuaidi100.Queries, q => q.Contains(waybill, StringComparison.Ordinal));
        var shipment = (await admin.GetJsonAsync($"/api/shipments/{shipmentId}")).Expect(HttpStatusCode.OK);
        var events = shipment["trackingEvents"]!.AsArray();
        Assert.Equal(("Delivered", 3), (shipment["trackingState"].Str(), events.Count));
        Assert.Equal(["PickedUp", "InTransit", "Delivered"], events.Select(e => e!["state"].Str()));
        Assert.Equal("深圳市", events[0]!["location"].Str());
        // 18:05 Beijing time is 10:05 UTC.
        Assert.Equal(app.Today.ToDateTime(new TimeOnly(10, 5)), DateTimeOffset.Parse(shipment["deliveredAt"].Str(), System.Globalization.CultureInfo.InvariantCulture).UtcDateTime);

        // A second poll finds nothing new.
        Assert.Equal(0, await app.AsSystemAsync(s => s.GetRequiredService<TrackingService>().PollAsync(CancellationToken.None)));
    }

    private static async Task<Guid> SupplierAsync(HttpClient admin, Guid product, string name) =>
        (await admin.PostAsync("/api/suppliers", new
        {
            code = TestData.Unique("SUP"), name, leadTimeDays = 7, paymentTermsDays = 45, email = "po@supplier.test",
            products = new[] { new { productId = product, dropShip = false } },
        })).Expect(HttpStatusCode.Created).Id();

    private static async Task<(Guid OrderId, Guid LineId)> ConfirmedOrderAsync(HttpClient admin, decimal quantity)
    {
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        await data.ReceiveAsync(warehouse, product, quantity);
        var order = await data.OrderAsync(await data.CustomerAsync(), (product, quantity));
        (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);
        return (order.Id(), order["lines"]![0]!.Id());
    }
}

public sealed class TrackingAndDocumentTests_Sqlite(SupplySqliteApp app) : TrackingAndDocumentTests(app), IClassFixture<SupplySqliteApp>;

public sealed class TrackingAndDocumentTests_Postgres(SupplyPostgresApp app) : TrackingAndDocumentTests(app), IClassFixture<SupplyPostgresApp>;
