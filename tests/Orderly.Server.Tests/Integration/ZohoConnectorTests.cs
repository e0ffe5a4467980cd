using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The Zoho CRM connector against <see cref="FakeZoho"/>: settings with encrypted secrets, test connection, an inbound
/// sync of Products and Accounts over several pages that lives through expired tokens, 429s, 5xx and timeouts and
/// then matches the fake record for record, a second run that duplicates nothing, and changed records updated.
/// </summary>
public abstract class ZohoConnectorTests(OrderlyApp app)
{
    [Fact]
    public async Task Sync_ThroughExpiredTokens429s5xxAndTimeouts_LosesNothing_DuplicatesNothing_AndUpdatesChanges()
    {
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        var tag = TestData.Unique("Z").Replace("-", "", StringComparison.Ordinal);
        zoho.Modules["Products"] = [.. Enumerable.Range(0, 450).Select(i => new JsonObject
        {
            ["id"] = $"41508680000{i:D6}", ["Product_Name"] = $"产品 {i}", ["Product_Code"] = $"{tag}-{i:D4}", ["Unit_Price"] = 10.5 + i,
            ["Product_Active"] = true, ["Modified_Time"] = "2026-01-01T00:00:00+08:00",
        })];
        zoho.Modules["Accounts"] = [.. Enumerable.Range(0, 30).Select(i => new JsonObject
        {
            ["id"] = $"52000000000{i:D6}", ["Account_Name"] = $"上海客户 {i}", ["Account_Number"] = $"{tag}-A{i:D3}", ["Billing_City"] = "上海",
        })];
        using var admin = await app.AdminAsync();
        (await admin.PutAsync("/api/connectors/zoho-crm", new
        {
            enabled = true,
            settings = new { dataCentre = "CN", clientId = FakeZoho.ClientId, apiUrl = zoho.Url, accountsUrl = zoho.Url, perPage = 100 },
            secrets = new { clientSecret = FakeZoho.ClientSecret, refreshToken = FakeZoho.RefreshToken },
        }, null)).Expect(HttpStatusCode.OK);
        foreach (var fault in new[] { "expire", "429", "500", "timeout", "503", "429", "expire" })
        {
            zoho.Faults.Enqueue(fault);
        }

        var first = (await admin.PostAsync("/api/connectors/zoho-crm/sync")).Expect(HttpStatusCode.OK);

        Assert.Equal((480, 0, 0), (first["created"]!.GetValue<int>(), first["updated"]!.GetValue<int>(), first["failed"]!.GetValue<int>()));
        Assert.Empty(zoho.Faults);
        var local = await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).OrderBy(p => p.Sku).Select(p => new { p.Sku, p.Name, p.ListPriceMinor }).ToListAsync());
        Assert.Equal(450, local.Count);
        Assert.Equal(Enumerable.Range(0, 450).Select(i => ($"{tag}-{i:D4}", $"产品 {i}", (long)((10.5m + i) * 100))), local.Select(p => (p.Sku, p.Name, p.ListPriceMinor)));
        Assert.Equal(30, await app.WithDbAsync(db => db.Customers.CountAsync(c => c.Code.StartsWith(tag))));
        Assert.Equal(480, await app.WithDbAsync(db => db.Set<ExternalLink>().CountAsync(l => l.Connector == "zoho-crm")));
        Assert.True(zoho.TokensUsed <= 3, $"{zoho.TokensUsed} tokens used ({zoho.TokensIssued} issued): the token is cached and refreshed only when expired");

        foreach (var fault in new[] { "429", "500", "expire", "timeout" })
        {
            zoho.Faults.Enqueue(fault);
        }

        var products = zoho.Modules["Products"];
        products[7]["Product_Name"] = "改名产品";
        products[300]["Unit_Price"] = 99.9;
        zoho.Modules["Accounts"][3]["Account_Name"] = "新名字客户";
        var second = (await admin.PostAsync("/api/connectors/zoho-crm/sync")).Expect(HttpStatusCode.OK);

        Assert.Equal((0, 3, 477, 0), (second["created"]!.GetValue<int>(), second["updated"]!.GetValue<int>(), second["unchanged"]!.GetValue<int>(), second["failed"]!.GetValue<int>()));
        Assert.Equal(450, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        Assert.Equal("改名产品", await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-0007").Select(p => p.Name).SingleAsync()));
        Assert.Equal(9990, await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-0300").Select(p => p.ListPriceMinor).SingleAsync()));

        var log = (await admin.GetJsonAsync($"/api/connectors/zoho-crm/log?runId={second["runId"].Str()}&limit=200")).Expect(HttpStatusCode.OK).AsArray();
        // Newest first, 200 at most: the accounts (swept last) and the last products of the run.
        Assert.Equal(200, log.Count);
        Assert.All(log, e => Assert.Equal(second["runId"].Str(), e!["runId"].Str()));
        Assert.Contains(log, e => e!["externalId"].Str() == "52000000000000003" && e["outcome"].Str() == "Updated");
        Assert.Contains(log, e => e!["externalId"].Str() == "41508680000000300" && e["outcome"].Str() == "Updated");
    }

    [Fact]
    public async Task Secrets_AreEncryptedAtRest_NeverShown_AndABadSecretFailsTheTest()
    {
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        using var admin = await app.AdminAsync();
        (await admin.PutAsync("/api/connectors/zoho-crm", new
        {
            enabled = true,
            settings = new { clientId = FakeZoho.ClientId, apiUrl = zoho.Url, accountsUrl = zoho.Url },
            secrets = new { clientSecret = "wrong-secret-value", refreshToken = FakeZoho.RefreshToken },
        }, null)).Expect(HttpStatusCode.OK);

        var stored = await app.WithDbAsync(db => db.Set<ConnectorConfig>().SingleAsync(c => c.Kind == "zoho-crm"));
        Assert.DoesNotContain("wrong-secret-value", stored.ProtectedSecrets, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeZoho.RefreshToken, stored.ProtectedSecrets, StringComparison.Ordinal);
        var listed = (await admin.GetJsonAsync("/api/connectors")).Expect(HttpStatusCode.OK).ToJsonString();
        Assert.DoesNotContain("wrong-secret-value", listed, StringComparison.Ordinal);
        Assert.Contains("clientSecret", listed, StringComparison.Ordinal);

        var bad = (await admin.PostAsync("/api/connectors/zoho-crm/test")).Expect(HttpStatusCode.OK);
        Assert.Equal((false, "ZohoAuthFailed"), (bad["ok"]!.GetValue<bool>(), bad["code"].Str()));

        (await admin.PutAsync("/api/connectors/zoho-crm", new { enabled = true, secrets = new { clientSecret = FakeZoho.ClientSecret } }, null)).Expect(HttpStatusCode.OK);
        zoho.Modules["Products"] = [];
        var good = (await admin.PostAsync("/api/connectors/zoho-crm/test")).Expect(HttpStatusCode.OK);
        Assert.True(good["ok"]!.GetValue<bool>(), good.ToJsonString());

        using var manager = await app.UserAsync("connector-manager@orderly.test", "SalesManager");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetJsonAsync("/api/connectors")).Status);
        (await admin.PostAsync("/api/connectors/kingdee/sync")).ExpectProblem(HttpStatusCode.Conflict);
        (await admin.GetJsonAsync("/api/connectors/nope/log")).ExpectProblem(HttpStatusCode.NotFound);
    }
}

public sealed class ZohoConnectorTests_Sqlite(ConnectorSqliteApp app) : ZohoConnectorTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class ZohoConnectorTests_Postgres(ConnectorPostgresApp app) : ZohoConnectorTests(app), IClassFixture<ConnectorPostgresApp>;
