using Orderly.Domain.Common;
// Request bodies in tests are literal arrays, built once per call.
#pragma warning disable CA1861
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;

namespace Orderly.Server.Tests.Communication;

/// <summary>
/// WeCom's callback through the real HTTP pipeline: the URL check answers the decrypted echostr; a correctly signed and
/// encrypted text from a customer's contact lands once on the customer's and the order's timeline; an unknown sender is
/// kept as unmatched for managers; a tampered signature, a stale timestamp, another corp, malformed XML, a DTD and an
/// oversized body are refused with problem+json and write nothing.
/// </summary>
public abstract class WeComCallbackTests(CommunicationApp app)
{
    public const string Token = "wecomCallbackToken";
    public const string EncodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private const string Route = "/api/integrations/wecom/callback";

    private static byte[] Key => CallbackCrypto.Key(EncodingAesKey)!;

    [Fact]
    public async Task UrlCheck_AnswersTheDecryptedEcho_AndABadSignatureIsRefused()
    {
        using var anonymous = app.CreateClient();
        var echo = CallbackCrypto.Encrypt(Key, "1616140317555161061", OutsideServices.WeComCorpId, new byte[16]);
        var timestamp = Now();
        var ok = await anonymous.GetAsync($"{Route}?msg_signature={CallbackCrypto.Signature(Token, timestamp, "n1", echo)}&timestamp={timestamp}&nonce=n1&echostr={Uri.EscapeDataString(echo)}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1616140317555161061", await ok.Content.ReadAsStringAsync());
        var bad = await anonymous.GetAsync($"{Route}?msg_signature={new string('0', 40)}&timestamp={timestamp}&nonce=n1&echostr={Uri.EscapeDataString(echo)}");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ACustomersText_LandsOnceOnTheCustomerAndTheOrder_UnknownSendersAreKept_AndForgeriesWriteNothing()
    {
        using var admin = await app.AdminAsync();
        using var anonymous = app.CreateClient();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var tag = TestData.Unique("wx");
        var customer = await CommunicationRoadTests.CustomerAsync(admin, "微信客户 " + tag, $"wx-{tag}@x.test");
        var sender = $"wm{tag.Replace("-", "", StringComparison.Ordinal)}";
        (await admin.PutAsync($"/api/customers/{customer}/communication", new
        {
            language = "zh-CN",
            recipients = new object[] { new { events = new[] { "OrderShipped" }, channels = new[] { "WeCom" }, weComUserId = sender } },
        }, null)).Expect(HttpStatusCode.OK);
        var order = await data.OrderAsync(customer, (product, 1));
        var orderId = order.Id();
        var number = order["number"].Str();

        var msgId = $"7{Random.Shared.NextInt64(100_000_000_000, 999_999_999_999)}";
        var body = Envelope(Message(sender, $"请问订单 {number} 什么时候发货？", msgId), OutsideServices.WeComCorpId, out var encrypted);
        for (var i = 0; i < 2; i++)
        {
            var answer = await PostAsync(anonymous, body, encrypted);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("", await answer.Content.ReadAsStringAsync());
        }

        var externalId = $"wecom:{msgId}";
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Interaction>().CountAsync(x => x.ExternalId == externalId)));
        var onOrder = (await admin.GetJsonAsync($"/api/orders/{orderId}/timeline?channel=WeCom")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var line = Assert.Single(onOrder);
        Assert.Equal("Chat", line!["kind"].Str());
        Assert.Equal("In", line["direction"].Str());
        Assert.Equal($"请问订单 {number} 什么时候发货？", line["summary"].Str());
        Assert.Single((await admin.GetJsonAsync($"/api/customers/{customer}/timeline?channel=WeCom")).Expect(HttpStatusCode.OK)["items"]!.AsArray());

        // Not naming an order: on the customer's timeline only.
        var plainId = $"8{Random.Shared.NextInt64(100_000_000_000, 999_999_999_999)}";
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(anonymous, Envelope(Message(sender, "你好", plainId), OutsideServices.WeComCorpId, out var e2), e2)).StatusCode);
        Assert.Null(await app.WithDbAsync(db => db.Set<Interaction>().Where(x => x.ExternalId == $"wecom:{plainId}").Select(x => x.OrderId).SingleAsync()));

        // An unknown sender is kept for managers, once.
        var strangerId = $"9{Random.Shared.NextInt64(100_000_000_000, 999_999_999_999)}";
        var stranger = Envelope(Message($"wmStranger{tag}", "我想询价", strangerId), OutsideServices.WeComCorpId, out var e3);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(anonymous, stranger, e3)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(anonymous, stranger, e3)).StatusCode);
        var unmatched = (await admin.GetJsonAsync("/api/communication/unmatched")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var kept = Assert.Single(unmatched, u => u!["externalId"].Str() == $"wecom:{strangerId}");
        Assert.Equal($"wmStranger{tag}", kept!["sender"].Str());
        Assert.Equal("我想询价", kept["text"].Str());
        using var rep = await app.UserAsync($"rep-{tag}@company.test", "SalesRep");
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.GetJsonAsync("/api/communication/unmatched")).Status);

        // Forgeries and junk: refused with problem+json, nothing written.
        var before = await CountsAsync();
        var fresh = Envelope(Message(sender, "伪造", "1234567"), OutsideServices.WeComCorpId, out var e4);
        await RefusedAsync(PostAsync(anonymous, fresh, e4, signature: new string('a', 40)), HttpStatusCode.Unauthorized, "BadSignature");
        await RefusedAsync(PostAsync(anonymous, fresh, e4, timestamp: (DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture)),
            HttpStatusCode.Unauthorized, "StaleTimestamp");
        var otherCorp = Envelope(Message(sender, "别家", "1234568"), "ww-other-corp", out var e5);
        await RefusedAsync(PostAsync(anonymous, otherCorp, e5), HttpStatusCode.Forbidden, "WrongReceiver");
        await RefusedAsync(PostAsync(anonymous, "<xml><Encrypt>unclosed", "unclosed"), HttpStatusCode.BadRequest, "MalformedXml");
        await RefusedAsync(PostAsync(anonymous, "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><Encrypt>&x;</Encrypt></xml>", "x"),
            HttpStatusCode.BadRequest, "MalformedXml");
        var notXmlInside = CallbackCrypto.Encrypt(Key, "not xml at all <", OutsideServices.WeComCorpId, new byte[16]);
        await RefusedAsync(PostAsync(anonymous, $"<xml><Encrypt><![CDATA[{notXmlInside}]]></Encrypt></xml>", notXmlInside), HttpStatusCode.BadRequest, "MalformedXml");
        var huge = $"<xml><Encrypt>{new string('A', 70_000)}</Encrypt></xml>";
        await RefusedAsync(PostAsync(anonymous, huge, new string('A', 70_000)), HttpStatusCode.RequestEntityTooLarge, "TooLarge");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AManagerAssignsAnUnknownSender_TheirKeptMessagesMoveToTheCustomer_AndLaterOnesLandThereDirectly()
    {
        using var admin = await app.AdminAsync();
        using var anonymous = app.CreateClient();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var tag = TestData.Unique("as");
        var customer = await CommunicationRoadTests.CustomerAsync(admin, "分配客户 " + tag, $"as-{tag}@x.test");
        var other = await CommunicationRoadTests.CustomerAsync(admin, "别的客户 " + tag, $"ot-{tag}@x.test");
        var order = await data.OrderAsync(customer, (product, 1));
        var number = order["number"].Str();
        var sender = $"wmNew{tag.Replace("-", "", StringComparison.Ordinal)}";
        var first = await StrangerSaysAsync(anonymous, sender, "你好，我是新采购");
        var second = await StrangerSaysAsync(anonymous, sender, $"订单 {number} 能提前吗？");
        var kept = (await admin.GetJsonAsync("/api/communication/unmatched")).Expect(HttpStatusCode.OK)["items"]!.AsArray()
            .Where(u => u!["sender"].Str() == sender).Select(u => u!["id"]!.GetValue<Guid>()).ToList();
        Assert.Equal(2, kept.Count);
        var route = $"/api/communication/unmatched/{kept[0]}/assign";

        // Who may, and what is refused: nothing changes.
        using var rep = await app.UserAsync($"rep-{tag}@company.test", "SalesRep");
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync(route, new { customerId = customer })).Status);
        Assert.Contains("customerId", (await admin.PostAsync(route, new { contactName = "王经理" })).Expect(HttpStatusCode.BadRequest)["detail"].Str(), StringComparison.Ordinal);
        Assert.Equal("Required", (await admin.PostAsync(route, new { customerId = (Guid?)null })).Expect(HttpStatusCode.UnprocessableEntity).Codes().Single());
        Assert.Equal("TooLong", (await admin.PostAsync(route, new { customerId = customer, contactName = new string('王', 101) })).Expect(HttpStatusCode.UnprocessableEntity).Codes().Single());
        (await admin.PostAsync($"/api/communication/unmatched/{Guid.NewGuid()}/assign", new { customerId = customer })).Expect(HttpStatusCode.NotFound);
        (await admin.PostAsync(route, new { customerId = Guid.NewGuid() })).Expect(HttpStatusCode.NotFound);
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<UnmatchedMessage>().CountAsync(u => u.Sender == sender)));

        var assigned = (await admin.PostAsync(route, new { customerId = customer, contactName = "王经理" })).Expect(HttpStatusCode.OK);
        Assert.Equal(2, assigned["moved"]!.GetValue<int>());
        Assert.Equal(sender, assigned["sender"].Str());
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<UnmatchedMessage>().CountAsync(u => u.Sender == sender)));
        var onCustomer = (await admin.GetJsonAsync($"/api/customers/{customer}/timeline?channel=WeCom")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal(new[] { "你好，我是新采购", $"订单 {number} 能提前吗？" }.Order(StringComparer.Ordinal), onCustomer.Select(i => i!["summary"].Str()).Order(StringComparer.Ordinal));
        var onOrder = Assert.Single((await admin.GetJsonAsync($"/api/orders/{order.Id()}/timeline?channel=WeCom")).Expect(HttpStatusCode.OK)["items"]!.AsArray());
        Assert.Equal($"订单 {number} 能提前吗？", onOrder!["summary"].Str());
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Interaction>().CountAsync(i => i.ExternalId == $"wecom:{first}")));
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Interaction>().CountAsync(i => i.ExternalId == $"wecom:{second}")));

        // The sender is the customer's contact now (no notices chosen), beside the customer's own default recipient.
        var recipients = (await admin.GetJsonAsync($"/api/customers/{customer}/communication")).Expect(HttpStatusCode.OK)["recipients"]!.AsArray();
        Assert.Equal(2, recipients.Count);
        var contact = Assert.Single(recipients, r => r!["weComUserId"]?.GetValue<string>() == sender);
        Assert.Equal("王经理", contact!["name"].Str());
        Assert.Empty(contact["events"]!.AsArray());

        // Their next message lands on the timeline directly.
        await StrangerSaysAsync(anonymous, sender, "谢谢");
        Assert.Equal(3, (await admin.GetJsonAsync($"/api/customers/{customer}/timeline?channel=WeCom")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Count);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<UnmatchedMessage>().CountAsync(u => u.Sender == sender)));

        // One WeCom id belongs to one customer: a sender who became another customer's contact meanwhile is a conflict.
        var late = $"wmLate{tag.Replace("-", "", StringComparison.Ordinal)}";
        await StrangerSaysAsync(anonymous, late, "在吗");
        var lateId = await app.WithDbAsync(db => db.Set<UnmatchedMessage>().Where(u => u.Sender == late).Select(u => u.Id).SingleAsync());
        (await admin.PutAsync($"/api/customers/{other}/communication", new
        {
            language = "zh-CN",
            recipients = new object[] { new { events = Array.Empty<string>(), channels = new[] { "WeCom" }, weComUserId = late } },
        }, null)).Expect(HttpStatusCode.OK);
        Assert.Equal("SenderAlreadyAssigned", (await admin.PostAsync($"/api/communication/unmatched/{lateId}/assign", new { customerId = customer })).Expect(HttpStatusCode.Conflict)["code"].Str());
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<UnmatchedMessage>().CountAsync(u => u.Sender == late)));
        Assert.Equal(2, (await admin.GetJsonAsync($"/api/customers/{customer}/communication")).Expect(HttpStatusCode.OK)["recipients"]!.AsArray().Count);
    }

    private static async Task<string> StrangerSaysAsync(HttpClient anonymous, string sender, string text)
    {
        var msgId = $"6{Random.Shared.NextInt64(100_000_000_000, 999_999_999_999)}";
        var body = Envelope(Message(sender, text, msgId), OutsideServices.WeComCorpId, out var encrypted);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(anonymous, body, encrypted)).StatusCode);
        return msgId;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Message(string sender, string text, string msgId) =>
        $"<xml><ToUserName><![CDATA[{OutsideServices.WeComCorpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{Now()}</CreateTime>"
        + $"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content><MsgId>{msgId}</MsgId><AgentID>1000002</AgentID>"
        + $"<ExternalUserID><![CDATA[{sender}]]></ExternalUserID></xml>";

    private static string Envelope(string message, string corp, out string encrypted)
    {
        encrypted = CallbackCrypto.Encrypt(Key, message, corp, System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        return $"<xml><ToUserName><![CDATA[{corp}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>";
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string encrypted, string? signature = null, string? timestamp = null)
    {
        timestamp ??= Now();
        const string nonce = "1372623149";
        signature ??= CallbackCrypto.Signature(Token, timestamp, nonce, encrypted);
        return client.PostAsync($"{Route}?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}", new StringContent(body, Encoding.UTF8, "text/xml"));
    }

    private static async Task RefusedAsync(Task<HttpResponseMessage> sending, HttpStatusCode status, string code)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"code\":\"{code}\"", text, StringComparison.Ordinal);
    }

    private Task<(int, int)> CountsAsync() => app.WithDbAsync(async db =>
        (await db.Set<Interaction>().CountAsync(i => i.Channel == InteractionChannel.WeCom), await db.Set<UnmatchedMessage>().CountAsync()));
}

public sealed class WeComCallbackTests_Sqlite(CommunicationSqliteApp app) : WeComCallbackTests(app), IClassFixture<CommunicationSqliteApp>;

public sealed class WeComCallbackTests_Postgres(CommunicationPostgresApp app) : WeComCallbackTests(app), IClassFixture<CommunicationPostgresApp>;
