// Request bodies in tests are literal arrays, built once per call.
#pragma warning disable CA1861
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Orderly.Domain.Communication;
using Orderly.Server.Data;

namespace Orderly.Server.Tests.Communication;

/// <summary>
/// The issue's "done when": an order's whole road produces the right messages, in the right language, to the right people,
/// once each (real SMTP in process, the SMS and robot fakes, a webhook receiver); a reply lands on the order's timeline; the
/// survey answered through the public link shows in the NPS report; a second customer sees nothing of the first.
/// </summary>
public abstract partial class CommunicationRoadTests(CommunicationApp app)
{
    [Fact]
    public async Task OrderRoad_SendsEachMessageOnce_InTheCustomersLanguage_AndRepliesAndSurveysComeBack()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, product, 100);
        var tag = TestData.Unique("r");
        var emailA = $"buyer-{tag}@a.test";
        var emailB = $"buyer-{tag}@b.test";
        var customerA = await CustomerAsync(admin, "Acme Trading " + tag, emailA, "13800138000");
        var customerB = await CustomerAsync(admin, "华联贸易 " + tag, emailB, "13900139000");
        (await admin.PutAsync($"/api/customers/{customerA}/communication", new
        {
            language = "en",
            recipients = new object[]
            {
                new { events = new[] { "OrderConfirmed", "OrderShipped", "OrderDelivered" }, channels = new[] { "Email" } },
                new { events = new[] { "OrderShipped" }, channels = new[] { "Sms" } },
            },
        }, null)).Expect(HttpStatusCode.OK);
        (await admin.PostAsync("/api/webhooks", new
        {
            url = $"http://receiver.test:{app.Outside.Port}/hooks", events = new[] { "OrderConfirmed", "OrderShipped", "OrderDelivered" }, secret = OutsideServices.WebhookSecret,
        })).Expect(HttpStatusCode.Created);

        // Customer A: entered by a clerk with a discount that needs approval, approved, shipped, delivered.
        var clerkEmail = $"clerk-{tag}@company.test";
        using var clerk = await app.UserAsync(clerkEmail, "OrderClerk");
        var order = (await clerk.PostAsync("/api/orders", new { customerId = customerA, lines = new[] { new { productId = product, quantity = 3, discountPercent = 15 } } }))
            .Expect(HttpStatusCode.Created);
        var orderId = order.Id();
        var number = order["number"].Str();
        Assert.Equal("PendingApproval", (await clerk.PostAsync($"/api/orders/{orderId}/submit")).Expect(HttpStatusCode.OK)["status"].Str());
        var approved = (await admin.PostAsync($"/api/orders/{orderId}/approve")).Expect(HttpStatusCode.OK);
        var lineId = approved["lines"]![0]!.Id();
        (await admin.PostAsync($"/api/orders/{orderId}/shipments", new { lines = new[] { new { lineId, quantity = 3 } }, carrier = "顺丰", trackingNumber = "SF1234567890123" }))
            .Expect(HttpStatusCode.Created);
        (await admin.PostAsync($"/api/orders/{orderId}/deliver")).Expect(HttpStatusCode.OK);

        // Customer B: confirmed at once, default preferences (Chinese, e-mail).
        var orderB = (await data.OrderAsync(customerB, (product, 1)));
        var numberB = orderB["number"].Str();
        (await admin.PostAsync($"/api/orders/{orderB.Id()}/submit")).Expect(HttpStatusCode.OK);

        await CommunicationApp.EventuallyAsync(() => app.Mail.DistinctTo(emailA).Count >= 4 && app.Mail.DistinctTo(emailB).Count >= 1, "the e-mails of both customers");
        await CommunicationApp.EventuallyAsync(() => app.Outside.HookApplied.Count >= 4 && !app.Outside.Sms.IsEmpty && app.Outside.RobotMessages.Count >= 3, "SMS, robots and webhooks");
        await Task.Delay(500);

        var toA = app.Mail.To(emailA);
        Assert.Equal(
            [$"How did we do on order {number}?", $"Order {number} confirmed", $"Order {number} delivered", $"Order {number} shipped"],
            toA.Select(m => m.Subject).Order(StringComparer.Ordinal));
        var shipped = toA.Single(m => m.Subject == $"Order {number} shipped");
        Assert.Contains("顺丰", shipped.TextBody, StringComparison.Ordinal);
        Assert.Contains("SF1234567890123", shipped.HtmlBody, StringComparison.Ordinal);
        Assert.Matches(@"http://orderly\.test/t/[A-Za-z0-9_-]{43}", shipped.TextBody);
        Assert.Equal("orders@company.test", shipped.From.Mailboxes.Single().Address);
        var replyTo = shipped.ReplyTo.Mailboxes.Single().Address;
        Assert.Matches(@"^reply\+[a-z2-7]{26}@reply\.company\.test$", replyTo);
        Assert.All(toA, m => Assert.DoesNotContain(numberB, m.TextBody, StringComparison.Ordinal));
        Assert.All(toA, m => Assert.DoesNotContain("华联", m.HtmlBody, StringComparison.Ordinal));

        var toB = Assert.Single(app.Mail.To(emailB));
        Assert.Equal($"订单 {numberB} 已确认", toB.Subject);
        Assert.Contains("华联贸易", toB.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(number, toB.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Acme", toB.HtmlBody, StringComparison.Ordinal);

        var sms = Assert.Single(app.Outside.Sms);
        Assert.Equal(("13800138000", "SMS_154950909", "阿里云短信测试"), (sms["PhoneNumbers"], sms["TemplateCode"], sms["SignName"]));
        Assert.Contains("SF1234567890123", sms["TemplateParam"], StringComparison.Ordinal);
        Assert.Equal(0, app.Outside.SmsBadSignatures);

        // The robots hear of the approval A needed, once each, and nothing of B (confirmed without approval).
        Assert.Equal(["dingtalk", "feishu", "wecom"], app.Outside.RobotMessages.Select(m => m.Robot).Order(StringComparer.Ordinal));
        Assert.All(app.Outside.RobotMessages, m => Assert.Contains(number, m.Text, StringComparison.Ordinal));
        Assert.Contains("needs approval", app.Outside.RobotMessages.Single(m => m.Robot == "dingtalk").Text, StringComparison.Ordinal);
        Assert.Contains("待审批", app.Outside.RobotMessages.Single(m => m.Robot == "wecom").Text, StringComparison.Ordinal);
        Assert.Equal(0, app.Outside.RobotBadSignatures);

        // The webhook receiver applied A's three events and B's confirmation once each, all signed.
        Assert.Equal(4, app.Outside.HookApplied.Count);
        Assert.Equal(0, app.Outside.HookBadSignatures);

        // People inside: the admin (an approver) was asked, the clerk was told it was approved.
        var adminNotes = (await admin.GetJsonAsync("/api/notifications")).Expect(HttpStatusCode.OK);
        Assert.Contains(adminNotes["items"]!.AsArray(), n => n!["kind"].Str() == "ApprovalNeeded" && n["title"].Str().Contains(number, StringComparison.Ordinal));
        var clerkNotes = (await clerk.GetJsonAsync("/api/notifications")).Expect(HttpStatusCode.OK);
        Assert.Single(clerkNotes["items"]!.AsArray(), n => n!["kind"].Str() == "OrderApproved");

        // The customer replies to the shipping notice: the reply lands on the order's timeline, once however often it arrives.
        var reply = new MimeMessage();
        reply.From.Add(MailboxAddress.Parse(emailA));
        reply.To.Add(MailboxAddress.Parse(replyTo));
        reply.Subject = "Re: " + shipped.Subject;
        reply.MessageId = $"reply-{tag}@a.test";
        reply.InReplyTo = shipped.MessageId;
        reply.References.Add(shipped.MessageId!);
        reply.Body = new TextPart("plain") { Text = "Please deliver after 3 pm." };
        await SendInboundAsync(reply);
        await SendInboundAsync(reply);
        var timeline = (await admin.GetJsonAsync($"/api/orders/{orderId}/timeline")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var replies = timeline.Where(i => i!["kind"].Str() == "Email" && i["direction"].Str() == "In").ToList();
        Assert.Single(replies);
        Assert.Contains("Re: Order", replies[0]!["summary"].Str(), StringComparison.Ordinal);
        Assert.Contains(timeline, i => i!["kind"].Str() == "Shipment" && i["summary"].Str().Contains("SF1234567890123", StringComparison.Ordinal));
        Assert.Contains(timeline, i => i!["kind"].Str() == "StatusChange" && i["summary"].Str().StartsWith("OrderApproved", StringComparison.Ordinal));
        Assert.Equal(4, timeline.Count(i => i!["kind"].Str() == "Email" && i["direction"].Str() == "Out"));
        var emailsOnly = (await admin.GetJsonAsync($"/api/orders/{orderId}/timeline?channel=Email")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.All(emailsOnly, i => Assert.Equal("Email", i!["channel"].Str()));
        Assert.Equal(5, emailsOnly.Count);

        // The survey, answered through its public link, once.
        var survey = toA.Single(m => m.Subject!.StartsWith("How did we do", StringComparison.Ordinal));
        var token = SurveyLink().Match(survey.TextBody!).Groups[1].Value;
        using var anonymous = app.Anonymous();
        var page = await anonymous.GetAsync($"/s/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("How did we do", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        (await anonymous.PostAsync($"/s/{token}", new { score = 5, nps = 9, comment = "Fast delivery" })).Expect(HttpStatusCode.Created);
        (await anonymous.PostAsync($"/s/{token}", new { score = 1, nps = 0 })).Expect(HttpStatusCode.NotFound);
        var summary = (await admin.GetJsonAsync("/api/surveys/summary?groupBy=region")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, summary["responses"]!.GetValue<int>());
        Assert.Equal(5m, summary["csat"].Dec());
        Assert.Equal(100m, summary["nps"].Dec());
        await CommunicationApp.EventuallyAsync(async () => (await admin.GetJsonAsync($"/api/orders/{orderId}/timeline?limit=500")).Body!["items"]!.AsArray()
            .Any(i => i!["kind"].Str() == "Survey"), "the survey answer on the timeline");

        // R6: a dispatcher killed after the SMTP server accepted a message but before it recorded the send leaves the
        // message claimed; once the lease ends it is sent again with the same Message-ID: delivered at least once,
        // once for a receiver that deduplicates, and shown once on the timeline.
        var confirmed = toA.Single(m => m.Subject == $"Order {number} confirmed");
        var messageId = await app.WithDbAsync(db => db.Set<OutgoingMessage>().Where(m => m.Recipient == emailA && m.EventType == "OrderConfirmed").Select(m => m.Id).SingleAsync());
        await app.WithDbAsync(db => db.Set<OutgoingMessage>().Where(m => m.Id == messageId).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.State, MessageState.Pending).SetProperty(m => m.SentAt, (DateTimeOffset?)null).SetProperty(m => m.LockedBy, "killed-node")
            .SetProperty(m => m.LockedUntil, DateTimeOffset.UtcNow.AddSeconds(-1))));
        await CommunicationApp.EventuallyAsync(() => app.Mail.To(emailA).Count(m => m.MessageId == confirmed.MessageId) == 2, "the re-send after the lease");
        Assert.Equal(4, app.Mail.DistinctTo(emailA).Count);
        var after = (await admin.GetJsonAsync($"/api/orders/{orderId}/timeline?limit=500")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Single(after, i => i!["ref"].Str() == $"OrderConfirmed:{messageId}");
    }

    private async Task SendInboundAsync(MimeMessage message)
    {
        using var client = new SmtpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.ConnectAsync("127.0.0.1", app.InboundPort, SecureSocketOptions.None);
                break;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }

        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    public static async Task<Guid> CustomerAsync(HttpClient admin, string name, string email, string? phone = null, Guid? ownerUserId = null) =>
        (await admin.PostAsync("/api/customers", new { code = TestData.Unique("CC"), name, email, phone, region = "East", currency = "CNY", ownerUserId }))
            .Expect(HttpStatusCode.Created).Id();

    [GeneratedRegex(@"http://orderly\.test/s/([A-Za-z0-9_-]+)")]
    private static partial Regex SurveyLink();
}

public sealed class CommunicationRoadTests_Sqlite(CommunicationSqliteApp app) : CommunicationRoadTests(app), IClassFixture<CommunicationSqliteApp>;

public sealed class CommunicationRoadTests_Postgres(CommunicationPostgresApp app) : CommunicationRoadTests(app), IClassFixture<CommunicationPostgresApp>;
