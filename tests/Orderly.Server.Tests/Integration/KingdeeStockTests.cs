using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// Kingdee's stock (STK_Inventory) read through ExecuteBillQuery paged by StartRow/Limit against <see cref="FakeKingdee"/>,
/// through a 5xx and the call limit, summed per warehouse and SKU over lots and pages, and reconciled with Orderly's
/// on-hand stock in a report that changes nothing in Orderly's ledger. A class of its own: the report covers the whole
/// database, so its totals are exact only on a database no other test writes stock to.
/// </summary>
public abstract class KingdeeStockTests(ConnectorApp app)
{
    [Fact]
    public async Task Stock_IsReadPageByPage_SummedOverLots_AndReconciledPerWarehouseAndSku_WithoutTouchingTheLedger()
    {
        await using var kd = new FakeKingdee();
        await kd.StartAsync();
        var tag = TestData.Unique("KS").Replace("-", "", StringComparison.Ordinal);
        kd.Forms["BD_MATERIAL"].AddRange(Enumerable.Range(0, 4).Select(i => new JsonObject
        {
            ["FMaterialId"] = $"{tag}{i}", ["FNumber"] = $"{tag}-M{i}", ["FName"] = $"钢管 {i}", ["FBaseUnitId.FNumber"] = "Pcs", ["FForbidStatus"] = "A",
            ["FModifyDate"] = $"2026-11-0{i + 1}T08:00:00",
        }));
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var (w1, w2) = ($"{tag}-W1", $"{tag}-W2");
        var w1Id = await data.WarehouseAsync(code: w1);
        var w2Id = await data.WarehouseAsync(code: w2);
        (await admin.PutAsync("/api/connectors/kingdee", new
        {
            enabled = true,
            settings = new
            {
                serverUrl = kd.Url, acctId = FakeKingdee.AcctId, userName = FakeKingdee.User, authMode = "signature", appId = FakeKingdee.AppId, limit = 2,
                accountsIn = false, stockIn = true, warehouseMap = new Dictionary<string, string> { ["CK01"] = w1 },
            },
            secrets = new { appSecret = $"{FakeKingdee.ClientSecret}|{FakeKingdee.AppSecret}" },
        }, null)).Expect(HttpStatusCode.OK);
        (await admin.GetJsonAsync("/api/connectors/kingdee/stock")).ExpectProblem(HttpStatusCode.Conflict);
        kd.Forms["STK_Inventory"].AddRange(new (string Sku, string Stock, JsonNode Qty, string Org)[]
        {
            ($"{tag}-M0", "CK01", 10, "100"), ($"{tag}-M0", "CK01", 5, "100"), ($"{tag}-M0", "CK01", 2.5m, "100"), ($"{tag}-M1", "CK01", 8, "100"),
            ($"{tag}-M2", w2, 4, "100"), ("NOT-IN-ORDERLY", "CK01", 3, "100"), ($"{tag}-M1", "CK99", 6, "100"), ($"{tag}-M3", "CK01", 7, "200"),
            ($"{tag}-M2", "CK01", "n/a", "100"),
        }.Select((r, i) => new JsonObject
        {
            ["FMaterialId.FNumber"] = r.Sku, ["FStockId.FNumber"] = r.Stock, ["FBaseQty"] = r.Qty, ["FLot.FNumber"] = $"L{i}", ["FStockOrgId.FNumber"] = r.Org,
        }));
        (await admin.PostAsync("/api/connectors/kingdee/sync")).Expect(HttpStatusCode.OK);
        var product = await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).ToDictionaryAsync(p => p.Sku, p => p.Id));
        await data.ReceiveAsync(w1Id, product[$"{tag}-M0"], 20);
        await data.ReceiveAsync(w1Id, product[$"{tag}-M1"], 8);
        await data.ReceiveAsync(w2Id, product[$"{tag}-M3"], 5);
        var ledger = await app.WithDbAsync(db => db.StockLedger.CountAsync());
        kd.Calls.Clear();
        // Materials (3 pages of 2) pass; the stock's second page meets a 5xx, then the call limit, and is read once.
        foreach (var fault in new[] { "pass", "pass", "pass", "pass", "500", "limit" })
        {
            kd.Faults.Enqueue(fault);
        }

        (await admin.PostAsync("/api/connectors/kingdee/sync")).Expect(HttpStatusCode.OK);

        Assert.Empty(kd.Faults);
        var stockCalls = kd.Calls.Where(c => c.Body["data"]!["FormId"].Str() == "STK_Inventory").Select(c => c.Body["data"]!).ToList();
        Assert.Equal([0, 2, 4, 6, 8], stockCalls.Select(c => c["StartRow"]!.GetValue<int>()));
        Assert.All(stockCalls, c => Assert.Equal((2, "FStockOrgId.FNumber='100'"), (c["Limit"]!.GetValue<int>(), c["FilterString"].Str())));
        // The query asks for the fields of the map the mapping page shows.
        var mappings = (await admin.GetJsonAsync("/api/connectors/mappings")).Expect(HttpStatusCode.OK).AsArray();
        var stockMap = mappings.Single(m => m!["kind"].Str() == "kingdee")!["objects"]!.AsArray().Single(o => o!["remoteObject"].Str() == "STK_Inventory")!;
        Assert.Equal(string.Join(',', stockMap["fields"]!.AsArray().Select(f => f!["remote"].Str())), stockCalls[0]["FieldKeys"].Str());

        var report = (await admin.GetJsonAsync("/api/connectors/kingdee/stock")).Expect(HttpStatusCode.OK);
        Assert.Equal(8, report["erpRows"]!.GetValue<int>());
        Assert.Equal(
            [("CK99", $"{tag}-M1", (decimal?)null, (decimal?)6m, -6m, "UnknownWarehouse"), (w1, $"{tag}-M0", 20m, 17.5m, 2.5m, "Differs"), (w1, $"{tag}-M1", 8m, 8m, 0m, "Match"),
             (w2, $"{tag}-M2", null, 4m, -4m, "OnlyInErp"), (w2, $"{tag}-M3", 5m, null, 5m, "OnlyInOrderly"), (w1, "NOT-IN-ORDERLY", null, 3m, -3m, "UnknownProduct")],
            report["items"]!.AsArray().Select(i => (i!["warehouseCode"].Str(), i["sku"].Str(), i["orderlyOnHand"]?.GetValue<decimal>(), i["erpQuantity"]?.GetValue<decimal>(),
                i["difference"].Dec(), i["status"].Str())).OrderBy(i => i.Item6 == "UnknownProduct").ThenBy(i => i.Item1, StringComparer.Ordinal).ThenBy(i => i.Item2, StringComparer.Ordinal));
        Assert.Equal("CK01", report["items"]!.AsArray().Single(i => i!["sku"].Str() == $"{tag}-M0")!["erpWarehouse"].Str());
        Assert.Equal(product[$"{tag}-M0"], report["items"]!.AsArray().Single(i => i!["sku"].Str() == $"{tag}-M0")!["productId"]!.GetValue<Guid>());
        Assert.Equal((1, 1, 1, 1, 1, 1), (Total(report, "Match"), Total(report, "Differs"), Total(report, "OnlyInOrderly"), Total(report, "OnlyInErp"),
            Total(report, "UnknownProduct"), Total(report, "UnknownWarehouse")));
        var logged = (await app.LogAsync("kingdee", "in")).Last(e => e.ObjectType == "stock");
        Assert.Equal(SyncOutcome.Failed, logged.Outcome);
        Assert.StartsWith("8 STK_Inventory rows read into 5 warehouse × SKU figures; 1 rows unreadable: STK_Inventory row 4: material", logged.Message, StringComparison.Ordinal);

        // A report, not a write: Orderly's ledger and balances are as they were.
        Assert.Equal(ledger, await app.WithDbAsync(db => db.StockLedger.CountAsync()));
        Assert.Equal(20m, (await data.StockAsync(product[$"{tag}-M0"], w1Id))["onHand"].Dec());

        // Filtered by status, and paged.
        var differs = (await admin.GetJsonAsync("/api/connectors/kingdee/stock?status=differs")).Expect(HttpStatusCode.OK);
        Assert.Equal($"{tag}-M0", Assert.Single(differs["items"]!.AsArray())!["sku"].Str());
        var first = (await admin.GetJsonAsync("/api/connectors/kingdee/stock?limit=4")).Expect(HttpStatusCode.OK);
        var rest = (await admin.GetJsonAsync($"/api/connectors/kingdee/stock?limit=4&cursor={first["nextCursor"].Str()}")).Expect(HttpStatusCode.OK);
        Assert.Equal((4, 2), (first["items"]!.AsArray().Count, rest["items"]!.AsArray().Count));
        Assert.Null(rest["nextCursor"]);
        (await admin.GetJsonAsync("/api/connectors/kingdee/stock?status=Sideways")).ExpectViolations(("status", "InvalidStatus"));
        (await admin.GetJsonAsync("/api/connectors/kingdee/stock?cursor=zz")).ExpectViolations(("cursor", "InvalidCursor"));

        // A read cut off after its first page is never reported: the report stays on the last complete one.
        var snapshot = report["snapshotId"].Str();
        kd.Faults.Enqueue("pass");
        kd.Faults.Enqueue("pass");
        kd.Faults.Enqueue("pass");
        kd.Faults.Enqueue("pass");
        kd.Faults.Enqueue("garbage");
        (await admin.PostAsync("/api/connectors/kingdee/sync")).ExpectProblem(HttpStatusCode.BadGateway);
        Assert.Equal(snapshot, (await admin.GetJsonAsync("/api/connectors/kingdee/stock")).Expect(HttpStatusCode.OK)["snapshotId"].Str());

        // The next complete read replaces both: one snapshot is kept.
        kd.Forms["STK_Inventory"].RemoveAt(8);
        var again = (await admin.PostAsync("/api/connectors/kingdee/sync")).Expect(HttpStatusCode.OK);
        var latest = (await admin.GetJsonAsync("/api/connectors/kingdee/stock")).Expect(HttpStatusCode.OK);
        Assert.NotEqual(snapshot, latest["snapshotId"].Str());
        Assert.Equal((7, 1), (latest["erpRows"]!.GetValue<int>(), await app.WithDbAsync(db => db.Set<ErpStockSnapshot>().CountAsync())));
        Assert.Equal(SyncOutcome.Updated, (await app.LogAsync("kingdee", "in")).Last(e => e.ObjectType == "stock").Outcome);
        Assert.Equal(0, again["created"]!.GetValue<int>());
    }

    private static int Total(JsonNode report, string status) => report["totals"]![status]!.GetValue<int>();
}

public sealed class KingdeeStockTests_Sqlite(ConnectorSqliteApp app) : KingdeeStockTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class KingdeeStockTests_Postgres(ConnectorPostgresApp app) : KingdeeStockTests(app), IClassFixture<ConnectorPostgresApp>;
