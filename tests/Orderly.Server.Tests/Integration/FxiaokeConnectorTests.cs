using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Server.Platform.Events;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The Fxiaoke connector against <see cref="FakeFxiaoke"/>: AccountObj, ProductObj and SalesOrderObj (with its
/// SalesOrderProductObj lines) come in over several pages through expired tokens, HTTP 429, the vendor's own
/// rate-limit code, 5xx and timeouts, once; a confirmed Orderly order goes out with its lines and its status follows;
/// a malformed answer fails the run with a clear log entry and writes nothing.
/// </summary>
public abstract class FxiaokeConnectorTests(ConnectorApp app)
{
    [Fact]
    public async Task Sync_ThroughExpiredTokensRateLimitsAnd5xx_BringsAccountsProductsAndOrdersOnce()
    {
        await using var fx = new FakeFxiaoke();
        await fx.StartAsync();
        var tag = TestData.Unique("FX").Replace("-", "", StringComparison.Ordinal);
        Seed(fx, tag);
        fx.Of("SalesOrderObj").AddRange([Order($"{tag}-o1", "FXSO-1", $"{tag}-a0"), Order($"{tag}-o2", "FXSO-2", $"{tag}-a1"), Order($"{tag}-o3", "FXSO-3", $"{tag}-a1")]);
        fx.Of("SalesOrderProductObj").AddRange(
        [
            Line($"{tag}-l1", $"{tag}-o1", $"{tag}-p0", 3, 15.5m), Line($"{tag}-l2", $"{tag}-o1", $"{tag}-p1", 1, 40m),
            Line($"{tag}-l3", $"{tag}-o2", $"{tag}-p1", 2, 40m), Line($"{tag}-l4", $"{tag}-o3", $"{tag}-p0", "abc", 15.5m),
        ]);
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, fx, salesOrdersOut: false);
        foreach (var fault in new[] { "expire", "429", "limit", "500", "timeout", "limit", "expire" })
        {
            fx.Faults.Enqueue(fault);
        }

        var first = (await admin.PostAsync("/api/connectors/fxiaoke/sync")).Expect(HttpStatusCode.OK);

        // 2 products + 3 accounts + 2 orders; the order with quantity "abc" is refused and named.
        Assert.Equal((7, 1, 0), (first["created"]!.GetValue<int>(), first["failed"]!.GetValue<int>(), first["unchanged"]!.GetValue<int>()));
        Assert.Empty(fx.Faults);
        Assert.True(fx.TokensIssued <= 3, $"{fx.TokensIssued} tokens");
        Assert.Equal(["上海华联 0", "上海华联 1", "上海华联 2"],
            await app.WithDbAsync(db => db.Customers.Where(c => c.Code.StartsWith(tag)).OrderBy(c => c.Code).Select(c => c.Name).ToListAsync()));
        var orders = await app.WithDbAsync(db =>
        {
            var linked = db.Set<ExternalLink>().Where(l => l.Connector == "fxiaoke" && l.ObjectType == "sales-order" && l.ExternalId.StartsWith(tag)).Select(l => l.LocalId);
            return db.SalesOrders.Where(o => linked.Contains(o.Id)).OrderBy(o => o.CustomerPo).Select(o => new { o.CustomerPo, o.TotalMinor, o.RequestedDeliveryDate }).ToListAsync();
        });
        Assert.Equal([("FXSO-1", 8650L), ("FXSO-2", 8000L)], orders.Select(o => (o.CustomerPo!, o.TotalMinor)));
        Assert.Equal(new DateOnly(2027, 1, 15), orders[0].RequestedDeliveryDate);
        var refused = Assert.Single(await app.LogAsync("fxiaoke", "in"), e => e.Outcome == SyncOutcome.Failed && e.ExternalId?.StartsWith(tag, StringComparison.Ordinal) == true);
        Assert.Equal(($"{tag}-o3", $"SalesOrderProductObj {tag}-l4: quantity 'abc' is not a positive number."), (refused.ExternalId, refused.Message));

        fx.Of("AccountObj")[1]["name"] = "上海华联（改名）";
        var second = (await admin.PostAsync("/api/connectors/fxiaoke/sync")).Expect(HttpStatusCode.OK);

        Assert.Equal((0, 1, 1), (second["created"]!.GetValue<int>(), second["updated"]!.GetValue<int>(), second["failed"]!.GetValue<int>()));
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<ExternalLink>().CountAsync(l => l.Connector == "fxiaoke" && l.ObjectType == "sales-order" && l.ExternalId.StartsWith(tag))));
        Assert.Equal("上海华联（改名）", await app.WithDbAsync(db => db.Customers.Where(c => c.Code == $"{tag}-C1").Select(c => c.Name).SingleAsync()));
    }

    [Fact]
    public async Task ConfirmedOrder_GoesOutWithItsLines_AndItsCancellationFollows()
    {
        await using var fx = new FakeFxiaoke();
        await fx.StartAsync();
        var tag = TestData.Unique("FO").Replace("-", "", StringComparison.Ordinal);
        Seed(fx, tag);
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, fx, salesOrdersOut: true);
        (await admin.PostAsync("/api/connectors/fxiaoke/sync")).Expect(HttpStatusCode.OK);
        var customer = await app.WithDbAsync(db => db.Customers.Where(c => c.Code == $"{tag}-C2").Select(c => c.Id).SingleAsync());
        var product = await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-P1").Select(p => p.Id).SingleAsync());
        fx.Faults.Enqueue("expire");
        fx.Faults.Enqueue("500");

        var placed = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 5 } }, submit = true },
            r => r.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()))).Expect(HttpStatusCode.Created);
        var id = placed.Id();
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderConfirmed") == OutboxState.Done, "the confirmation delivered");

        var create = Assert.Single(fx.Writes, w => w.Path == "create");
        var sent = create.Body["data"]!;
        Assert.Equal((placed["number"].Str(), $"{tag}-a2"), (sent["object_data"]!["name"].Str(), sent["object_data"]!["account_id"].Str()));
        var line = sent["details"]!["SalesOrderProductObj"]![0]!;
        Assert.Equal(($"{tag}-p1", 5m, 40m, 200m), (line["product_id"].Str(), line["quantity"].Dec(), line["sales_price"].Dec(), line["subtotal"].Dec()));
        var remote = Assert.Single(fx.Of("SalesOrderObj"), o => o["name"]?.GetValue<string>() == placed["number"].Str());
        Assert.Equal("Confirmed", remote["field_orderly_status__c"].Str());
        Assert.Equal(remote["_id"].Str(), await app.WithDbAsync(db => db.Set<ExternalLink>().Where(l => l.Connector == "fxiaoke" && l.LocalId == id).Select(l => l.ExternalId).SingleAsync()));

        (await admin.PostAsync($"/api/orders/{id}/cancel", new { reason = "客户取消" })).Expect(HttpStatusCode.OK);
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderCancelled") == OutboxState.Done, "the cancellation delivered");
        Assert.Equal("Cancelled", remote["field_orderly_status__c"].Str());
        Assert.Single(fx.Writes, w => w.Path == "create");
        Assert.Equal(2, (await app.LogAsync("fxiaoke", "out")).Count(e => e.LocalId == id && e.Outcome != SyncOutcome.Failed));
    }

    [Fact]
    public async Task MalformedAnswer_FailsTheRun_WithAClearLogEntry_AndWritesNothing_AndBadCredentialsFailTheTest()
    {
        await using var fx = new FakeFxiaoke();
        await fx.StartAsync();
        var tag = TestData.Unique("FM").Replace("-", "", StringComparison.Ordinal);
        Seed(fx, tag);
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, fx, salesOrdersOut: false);
        fx.Faults.Enqueue("garbage");

        var problem = (await admin.PostAsync("/api/connectors/fxiaoke/sync")).ExpectProblem(HttpStatusCode.BadGateway);

        Assert.Equal("FxiaokeBadPayload", problem["code"].Str());
        Assert.Equal(0, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        var entry = (await app.LogAsync("fxiaoke", "in")).Last();
        Assert.Equal(("product", SyncOutcome.Failed), (entry.ObjectType, entry.Outcome));
        Assert.StartsWith("FxiaokeBadPayload: Fxiaoke answered 200 with a body that is not JSON", entry.Message, StringComparison.Ordinal);

        (await admin.PutAsync("/api/connectors/fxiaoke", new { enabled = true, secrets = new { appSecret = "wrong" } }, null)).Expect(HttpStatusCode.OK);
        var test = (await admin.PostAsync("/api/connectors/fxiaoke/test")).Expect(HttpStatusCode.OK);
        Assert.Equal((false, "FxiaokeAuthFailed"), (test["ok"]!.GetValue<bool>(), test["code"].Str()));
        (await admin.PutAsync("/api/connectors/fxiaoke", new { enabled = true, settings = new { appId = "x", pageSize = 5000 } }, null)).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        (await admin.PutAsync("/api/connectors/fxiaoke", new { enabled = true, settings = new { appId = "x", bogus = 1 } }, null)).ExpectProblem(HttpStatusCode.UnprocessableEntity);
    }

    private static void Seed(FakeFxiaoke fx, string tag)
    {
        fx.Of("AccountObj").AddRange(Enumerable.Range(0, 3).Select(i => new JsonObject
        {
            ["_id"] = $"{tag}-a{i}", ["name"] = $"上海华联 {i}", ["account_no"] = $"{tag}-C{i}", ["tel"] = "021-12345678", ["last_modified_time"] = 1767225600000 + i,
        }));
        fx.Of("ProductObj").AddRange(Enumerable.Range(0, 2).Select(i => new JsonObject
        {
            ["_id"] = $"{tag}-p{i}", ["name"] = $"螺丝 {i}", ["product_code"] = $"{tag}-P{i}", ["unit"] = "个", ["price"] = i == 0 ? "15.50" : "40",
        }));
    }

    private static JsonObject Order(string id, string name, string account) => new()
    {
        // 2027-01-15 00:00 in Shanghai is 2027-01-14 16:00 UTC: the business date must be China's.
        ["_id"] = id, ["name"] = name, ["account_id"] = account, ["order_time"] = 1767225600000, ["delivery_date"] = 1799942400000, ["last_modified_time"] = 1767225600000,
    };

    private static JsonObject Line(string id, string order, string product, object quantity, decimal price) => new()
    {
        ["_id"] = id, ["order_id"] = order, ["product_id"] = product, ["quantity"] = quantity is string s ? JsonValue.Create(s) : JsonValue.Create((int)quantity), ["sales_price"] = price,
    };

    private static async Task ConfigureAsync(HttpClient admin, FakeFxiaoke fx, bool salesOrdersOut) =>
        (await admin.PutAsync("/api/connectors/fxiaoke", new
        {
            enabled = true,
            settings = new
            {
                apiUrl = fx.Url, appId = FakeFxiaoke.AppId, currentOpenUserId = FakeFxiaoke.OpenUserId, pageSize = 2, salesOrdersOut,
                rateLimitCodes = new[] { FakeFxiaoke.RateLimitCode },
            },
            secrets = new { appSecret = FakeFxiaoke.AppSecret, permanentCode = FakeFxiaoke.PermanentCode },
        }, null)).Expect(HttpStatusCode.OK);
}

public sealed class FxiaokeConnectorTests_Sqlite(ConnectorSqliteApp app) : FxiaokeConnectorTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class FxiaokeConnectorTests_Postgres(ConnectorPostgresApp app) : FxiaokeConnectorTests(app), IClassFixture<ConnectorPostgresApp>;
