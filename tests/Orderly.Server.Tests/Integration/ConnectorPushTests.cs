using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The vendors' pushes through the real pipeline: each fake vendor's side signs (and for Fxiaoke and Yonyou encrypts)
/// a push exactly as the vendor does, posts it to the anonymous callback, gets <c>success</c> at once, and the records
/// it names arrive through the outbox; a replay is recorded once, a tampered or stale signature is a 401
/// problem, and no body, content type or control character makes a 500.
/// </summary>
public abstract class ConnectorPushTests(ConnectorApp app)
{
    [Fact]
    public async Task Fxiaoke_SignedEncryptedCallback_IsAnsweredAtOnce_SyncsTheProduct_OnceForReplays_AndTamperingIsRefused()
    {
        await using var fx = new FakeFxiaoke();
        await fx.StartAsync();
        var tag = TestData.Unique("FP").Replace("-", "", StringComparison.Ordinal);
        fx.Of("ProductObj").Add(new JsonObject { ["_id"] = $"{tag}-p0", ["name"] = "推送螺丝", ["product_code"] = $"{tag}-P0", ["unit"] = "个", ["price"] = "12.30" });
        using var admin = await app.AdminAsync();
        (await admin.PutAsync("/api/connectors/fxiaoke", new
        {
            enabled = true,
            settings = new { apiUrl = fx.Url, appId = FakeFxiaoke.AppId, currentOpenUserId = FakeFxiaoke.OpenUserId, accountsIn = false, salesOrdersIn = false },
            secrets = new { appSecret = FakeFxiaoke.AppSecret, permanentCode = FakeFxiaoke.PermanentCode, callbackToken = FakeFxiaoke.CallbackToken, encodingAesKey = VendorPush.EncodingAesKey },
        }, null)).Expect(HttpStatusCode.OK);
        using var anonymous = app.Anonymous();
        var message = new JsonObject { ["type"] = "Message", ["eventId"] = $"{tag}-e1", ["objectApiName"] = "ProductObj", ["dataId"] = $"{tag}-p0" };
        var push = VendorPush.Fxiaoke(FakeFxiaoke.CallbackToken, VendorPush.EncodingAesKey, message, DateTimeOffset.UtcNow).ToJsonString();

        var clock = Stopwatch.StartNew();
        var answer = await PostRawAsync(anonymous, "/api/integrations/fxiaoke/callback", push);
        clock.Stop();

        Assert.Equal((HttpStatusCode.OK, "success"), answer);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"answered in {clock.Elapsed}");
        await ConnectorApp.EventuallyAsync(() => app.WithDbAsync(db => db.Products.AnyAsync(p => p.Sku == $"{tag}-P0" && p.ListPriceMinor == 1230)), "the pushed product synced");

        // Fxiaoke retries when an answer is slow or lost: the same push again, twice.
        Assert.Equal((HttpStatusCode.OK, "success"), await PostRawAsync(anonymous, "/api/integrations/fxiaoke/callback", push));
        Assert.Equal((HttpStatusCode.OK, "success"), await PostRawAsync(anonymous, "/api/integrations/fxiaoke/callback", push));
        var pushes = await app.WithDbAsync(db => db.Set<ConnectorPush>().Where(p => p.Connector == "fxiaoke" && p.EventId == $"{tag}-e1").ToListAsync());
        var recorded = Assert.Single(pushes);
        Assert.Equal(("product", $"{tag}-p0"), (recorded.ObjectType, recorded.ExternalIds));
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "ConnectorChangeReceived" && m.AggregateId == recorded.Id.ToString())));
        Assert.Equal(1, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku == $"{tag}-P0")));

        // A tampered signature, a changed content under the old signature, a stale timestamp, another token: refused, nothing recorded.
        var other = new JsonObject { ["eventId"] = $"{tag}-e2", ["objectApiName"] = "ProductObj" };
        var good = VendorPush.Fxiaoke(FakeFxiaoke.CallbackToken, VendorPush.EncodingAesKey, other, DateTimeOffset.UtcNow);
        var tampered = (JsonObject)good.DeepClone();
        var sig = good["sig"]!.GetValue<string>();
        tampered["sig"] = (sig[0] == 'a' ? "b" : "a") + sig[1..];
        var swapped = (JsonObject)good.DeepClone();
        swapped["content"] = VendorPush.Encrypt(VendorPush.EncodingAesKey, other.ToJsonString(), FakeFxiaoke.AppId);
        foreach (var refused in new[]
        {
            tampered, swapped,
            VendorPush.Fxiaoke(FakeFxiaoke.CallbackToken, VendorPush.EncodingAesKey, other, DateTimeOffset.UtcNow.AddMinutes(-20)),
            VendorPush.Fxiaoke("someone-elses-token", VendorPush.EncodingAesKey, other, DateTimeOffset.UtcNow),
        })
        {
            var problem = (await anonymous.PostAsync("/api/integrations/fxiaoke/callback", refused.ToJsonString())).ExpectProblem(HttpStatusCode.Unauthorized);
            Assert.Equal("BadSignature", problem["code"].Str());
        }

        // Signed right but encrypted with another key: a 400, nothing recorded.
        var wrongKey = VendorPush.Fxiaoke(FakeFxiaoke.CallbackToken, "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut", other, DateTimeOffset.UtcNow);
        Assert.Equal("MalformedPush", (await anonymous.PostAsync("/api/integrations/fxiaoke/callback", wrongKey.ToJsonString())).ExpectProblem(HttpStatusCode.BadRequest)["code"].Str());
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<ConnectorPush>().CountAsync(p => p.EventId == $"{tag}-e2")));

        await AssertNoGarbageFailsAsync(anonymous, "/api/integrations/fxiaoke/callback");
    }

    [Fact]
    public async Task Yonyou_SignedEventPush_SyncsTheProduct_OncePerEventId_AndABadSignatureIsRefused()
    {
        await using var yy = new FakeYonyou();
        await yy.StartAsync();
        var tag = TestData.Unique("YP").Replace("-", "", StringComparison.Ordinal);
        yy.Records["product"].Add(new JsonObject { ["id"] = $"{tag}p0", ["code"] = $"{tag}-P0", ["name"] = new JsonObject { ["zh_CN"] = "推送轴承" }, ["unitName"] = "套", ["salePrice"] = 33 });
        using var admin = await app.AdminAsync();
        (await admin.PutAsync("/api/connectors/yonyou", new
        {
            enabled = true,
            settings = new { gatewayUrl = yy.Url, tokenUrl = yy.Url, appKey = FakeYonyou.AppKey },
            secrets = new { appSecret = FakeYonyou.AppSecret, encodingAesKey = VendorPush.EncodingAesKey },
        }, null)).Expect(HttpStatusCode.OK);
        using var anonymous = app.Anonymous();
        var message = new JsonObject { ["eventId"] = $"{tag}-ev1", ["eventType"] = "PRODUCT_UPDATE", ["tenantId"] = "t1", ["data"] = new JsonObject { ["id"] = $"{tag}p0" } };
        var push = VendorPush.Yonyou(FakeYonyou.AppSecret, VendorPush.EncodingAesKey, message, DateTimeOffset.UtcNow);

        Assert.Equal((HttpStatusCode.OK, "success"), await PostRawAsync(anonymous, "/api/integrations/yonyou/callback", push.ToJsonString()));
        await ConnectorApp.EventuallyAsync(() => app.WithDbAsync(db => db.Products.AnyAsync(p => p.Sku == $"{tag}-P0" && p.ListPriceMinor == 3300)), "the pushed product synced");
        // The same event again, re-signed with a new nonce and time as a retry is: still the same eventId, recorded once.
        var again = VendorPush.Yonyou(FakeYonyou.AppSecret, VendorPush.EncodingAesKey, message, DateTimeOffset.UtcNow);
        Assert.Equal((HttpStatusCode.OK, "success"), await PostRawAsync(anonymous, "/api/integrations/yonyou/callback", again.ToJsonString()));
        var recorded = Assert.Single(await app.WithDbAsync(db => db.Set<ConnectorPush>().Where(p => p.Connector == "yonyou" && p.EventId == $"{tag}-ev1").ToListAsync()));
        Assert.Equal(("product", $"{tag}p0"), (recorded.ObjectType, recorded.ExternalIds));

        var forged = VendorPush.Yonyou("not-the-secret", VendorPush.EncodingAesKey, new JsonObject { ["eventId"] = $"{tag}-ev2" }, DateTimeOffset.UtcNow);
        Assert.Equal("BadSignature", (await anonymous.PostAsync("/api/integrations/yonyou/callback", forged.ToJsonString())).ExpectProblem(HttpStatusCode.Unauthorized)["code"].Str());
        var noEventId = VendorPush.Yonyou(FakeYonyou.AppSecret, VendorPush.EncodingAesKey, new JsonObject { ["eventType"] = "PRODUCT_UPDATE" }, DateTimeOffset.UtcNow);
        (await anonymous.PostAsync("/api/integrations/yonyou/callback", noEventId.ToJsonString())).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<ConnectorPush>().CountAsync(p => p.EventId == $"{tag}-ev2")));

        await AssertNoGarbageFailsAsync(anonymous, "/api/integrations/yonyou/callback");
    }

    [Fact]
    public async Task Zoho_WatchRegistersAChannelWithAToken_ANotificationSyncsTheAccount_OnceForReplays_AndAWrongTokenIsRefused()
    {
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        var tag = TestData.Unique("ZP").Replace("-", "", StringComparison.Ordinal);
        zoho.Modules["Products"] = [];
        zoho.Modules["Accounts"] = [new JsonObject { ["id"] = "5300000000000001", ["Account_Name"] = "推送客户", ["Account_Number"] = $"{tag}-A1", ["Billing_City"] = "上海" }];
        using var admin = await app.AdminAsync();
        (await admin.PutAsync("/api/connectors/zoho-crm", new
        {
            enabled = true,
            settings = new { clientId = FakeZoho.ClientId, apiUrl = zoho.Url, accountsUrl = zoho.Url },
            secrets = new { clientSecret = FakeZoho.ClientSecret, refreshToken = FakeZoho.RefreshToken, notificationToken = "" },
        }, null)).Expect(HttpStatusCode.OK);
        using var anonymous = app.Anonymous();
        // Before a channel is registered there is no token: a notification is refused.
        (await anonymous.PostAsync("/api/integrations/zoho-crm/notify", new { channel_id = "1", token = "x", module = "Accounts", operation = "insert", ids = OneId }))
            .ExpectProblem(HttpStatusCode.Forbidden);

        var watch = (await admin.PostAsync("/api/connectors/zoho-crm/watch", new { notifyUrl = "https://orderly.example.com/api/integrations/zoho-crm/notify" })).Expect(HttpStatusCode.OK);

        var channel = Assert.Single(zoho.Channels).Value;
        Assert.Equal((watch["channelId"].Str(), "https://orderly.example.com/api/integrations/zoho-crm/notify"), (channel["channel_id"].Str(), channel["notify_url"].Str()));
        Assert.Equal(["Accounts.all", "Products.all", "Sales_Orders.all"], channel["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(40, channel["token"].Str()!.Length);
        var connector = (await admin.GetJsonAsync("/api/connectors")).Expect(HttpStatusCode.OK).AsArray().Single(c => c!["kind"].Str() == "zoho-crm")!;
        Assert.Contains("notificationToken", connector["secretsSet"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.DoesNotContain(channel["token"].Str()!, connector.ToJsonString(), StringComparison.Ordinal);

        var notification = zoho.Notification(watch["channelId"].Str()!, "Accounts", "insert", "5300000000000001").ToJsonString();
        Assert.Equal((HttpStatusCode.OK, "success"), await PostRawAsync(anonymous, "/api/integrations/zoho-crm/notify", notification));
        await ConnectorApp.EventuallyAsync(() => app.WithDbAsync(db => db.Customers.AnyAsync(c => c.Code == $"{tag}-A1")), "the notified account synced");
        Assert.Equal((HttpStatusCode.OK, "success"), await PostRawAsync(anonymous, "/api/integrations/zoho-crm/notify", notification));
        var recorded = Assert.Single(await app.WithDbAsync(db => db.Set<ConnectorPush>().Where(p => p.Connector == "zoho-crm" && p.ExternalIds == "5300000000000001").ToListAsync()));
        Assert.Equal("customer", recorded.ObjectType);

        var forged = JsonNode.Parse(notification)!;
        forged["token"] = "guessed-token";
        forged["operation"] = "update";
        Assert.Equal("BadSignature", (await anonymous.PostAsync("/api/integrations/zoho-crm/notify", forged.ToJsonString())).ExpectProblem(HttpStatusCode.Unauthorized)["code"].Str());
        (await admin.PostAsync("/api/connectors/zoho-crm/watch", new { notifyUrl = "not a url" })).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        await AssertNoGarbageFailsAsync(anonymous, "/api/integrations/zoho-crm/notify");
    }

    private static async Task<(HttpStatusCode, string)> PostRawAsync(HttpClient client, string url, string body)
    {
        using var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Bodies no vendor sends: each is a 4xx problem, never a 500.</summary>
    private static async Task AssertNoGarbageFailsAsync(HttpClient client, string url)
    {
        var bodies = new (byte[] Body, string Type)[]
        {
            ("not json"u8.ToArray(), "application/json"), ("{}"u8.ToArray(), "application/json"), ("[1,2]"u8.ToArray(), "application/json"),
            ("null"u8.ToArray(), "text/plain"), ([], "application/json"), ([0xff, 0xfe, 0x00, 0x7b], "application/json"),
            (Encoding.UTF8.GetBytes("{\"nonce\":\"a\u0001b\",\"sig\":\"\u0000\"}"), "application/x-www-form-urlencoded"),
            (Encoding.UTF8.GetBytes("{\"nonce\":\"n\",\"timeStamp\":\"99999999999999999999\",\"content\":\"%%%\",\"sig\":\"s\",\"msgSignature\":\"s\",\"timestamp\":-1,\"encrypt\":\"e\",\"token\":\"t\",\"channel_id\":\"c\",\"module\":\"m\"}"), "application/json"),
            (Encoding.UTF8.GetBytes("{\"token\":{\"a\":1},\"channel_id\":[],\"module\":null,\"nonce\":1,\"timeStamp\":true}"), "application/json"),
            (Encoding.UTF8.GetBytes(new string('[', 5000)), "application/json"),
            (new byte[ConnectorPushesLimit + 10], "application/json"),
        };
        foreach (var (body, type) in bodies)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
            using var response = await client.PostAsync(url, content);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{url} answered {(int)response.StatusCode} to {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 80)])}");
            Assert.Equal(Problems.MediaType, response.Content.Headers.ContentType?.MediaType);
        }
    }

    private const int ConnectorPushesLimit = Server.Integration.ConnectorPushes.MaxBody;

    private static readonly string[] OneId = ["1"];
}

public sealed class ConnectorPushTests_Sqlite(ConnectorSqliteApp app) : ConnectorPushTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class ConnectorPushTests_Postgres(ConnectorPostgresApp app) : ConnectorPushTests(app), IClassFixture<ConnectorPostgresApp>;
