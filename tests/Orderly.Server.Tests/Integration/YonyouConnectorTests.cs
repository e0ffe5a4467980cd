using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Server.Platform.Events;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The Yonyou YonBIP connector against <see cref="FakeYonyou"/>: a signed token, merchants and materials in through
/// expired tokens, HTTP 429, the platform's own limit code, 5xx and timeouts, once; a confirmed order saved once even
/// when the answer is lost (resubmitCheckKey); a malformed answer fails the run with a clear log entry.
/// </summary>
public abstract class YonyouConnectorTests(ConnectorApp app)
{
    [Fact]
    public async Task Sync_ThroughExpiredTokensRateLimitsAnd5xx_BringsMerchantsAndMaterialsOnce()
    {
        await using var yy = new FakeYonyou();
        await yy.StartAsync();
        var tag = TestData.Unique("YY").Replace("-", "", StringComparison.Ordinal);
        Seed(yy, tag);
        yy.Records["product"].Add(new JsonObject { ["id"] = $"{tag}p9", ["code"] = $"{tag}-P9", ["name"] = new JsonObject { ["zh_CN"] = "坏价格" }, ["salePrice"] = "n/a" });
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, yy);
        foreach (var fault in new[] { "expire", "429", "limit", "500", "timeout", "expire" })
        {
            yy.Faults.Enqueue(fault);
        }

        var first = (await admin.PostAsync("/api/connectors/yonyou/sync")).Expect(HttpStatusCode.OK);

        Assert.Equal((5, 1), (first["created"]!.GetValue<int>(), first["failed"]!.GetValue<int>()));
        Assert.Empty(yy.Faults);
        Assert.Equal(3, yy.TokensIssued);
        Assert.Equal([($"{tag}-P0", "轴承 0", 20m), ($"{tag}-P1", "轴承 1", 21m), ($"{tag}-P2", "轴承 2", 22m)],
            (await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).OrderBy(p => p.Sku).Select(p => new { p.Sku, p.Name, p.ListPriceMinor }).ToListAsync()))
            .Select(p => (p.Sku, p.Name, p.ListPriceMinor / 100m)));
        Assert.Equal($"Material {tag}p9: salePrice 'n/a' is not a number.", Assert.Single(await app.LogAsync("yonyou", "in"), e => e.ExternalId == $"{tag}p9").Message);

        var second = (await admin.PostAsync("/api/connectors/yonyou/sync")).Expect(HttpStatusCode.OK);
        Assert.Equal((0, 5, 1), (second["created"]!.GetValue<int>(), second["unchanged"]!.GetValue<int>(), second["failed"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ConfirmedOrder_IsSavedOnce_EvenWhenTheAnswerIsLost()
    {
        await using var yy = new FakeYonyou();
        await yy.StartAsync();
        var tag = TestData.Unique("YO").Replace("-", "", StringComparison.Ordinal);
        Seed(yy, tag);
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, yy);
        (await admin.PostAsync("/api/connectors/yonyou/sync")).Expect(HttpStatusCode.OK);
        var customer = await app.WithDbAsync(db => db.Customers.Where(c => c.Code == $"{tag}-M1").Select(c => c.Id).SingleAsync());
        var product = await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-P1").Select(p => p.Id).SingleAsync());
        yy.Faults.Enqueue("save-then-500");

        var placed = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 3 } }, submit = true },
            r => r.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()))).Expect(HttpStatusCode.Created);
        var id = placed.Id();
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderConfirmed") == OutboxState.Done, "the order pushed to Yonyou");

        var order = Assert.Single(yy.Records["order"]);
        Assert.Equal((placed["number"].Str(), $"{tag}-M1", id.ToString("N")), (order["code"].Str(), order["agentId_code"].Str(), order["resubmitCheckKey"].Str()));
        var detail = order["orderDetails"]![0]!;
        Assert.Equal(($"{tag}-P1", 3m, 21m, 63m), (detail["productId_code"].Str(), detail["qty"].Dec(), detail["oriTaxUnitPrice"].Dec(), detail["oriSum"].Dec()));
        Assert.Equal(order["id"].Str(), await app.WithDbAsync(db => db.Set<ExternalLink>().Where(l => l.Connector == "yonyou" && l.LocalId == id).Select(l => l.ExternalId).SingleAsync()));
    }

    [Fact]
    public async Task MalformedAnswer_FailsTheRun_WithAClearLogEntry_AndAWrongSecretFailsTheTest()
    {
        await using var yy = new FakeYonyou();
        await yy.StartAsync();
        var tag = TestData.Unique("YM").Replace("-", "", StringComparison.Ordinal);
        Seed(yy, tag);
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, yy);
        yy.Faults.Enqueue("garbage");

        var problem = (await admin.PostAsync("/api/connectors/yonyou/sync")).ExpectProblem(HttpStatusCode.BadGateway);

        Assert.Equal("YonyouBadPayload", problem["code"].Str());
        Assert.Equal(0, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        Assert.StartsWith("YonyouBadPayload: Yonyou answered 200 with a body that is not JSON", (await app.LogAsync("yonyou", "in")).Last().Message, StringComparison.Ordinal);
        (await admin.PutAsync("/api/connectors/yonyou", new { enabled = true, secrets = new { appSecret = "wrong" } }, null)).Expect(HttpStatusCode.OK);
        var test = (await admin.PostAsync("/api/connectors/yonyou/test")).Expect(HttpStatusCode.OK);
        Assert.Equal((false, "YonyouAuthFailed"), (test["ok"]!.GetValue<bool>(), test["code"].Str()));
    }

    private static void Seed(FakeYonyou yy, string tag)
    {
        yy.Records["product"].AddRange(Enumerable.Range(0, 3).Select(i => new JsonObject
        {
            ["id"] = $"{tag}p{i}", ["code"] = $"{tag}-P{i}", ["name"] = new JsonObject { ["zh_CN"] = $"轴承 {i}" }, ["unitName"] = "套", ["salePrice"] = 20 + i, ["pubts"] = "2026-12-01 10:00:00",
        }));
        yy.Records["merchant"].AddRange(Enumerable.Range(0, 2).Select(i => new JsonObject
        {
            ["id"] = $"{tag}m{i}", ["code"] = $"{tag}-M{i}", ["name"] = new JsonObject { ["zh_CN"] = $"杭州商贸 {i}" },
        }));
    }

    private static async Task ConfigureAsync(HttpClient admin, FakeYonyou yy) =>
        (await admin.PutAsync("/api/connectors/yonyou", new
        {
            enabled = true,
            settings = new { gatewayUrl = yy.Url, tokenUrl = yy.Url, appKey = FakeYonyou.AppKey, pageSize = 2 },
            secrets = new { appSecret = FakeYonyou.AppSecret },
        }, null)).Expect(HttpStatusCode.OK);
}

public sealed class YonyouConnectorTests_Sqlite(ConnectorSqliteApp app) : YonyouConnectorTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class YonyouConnectorTests_Postgres(ConnectorPostgresApp app) : YonyouConnectorTests(app), IClassFixture<ConnectorPostgresApp>;
