using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Server.Platform.Events;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The Kingdee K/3 Cloud connector against <see cref="FakeKingdee"/>: BD_MATERIAL and BD_Customer come in page by page
/// through a lost session, the call limit (MsgCode 14), 5xx and timeouts, once; a confirmed order goes out as
/// SAL_SaleOrder Save, Submit, Audit with signed headers, exactly once even when the answer to Save is lost.
/// </summary>
public abstract class KingdeeConnectorTests(ConnectorApp app)
{
    [Fact]
    public async Task Sync_ThroughLostSessionsCallLimitsAnd5xx_BringsMaterialsAndCustomersOnce()
    {
        await using var kd = new FakeKingdee();
        await kd.StartAsync();
        var tag = TestData.Unique("KD").Replace("-", "", StringComparison.Ordinal);
        Seed(kd, tag);
        kd.Forms["BD_MATERIAL"].Add(new JsonObject { ["FMaterialId"] = $"{tag}9", ["FNumber"] = null, ["FName"] = "无编码物料" });
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, kd, signed: false);
        foreach (var fault in new[] { "expire", "limit", "500", "timeout", "limit", "expire" })
        {
            kd.Faults.Enqueue(fault);
        }

        var first = (await admin.PostAsync("/api/connectors/kingdee/sync")).Expect(HttpStatusCode.OK);

        Assert.Equal((6, 1), (first["created"]!.GetValue<int>(), first["failed"]!.GetValue<int>()));
        Assert.Empty(kd.Faults);
        Assert.Equal(3, kd.Logins);
        Assert.Equal([($"{tag}-M0", "钢板 0", "kg"), ($"{tag}-M1", "钢板 1", "kg"), ($"{tag}-M2", "钢板 2", "kg"), ($"{tag}-M3", "钢板 3", "kg")],
            (await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).OrderBy(p => p.Sku).Select(p => new { p.Sku, p.Name, p.Unit }).ToListAsync()))
            .Select(p => (p.Sku, p.Name, p.Unit)));
        var refused = Assert.Single(await app.LogAsync("kingdee", "in"), e => e.Outcome == SyncOutcome.Failed && e.ExternalId == $"{tag}9");
        Assert.Equal($"BD_MATERIAL {tag}9 has no FNumber or too few fields.", refused.Message);

        var second = (await admin.PostAsync("/api/connectors/kingdee/sync")).Expect(HttpStatusCode.OK);
        Assert.Equal((0, 0, 6, 1), (second["created"]!.GetValue<int>(), second["updated"]!.GetValue<int>(), second["unchanged"]!.GetValue<int>(), second["failed"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ConfirmedOrder_IsSavedSubmittedAndAuditedOnce_EvenWhenTheSaveAnswerIsLost()
    {
        await using var kd = new FakeKingdee();
        await kd.StartAsync();
        var tag = TestData.Unique("KO").Replace("-", "", StringComparison.Ordinal);
        Seed(kd, tag);
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, kd, signed: true);
        (await admin.PostAsync("/api/connectors/kingdee/sync")).Expect(HttpStatusCode.OK);
        Assert.Equal(0, kd.Logins);
        var customer = await app.WithDbAsync(db => db.Customers.Where(c => c.Code == $"{tag}-C1").Select(c => c.Id).SingleAsync());
        var product = await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-M2").Select(p => p.Id).SingleAsync());
        var data = new TestData(admin);
        await data.ReceiveAsync(await data.WarehouseAsync(), product, 10);
        // The look-up for an existing bill meets the call limit, then passes; the Save is committed and its answer lost.
        foreach (var fault in new[] { "limit", "pass", "save-then-500" })
        {
            kd.Faults.Enqueue(fault);
        }

        var placed = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 6, unitPrice = 12.5m } }, submit = true },
            r => r.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()))).Expect(HttpStatusCode.Created);
        var id = placed.Id();
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderConfirmed") == OutboxState.Done, "the order pushed to Kingdee");

        var bill = Assert.Single(kd.Forms["SAL_SaleOrder"]);
        Assert.Equal((placed["number"].Str(), "C", $"{tag}-C1"), (bill["FBillNo"].Str(), bill["FDocumentStatus"].Str(), bill["FCustId"]!["FNumber"].Str()));
        var entry = bill["FSaleOrderEntry"]![0]!;
        Assert.Equal(($"{tag}-M2", 6m, 12.5m, "kg"), (entry["FMaterialId"]!["FNumber"].Str(), entry["FQty"].Dec(), entry["FTaxPrice"].Dec(), entry["FUnitID"]!["FNumber"].Str()));
        Assert.Equal(bill["FID"].Str(), await app.WithDbAsync(db => db.Set<ExternalLink>().Where(l => l.Connector == "kingdee" && l.LocalId == id).Select(l => l.ExternalId).SingleAsync()));
        var log = (await app.LogAsync("kingdee", "out")).Where(e => e.LocalId == id).ToList();
        Assert.Equal([SyncOutcome.Failed, SyncOutcome.Created], log.Select(e => e.Outcome));
        Assert.Contains("KingdeeMsgCode11", log[0].Message, StringComparison.Ordinal);
        Assert.Equal(0, kd.Logins);

        // The shipment's carrier and tracking number go back to the bill's logistics trace, once, through a lost answer.
        kd.Faults.Enqueue("500");
        var lineId = placed["lines"]![0]!["id"]!.GetValue<Guid>();
        (await admin.PostAsync($"/api/orders/{id}/shipments", new { lines = new[] { new { lineId, quantity = 6 } }, carrier = "顺丰", trackingNumber = "SF1234567890123" }))
            .Expect(HttpStatusCode.Created);
        await ConnectorApp.EventuallyAsync(async () => await app.EventStateAsync(id, "OrderShipped") == OutboxState.Done, "the tracking number written to Kingdee");
        var trace = Assert.Single(bill["FSalOrderTrace"]!.AsArray())!;
        Assert.Equal(("SF", "SF1234567890123"), (trace["FLogComId"]!["FCode"].Str(), trace["FCarryBillNo"].Str()));
        Assert.Equal(("C", $"{tag}-C1"), (bill["FDocumentStatus"].Str(), bill["FCustId"]!["FNumber"].Str()));
    }

    [Fact]
    public async Task MalformedAnswer_FailsTheRun_WithAClearLogEntry_AndAWrongPasswordFailsTheTest()
    {
        await using var kd = new FakeKingdee();
        await kd.StartAsync();
        var tag = TestData.Unique("KM").Replace("-", "", StringComparison.Ordinal);
        Seed(kd, tag);
        using var admin = await app.AdminAsync();
        await ConfigureAsync(admin, kd, signed: false);
        kd.Faults.Enqueue("garbage");

        var problem = (await admin.PostAsync("/api/connectors/kingdee/sync")).ExpectProblem(HttpStatusCode.BadGateway);

        Assert.Equal("KingdeeBadPayload", problem["code"].Str());
        Assert.Equal(0, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        Assert.StartsWith("KingdeeBadPayload: Kingdee answered 200 with a body that is not JSON", (await app.LogAsync("kingdee", "in")).Last().Message, StringComparison.Ordinal);
        (await admin.PutAsync("/api/connectors/kingdee", new { enabled = true, secrets = new { password = "wrong" } }, null)).Expect(HttpStatusCode.OK);
        var test = (await admin.PostAsync("/api/connectors/kingdee/test")).Expect(HttpStatusCode.OK);
        Assert.Equal((false, "KingdeeAuthFailed"), (test["ok"]!.GetValue<bool>(), test["code"].Str()));
    }

    [Fact]
    public async Task IncrementalSync_CutOffBetweenPages_ResumesAtItsCursor_WithoutLossOrDuplicates()
    {
        await using var kd = new FakeKingdee();
        await kd.StartAsync();
        var tag = TestData.Unique("KC").Replace("-", "", StringComparison.Ordinal);
        // Eleven materials over four pages of three, in FModifyDate order; two share a stamp (the id breaks the tie).
        string[] stamps = ["01T08", "01T09", "01T10", "01T11", "01T12", "01T12", "01T13", "01T14", "01T15", "01T16", "01T17"];
        kd.Forms["BD_MATERIAL"].AddRange(stamps.Select((stamp, i) => Material(tag, i, $"2026-11-{stamp}:00:00")).Reverse());
        using var admin = await app.AdminAsync();
        (await admin.PutAsync("/api/connectors/kingdee", new
        {
            enabled = true,
            settings = new { serverUrl = kd.Url, acctId = FakeKingdee.AcctId, userName = FakeKingdee.User, authMode = "signature", appId = FakeKingdee.AppId, limit = 3, accountsIn = false },
            secrets = new { appSecret = $"{FakeKingdee.ClientSecret}|{FakeKingdee.AppSecret}" },
        }, null)).Expect(HttpStatusCode.OK);
        // A full sweep dies on its third page, after two pages were applied.
        foreach (var fault in new[] { "pass", "pass", "garbage" })
        {
            kd.Faults.Enqueue(fault);
        }

        (await admin.PostAsync("/api/connectors/kingdee/sync")).ExpectProblem(HttpStatusCode.BadGateway);

        Assert.Equal(6, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        var cut = await app.CursorAsync("kingdee", "product");
        Assert.Equal(("2026-11-01T12:00:00", $"{tag}05", false), (cut!.Modified, cut.LastKey, cut.Complete));

        // Meanwhile the ERP changes a material already read (it moves to the end) and adds one.
        kd.Forms["BD_MATERIAL"].Single(m => m["FMaterialId"].Str() == $"{tag}01")["FName"] = "无缝钢管 1（改）";
        kd.Forms["BD_MATERIAL"].Single(m => m["FMaterialId"].Str() == $"{tag}01")["FModifyDate"] = "2026-11-02T09:00:00";
        kd.Forms["BD_MATERIAL"].Add(Material(tag, 11, "2026-11-01T18:00:00"));
        kd.Calls.Clear();

        var resumed = await app.IncrementalSyncAsync("kingdee");

        var queries = kd.Calls.Where(c => c.Operation == "ExecuteBillQuery").Select(c => c.Body["data"]!["FilterString"].Str()).ToList();
        Assert.Equal($"FModifyDate>'2026-11-01T12:00:00' OR (FModifyDate='2026-11-01T12:00:00' AND FMaterialId>'{tag}05')", queries[0]);
        Assert.Equal((6, 1, 0), (resumed.Created, resumed.Updated, resumed.Failed));
        var skus = await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync());
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"{tag}-M{i:D2}"), skus);
        Assert.Equal("无缝钢管 1（改）", await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-M01").Select(p => p.Name).SingleAsync()));
        Assert.Equal(12, await app.WithDbAsync(db => db.Set<ExternalLink>().CountAsync(l => l.Connector == "kingdee" && l.ExternalId.StartsWith(tag))));
        var created = (await app.LogAsync("kingdee", "in")).Where(e => e.ExternalId?.StartsWith(tag, StringComparison.Ordinal) == true && e.Outcome == SyncOutcome.Created).Select(e => e.ExternalId).ToList();
        Assert.Equal(12, created.Count);
        Assert.Equal(12, created.Distinct().Count());
        var done = await app.CursorAsync("kingdee", "product");
        Assert.Equal(("2026-11-02T09:00:00", $"{tag}01", true), (done!.Modified, done.LastKey, done.Complete));

        // A finished sweep is followed by one that starts a little before its end: only the last record is read again.
        kd.Calls.Clear();
        var next = await app.IncrementalSyncAsync("kingdee");
        Assert.Equal("FModifyDate>='2026-11-02T08:58:00'", kd.Calls.First(c => c.Operation == "ExecuteBillQuery").Body["data"]!["FilterString"].Str());
        Assert.Equal((0, 0, 1), (next.Created, next.Updated, next.Unchanged));
    }

    private static JsonObject Material(string tag, int i, string modified) => new()
    {
        ["FMaterialId"] = $"{tag}{i:D2}", ["FNumber"] = $"{tag}-M{i:D2}", ["FName"] = $"无缝钢管 {i}", ["FBaseUnitId.FNumber"] = "Pcs", ["FForbidStatus"] = "A", ["FModifyDate"] = modified,
    };

    private static void Seed(FakeKingdee kd, string tag)
    {
        kd.Forms["BD_MATERIAL"].AddRange(Enumerable.Range(0, 4).Select(i => new JsonObject
        {
            ["FMaterialId"] = $"{tag}{i}", ["FNumber"] = $"{tag}-M{i}", ["FName"] = $"钢板 {i}", ["FBaseUnitId.FNumber"] = "kg", ["FForbidStatus"] = "A",
        }));
        kd.Forms["BD_Customer"].AddRange(Enumerable.Range(0, 2).Select(i => new JsonObject
        {
            ["FCUSTID"] = $"{tag}{i}", ["FNumber"] = $"{tag}-C{i}", ["FName"] = $"苏州精工 {i}", ["FShortName"] = "精工",
        }));
    }

    private static async Task ConfigureAsync(HttpClient admin, FakeKingdee kd, bool signed) =>
        (await admin.PutAsync("/api/connectors/kingdee", new
        {
            enabled = true,
            settings = new { serverUrl = kd.Url, acctId = FakeKingdee.AcctId, userName = FakeKingdee.User, authMode = signed ? "signature" : "session", appId = FakeKingdee.AppId, limit = 2 },
            secrets = new { password = FakeKingdee.Password, appSecret = $"{FakeKingdee.ClientSecret}|{FakeKingdee.AppSecret}" },
        }, null)).Expect(HttpStatusCode.OK);
}

public sealed class KingdeeConnectorTests_Sqlite(ConnectorSqliteApp app) : KingdeeConnectorTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class KingdeeConnectorTests_Postgres(ConnectorPostgresApp app) : KingdeeConnectorTests(app), IClassFixture<ConnectorPostgresApp>;
