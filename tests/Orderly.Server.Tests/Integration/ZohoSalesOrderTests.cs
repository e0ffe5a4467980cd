using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Server.Platform.Events;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// Zoho CRM Sales_Orders both ways against <see cref="FakeZoho"/>: orders come in through the order entry service
/// (entry checks run; bad records are logged with their reason and write nothing) and only once; confirmed and
/// cancelled orders go out through the outbox (upsert on the order number, then Status), and a push Zoho keeps
/// refusing ends dead in the outbox with every attempt in the sync log.
/// </summary>
public abstract class ZohoSalesOrderTests(ConnectorApp app)
{
    [Fact]
    public async Task SalesOrders_ComeInOnce_ThroughEntryChecks_AndStatusGoesBack()
    {
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        var tag = TestData.Unique("ZS").Replace("-", "", StringComparison.Ordinal);
        SeedCatalog(zoho, tag, 1);
        zoho.Modules["Sales_Orders"] =
        [
            Order(1, "9001", "ZSO-1", "A0", ("P0", 2, 10m), ("P1", 1, 20m)),
            Order(1, "9002", "ZSO-2", "A1", ("P2", 3, 30m)),
            Order(1, "9003", "ZSO-3", "A0", ("P0", "abc", 10m)),
            Order(1, "9004", "ZSO-4", "A9", ("P0", 1, 10m)),
            Order(1, "9005", "ZSO-5", "A1", ("P1", 1.5m, 20m)),
        ];
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, zoho, salesOrdersIn: true, salesOrdersOut: true);
        foreach (var fault in new[] { "expire", "429", "500", "timeout" })
        {
            zoho.Faults.Enqueue(fault);
        }

        var first = (await admin.PostAsync("/api/connectors/zoho-crm/sync")).Expect(HttpStatusCode.OK);

        // 3 products + 2 accounts + 2 orders created; 3 orders refused, each for its own reason.
        Assert.Equal((7, 3), (first["created"]!.GetValue<int>(), first["failed"]!.GetValue<int>()));
        var orders = await OrdersAsync();
        Assert.Equal(["ZSO-1", "ZSO-2"], orders.Select(o => o.CustomerPo));
        var so1 = orders[0];
        Assert.Equal((4000L, "Confirmed"), (so1.TotalMinor, so1.Status));
        Assert.Equal(9000L, orders[1].TotalMinor);
        var failures = (await app.LogAsync("zoho-crm", "in")).Where(e => e.ObjectType == "sales-order" && e.Outcome == SyncOutcome.Failed)
            .ToDictionary(e => e.ExternalId!, e => e.Message!);
        Assert.Equal("Ordered_Items[0].Quantity 'abc' is not a positive number.", failures["9003"]);
        Assert.Equal("Customer A9 is not linked: sync the customers (accounts) first.", failures["9004"]);
        Assert.Equal("lines[0].quantity: FractionalQuantity", failures["9005"]);

        // The confirmed orders' status goes back to their Zoho records, once per event.
        await ConnectorApp.EventuallyAsync(async () => (await app.EventStateAsync(so1.Id, "OrderConfirmed")) == OutboxState.Done
            && (await app.EventStateAsync(orders[1].Id, "OrderConfirmed")) == OutboxState.Done, "both confirmations delivered");
        Assert.Equal("Approved", zoho.Modules["Sales_Orders"].Single(r => r["id"]!.GetValue<string>() == "9001")["Status"]!.GetValue<string>());
        Assert.True(zoho.Writes.Count(w => w.Method == "PUT") == 2, string.Join(" | ", zoho.Writes.Select(w => $"{w.Method} {w.Id} {w.Body.ToJsonString()}")));

        // A second run reads no order twice and creates nothing.
        var detailReads = zoho.DetailReads;
        var second = (await admin.PostAsync("/api/connectors/zoho-crm/sync")).Expect(HttpStatusCode.OK);
        Assert.Equal(0, second["created"]!.GetValue<int>());
        Assert.Equal(3, second["failed"]!.GetValue<int>());
        Assert.Equal(detailReads + 3, zoho.DetailReads);
        Assert.Equal(2, (await OrdersAsync()).Count);
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<ExternalLink>().CountAsync(l => l.Connector == "zoho-crm" && l.ObjectType == "sales-order" && l.ExternalId.StartsWith("900"))));

        // An order entered in Orderly for a Zoho customer goes out by upsert on its number, then its cancellation.
        var customer = await app.WithDbAsync(db => db.Customers.Where(c => c.Code == $"{tag}-A0").Select(c => c.Id).SingleAsync());
        var product = await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-P2").Select(p => p.Id).SingleAsync());
        var placed = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 4 } }, submit = true },
            r => r.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()))).Expect(HttpStatusCode.Created);
        Assert.Equal("Confirmed", placed["status"].Str());
        var id = placed.Id();
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderConfirmed") == OutboxState.Done, "the new order's confirmation delivered");
        var insert = Assert.Single(zoho.Writes, w => w.Method == "UPSERT-INSERT");
        var sent = insert.Body["data"]![0]!;
        Assert.Equal(placed["number"].Str(), sent["Subject"].Str());
        Assert.Equal(AccountId(1, 0), sent["Account_Name"]!["id"].Str());
        Assert.Equal((ProductId(1, 2), 4m, 30m), (sent["Ordered_Items"]![0]!["Product_Name"]!["id"].Str(), sent["Ordered_Items"]![0]!["Quantity"].Dec(), sent["Ordered_Items"]![0]!["List_Price"].Dec()));
        Assert.Equal("Subject", insert.Body["duplicate_check_fields"]![0].Str());
        var link = await app.WithDbAsync(db => db.Set<ExternalLink>().SingleAsync(l => l.Connector == "zoho-crm" && l.LocalId == id));
        Assert.Equal(insert.Id, link.ExternalId);

        (await admin.PostAsync($"/api/orders/{id}/cancel", new { reason = "客户取消" })).Expect(HttpStatusCode.OK);
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderCancelled") == OutboxState.Done, "the cancellation delivered");
        var cancel = Assert.Single(zoho.Writes, w => w.Method == "PUT" && w.Id == insert.Id);
        Assert.Equal("Cancelled", cancel.Body["data"]![0]!["Status"].Str());
        Assert.Equal(1, zoho.Modules["Sales_Orders"].Count(r => r["Subject"]?.GetValue<string>() == placed["number"].Str()));
    }

    [Fact]
    public async Task Push_ThatZohoKeepsRefusing_EndsDeadInTheOutbox_WithEachAttemptInTheLog()
    {
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        var tag = TestData.Unique("ZD").Replace("-", "", StringComparison.Ordinal);
        SeedCatalog(zoho, tag, Series(tag));
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, zoho, salesOrdersIn: false, salesOrdersOut: true);
        (await admin.PostAsync("/api/connectors/zoho-crm/sync")).Expect(HttpStatusCode.OK);
        zoho.RefuseWrites = true;
        var customer = await app.WithDbAsync(db => db.Customers.Where(c => c.Code == $"{tag}-A1").Select(c => c.Id).SingleAsync());
        var product = await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-P0").Select(p => p.Id).SingleAsync());

        var placed = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1 } }, submit = true },
            r => r.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()))).Expect(HttpStatusCode.Created);

        var id = placed.Id();
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderConfirmed") == OutboxState.Dead, "the refused push dead-lettered");
        var attempts = (await app.LogAsync("zoho-crm", "out")).Where(e => e.LocalId == id).ToList();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, e => Assert.Equal(SyncOutcome.Failed, e.Outcome));
        Assert.Equal(["attempt 1", "attempt 2", "attempt 3"], attempts.Select(e => e.Message![..9]));
        Assert.Contains("ZohoINVALID_DATA", attempts[0].Message, StringComparison.Ordinal);
        Assert.Single(attempts.Select(e => e.RunId).Distinct());
        Assert.Empty(zoho.Writes);
        Assert.False(await app.WithDbAsync(db => db.Set<ExternalLink>().AnyAsync(l => l.Connector == "zoho-crm" && l.LocalId == id)));
    }

    [Fact]
    public async Task ShippedOrder_FromZoho_SetsItsZohoStatusToDelivered()
    {
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        var tag = TestData.Unique("ZX").Replace("-", "", StringComparison.Ordinal);
        SeedCatalog(zoho, tag, Series(tag));
        zoho.Modules["Sales_Orders"] = [Order(Series(tag), "9401", "ZSO-SHIP", "A0", ("P0", 2, 10m))];
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, zoho, salesOrdersIn: false, salesOrdersOut: true);
        (await admin.PostAsync("/api/connectors/zoho-crm/sync")).Expect(HttpStatusCode.OK);
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-P0").Select(p => p.Id).SingleAsync());
        await data.ReceiveAsync(warehouse, product, 10);
        await ConfigureAsync(admin, zoho, salesOrdersIn: true, salesOrdersOut: true);
        (await admin.PostAsync("/api/connectors/zoho-crm/sync")).Expect(HttpStatusCode.OK);
        var id = await app.WithDbAsync(db => db.Set<ExternalLink>().Where(l => l.Connector == "zoho-crm" && l.ExternalId == "9401").Select(l => l.LocalId).SingleAsync());
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderConfirmed") == OutboxState.Done, "the confirmation delivered");
        var order = (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(2m, order["lines"]![0]!["reserved"].Dec());

        (await admin.PostAsync($"/api/orders/{id}/shipments", new { lines = new[] { new { lineId = order["lines"]![0]!["id"]!.GetValue<Guid>(), quantity = 2 } }, carrier = "顺丰", trackingNumber = "SF1234567890123" }))
            .Expect(HttpStatusCode.Created);

        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderShipped") == OutboxState.Done, "the shipment delivered");
        Assert.Equal("Delivered", zoho.Modules["Sales_Orders"].Single()["Status"]!.GetValue<string>());
        Assert.Equal(["Approved", "Delivered"], zoho.Writes.Where(w => w.Id == "9401").Select(w => w.Body["data"]![0]!["Status"].Str()));
    }

    [Fact]
    public async Task MalformedPage_FailsTheRun_WithAClearLogEntry_AndWritesNothing()
    {
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        var tag = TestData.Unique("ZM").Replace("-", "", StringComparison.Ordinal);
        SeedCatalog(zoho, tag, Series(tag));
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, zoho, salesOrdersIn: false, salesOrdersOut: false);
        zoho.Faults.Enqueue("garbage");

        var problem = (await admin.PostAsync("/api/connectors/zoho-crm/sync")).ExpectProblem(HttpStatusCode.BadGateway);

        Assert.Equal("ZohoBadPayload", problem["code"].Str());
        Assert.Equal(0, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        var entry = (await app.LogAsync("zoho-crm", "in")).Last();
        Assert.Equal(("product", SyncOutcome.Failed), (entry.ObjectType, entry.Outcome));
        Assert.StartsWith("ZohoBadPayload: Zoho answered 200 with a body that is not JSON: <html>", entry.Message, StringComparison.Ordinal);
    }

    private Task<List<(Guid Id, string? CustomerPo, long TotalMinor, string Status)>> OrdersAsync() =>
        app.WithDbAsync(async db =>
        {
            var linked = db.Set<ExternalLink>().Where(l => l.Connector == "zoho-crm" && l.ObjectType == "sales-order" && l.ExternalId.StartsWith("900")).Select(l => l.LocalId);
            var rows = await db.SalesOrders.Where(o => linked.Contains(o.Id)).Select(o => new { o.Id, o.CustomerPo, o.TotalMinor, o.Status }).ToListAsync();
            return rows.OrderBy(o => o.CustomerPo).Select(o => (o.Id, o.CustomerPo, o.TotalMinor, o.Status.ToString())).ToList();
        });

    /// <summary>The tests of a class share one database: each seeds Zoho ids of its own, so no test's links meet another's.</summary>
    private static int Series(string tag) => tag.StartsWith("ZD", StringComparison.Ordinal) ? 2 : tag.StartsWith("ZX", StringComparison.Ordinal) ? 4 : 3;

    private static string ProductId(int series, int i) => $"41508680{series:D2}000000{i}";

    private static string AccountId(int series, int i) => $"52{series:D2}00000000000{i}";

    private static void SeedCatalog(FakeZoho zoho, string tag, int series)
    {
        zoho.Modules["Products"] = [.. Enumerable.Range(0, 3).Select(i => new JsonObject
        {
            ["id"] = ProductId(series, i), ["Product_Name"] = $"产品 {i}", ["Product_Code"] = $"{tag}-P{i}", ["Unit_Price"] = 10 * (i + 1), ["Product_Active"] = true,
        })];
        zoho.Modules["Accounts"] = [.. Enumerable.Range(0, 2).Select(i => new JsonObject
        {
            ["id"] = AccountId(series, i), ["Account_Name"] = $"华东客户 {i}", ["Account_Number"] = $"{tag}-A{i}",
        })];
    }

    private static JsonObject Order(int series, string id, string subject, string account, params (string Product, object Quantity, decimal Price)[] items) => new()
    {
        ["id"] = id, ["Subject"] = subject, ["Status"] = "Created", ["Due_Date"] = "2026-12-31", ["Modified_Time"] = "2026-12-01T09:00:00+08:00",
        ["Account_Name"] = new JsonObject { ["id"] = account == "A9" ? "A9" : AccountId(series, account[1] - '0'), ["name"] = account },
        ["Ordered_Items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject
        {
            ["Product_Name"] = new JsonObject { ["id"] = ProductId(series, i.Product[1] - '0') },
            ["Quantity"] = i.Quantity is string s ? JsonValue.Create(s) : JsonValue.Create(Convert.ToDecimal(i.Quantity, System.Globalization.CultureInfo.InvariantCulture)),
            ["List_Price"] = i.Price,
        })]),
    };

    private static async Task ConfigureAsync(HttpClient admin, FakeZoho zoho, bool salesOrdersIn, bool salesOrdersOut) =>
        (await admin.PutAsync("/api/connectors/zoho-crm", new
        {
            enabled = true,
            settings = new { dataCentre = "CN", clientId = FakeZoho.ClientId, apiUrl = zoho.Url, accountsUrl = zoho.Url, perPage = 100, salesOrdersIn, salesOrdersOut },
            secrets = new { clientSecret = FakeZoho.ClientSecret, refreshToken = FakeZoho.RefreshToken },
        }, null)).Expect(HttpStatusCode.OK);
}

public sealed class ZohoSalesOrderTests_Sqlite(ConnectorSqliteApp app) : ZohoSalesOrderTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class ZohoSalesOrderTests_Postgres(ConnectorPostgresApp app) : ZohoSalesOrderTests(app), IClassFixture<ConnectorPostgresApp>;
