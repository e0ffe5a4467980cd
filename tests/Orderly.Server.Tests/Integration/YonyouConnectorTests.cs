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

    [Fact]
    public async Task IncrementalSync_CutOffBetweenPages_ResumesAtItsCursor_WithoutLossOrDuplicates()
    {
        await using var yy = new FakeYonyou();
        await yy.StartAsync();
        var tag = TestData.Unique("YC").Replace("-", "", StringComparison.Ordinal);
        // Nine materials in pubts order; two share a stamp (the id breaks the tie).
        int[] hours = [8, 9, 10, 11, 12, 12, 13, 14, 16];
        yy.Records["product"].AddRange(hours.Select((h, i) => Material(tag, i, $"2026-11-01 {h:D2}:00:00")).Reverse());
        using var admin = await app.AdminAsync();
        (await admin.PutAsync("/api/connectors/yonyou", new
        {
            enabled = true,
            settings = new { gatewayUrl = yy.Url, tokenUrl = yy.Url, appKey = FakeYonyou.AppKey, pageSize = 3, accountsIn = false },
            secrets = new { appSecret = FakeYonyou.AppSecret },
        }, null)).Expect(HttpStatusCode.OK);
        // A full sweep dies on its third page, after two pages were applied.
        foreach (var fault in new[] { "pass", "pass", "garbage" })
        {
            yy.Faults.Enqueue(fault);
        }

        (await admin.PostAsync("/api/connectors/yonyou/sync")).ExpectProblem(HttpStatusCode.BadGateway);

        Assert.Equal(5, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        var cut = await app.CursorAsync("yonyou", "product");
        Assert.Equal(("2026-11-01 12:00:00", $"{tag}p04", false), (cut!.Modified, cut.LastKey, cut.Complete));

        // Meanwhile a material already read changes (it moves to the end) and one is added.
        var changed = yy.Records["product"].Single(r => r["id"].Str() == $"{tag}p01");
        changed["name"] = new JsonObject { ["zh_CN"] = "深沟球轴承 1（改）" };
        changed["pubts"] = "2026-11-02 09:00:00";
        yy.Records["product"].Add(Material(tag, 9, "2026-11-01 18:00:00"));
        yy.Lists.Clear();

        var resumed = await app.IncrementalSyncAsync("yonyou");

        var first = yy.Lists.First(l => l.Kind == "product").Body;
        Assert.Equal(("pubts", "egt", "2026-11-01 12:00:00"), (first["simpleVOs"]![0]!["field"].Str(), first["simpleVOs"]![0]!["op"].Str(), first["simpleVOs"]![0]!["value1"].Str()));
        Assert.Equal((5, 1, 0), (resumed.Created, resumed.Updated, resumed.Failed));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{tag}-P{i:D2}"),
            await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync()));
        Assert.Equal("深沟球轴承 1（改）", await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-P01").Select(p => p.Name).SingleAsync()));
        var created = (await app.LogAsync("yonyou", "in")).Where(e => e.ExternalId?.StartsWith(tag, StringComparison.Ordinal) == true && e.Outcome == SyncOutcome.Created).ToList();
        Assert.Equal((10, 10), (created.Count, created.Select(e => e.ExternalId).Distinct().Count()));
        var done = await app.CursorAsync("yonyou", "product");
        Assert.Equal(("2026-11-02 09:00:00", $"{tag}p01", true), (done!.Modified, done.LastKey, done.Complete));

        // The next sweep starts a little before the end of the finished one: only the last record is read again.
        yy.Lists.Clear();
        var next = await app.IncrementalSyncAsync("yonyou");
        Assert.Equal("2026-11-02 08:58:00", yy.Lists.First(l => l.Kind == "product").Body["simpleVOs"]![0]!["value1"].Str());
        Assert.Equal((0, 0, 1), (next.Created, next.Updated, next.Unchanged));
    }

    private static JsonObject Material(string tag, int i, string pubts) => new()
    {
        ["id"] = $"{tag}p{i:D2}", ["code"] = $"{tag}-P{i:D2}", ["name"] = new JsonObject { ["zh_CN"] = $"深沟球轴承 {i}" }, ["unitName"] = "套", ["salePrice"] = 30 + i, ["pubts"] = pubts,
    };

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
