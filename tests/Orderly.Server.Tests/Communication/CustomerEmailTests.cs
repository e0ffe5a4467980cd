using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Orderly.Domain.Communication;

namespace Orderly.Server.Tests.Communication;

/// <summary>
/// "Write an e-mail": the e-mail reaches the chosen contact once (real SMTP in process), framed in the customer's language,
/// with a reply address carrying the order's token; the reply sent with a real SMTP client lands on the same order's
/// timeline; the timeline shows the written e-mail once with its delivery state; bad input and other reps' customers queue nothing.
/// </summary>
public abstract class CustomerEmailTests(CommunicationApp app)
{
    [Fact]
    public async Task WrittenEmail_ArrivesOnce_InTheCustomersLanguage_AndTheReplyLandsOnTheOrder()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var tag = TestData.Unique("we");
        var own = $"office-{tag}@a.test";
        var primary = $"li-{tag}@a.test";
        var other = $"han-{tag}@a.test";
        var customer = await CustomerWithContactsAsync(admin, "Acme " + tag, own, primary, other);
        var foreign = await CommunicationRoadTests.CustomerAsync(admin, "Other " + tag, $"other-{tag}@b.test");
        (await admin.PutAsync($"/api/customers/{customer}/communication", new { language = "en", recipients = Array.Empty<object>() }, null)).Expect(HttpStatusCode.OK);
        var order = await data.OrderAsync(customer, (product, 1));
        var orderId = order.Id();
        var number = order["number"].Str();

        var contacts = (await admin.GetJsonAsync($"/api/customers/{customer}/email-contacts")).Expect(HttpStatusCode.OK).AsArray();
        Assert.Equal([primary, other, own], contacts.Select(c => c!["email"].Str()));

        // Written with an Idempotency-Key and retried: one interaction, one message, one e-mail.
        var key = Guid.NewGuid().ToString();
        var request = new { subject = $"Your order {number}", message = "Dear Mr Li,\nthe goods leave on Monday.\n\tRegards" };
        var first = (await admin.PostAsync($"/api/orders/{orderId}/emails", request, r => r.Headers.Add("Idempotency-Key", key))).Expect(HttpStatusCode.Accepted);
        var again = await admin.PostAsync($"/api/orders/{orderId}/emails", request, r => r.Headers.Add("Idempotency-Key", key));
        Assert.Equal(first.Id(), again.Expect(HttpStatusCode.Accepted).Id());
        Assert.Equal(primary, first["to"].Str());
        Assert.Equal("en", first["language"].Str());
        Assert.Equal("Queued", first["state"].Str());

        await CommunicationApp.EventuallyAsync(() => app.Mail.To(primary).Count >= 1, "the written e-mail");
        var token = await app.WithDbAsync(db => db.Set<OrderMailbox>().Where(m => m.OrderId == orderId).Select(m => m.Token).SingleAsync());
        await CommunicationApp.EventuallyAsync(async () => (await TimelineAsync(admin, orderId)).Any(i => i!["state"]?.GetValue<string>() == "Sent"), "the e-mail marked sent");
        await Task.Delay(300);
        var mail = Assert.Single(app.Mail.To(primary));
        Assert.Equal($"Your order {number}", mail.Subject);
        Assert.Equal("Company Orders", mail.From.Mailboxes.Single().Name);
        Assert.Equal($"reply+{token}@reply.company.test", mail.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal($"{first["messageId"].Str()}@reply.company.test", mail.MessageId);
        var text = mail.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.StartsWith("Dear Mr Li,\nthe goods leave on Monday.\n\tRegards\n\n-- \n", text, StringComparison.Ordinal);
        Assert.Contains($"About order {number}: simply reply to this e-mail to reach us.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("直接回复", text, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", mail.HtmlBody, StringComparison.Ordinal);

        var written = Assert.Single(await TimelineAsync(admin, orderId), i => i!["kind"].Str() == "Email" && i["direction"].Str() == "Out");
        Assert.Equal($"Interaction:{first.Id()}", written!["ref"].Str());
        Assert.Equal("Sent", written["state"].Str());
        Assert.NotNull(written["by"]?.GetValue<Guid>());

        // R6: a dispatcher killed after the SMTP server took the e-mail but before it recorded the send sends it again
        // once the lease ends, with the same Message-ID: a receiver that deduplicates keeps one, the timeline shows one.
        await app.WithDbAsync(db => db.Set<OutgoingMessage>().Where(m => m.EventId == first.Id()).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.State, MessageState.Pending).SetProperty(m => m.SentAt, (DateTimeOffset?)null).SetProperty(m => m.LockedBy, "killed-node")
            .SetProperty(m => m.LockedUntil, DateTimeOffset.UtcNow.AddSeconds(-1))));
        await CommunicationApp.EventuallyAsync(() => app.Mail.To(primary).Count == 2, "the re-send after the lease");
        Assert.Single(app.Mail.DistinctTo(primary));
        await CommunicationApp.EventuallyAsync(async () => (await TimelineAsync(admin, orderId)).Any(i => i!["state"]?.GetValue<string>() == "Sent"), "the re-send marked sent");
        Assert.Single(await TimelineAsync(admin, orderId), i => i!["kind"].Str() == "Email" && i["direction"].Str() == "Out");

        // The customer answers from their mail program: the reply files on the same order.
        var reply = new MimeMessage();
        reply.From.Add(MailboxAddress.Parse(primary));
        reply.To.Add(mail.ReplyTo.Mailboxes.Single());
        reply.Subject = "Re: " + mail.Subject;
        reply.InReplyTo = mail.MessageId;
        reply.MessageId = $"reply-{tag}@a.test";
        reply.Body = new TextPart("plain") { Text = "Monday is fine, thanks." };
        await SendInboundAsync(reply);
        await SendInboundAsync(reply);
        await CommunicationApp.EventuallyAsync(async () => (await TimelineAsync(admin, orderId)).Any(i => i!["kind"].Str() == "Email" && i["direction"].Str() == "In"), "the reply");
        Assert.Single(await TimelineAsync(admin, orderId), i => i!["kind"].Str() == "Email" && i["direction"].Str() == "In");

        // Another contact of the same customer may be chosen; the customer page's e-mail carries no order and a Chinese frame when the customer reads Chinese.
        (await admin.PostAsync($"/api/orders/{orderId}/emails", new { subject = "Samples", message = "Samples attached.", to = other.ToUpperInvariant() })).Expect(HttpStatusCode.Accepted);
        await CommunicationApp.EventuallyAsync(() => app.Mail.To(other).Count == 1, "the e-mail to the other contact");
        var chineseCustomer = await CustomerWithContactsAsync(admin, "华联 " + tag, null, $"wang-{tag}@c.test");
        var toChinese = (await admin.PostAsync($"/api/customers/{chineseCustomer}/emails", new { subject = "新品目录", message = "王经理您好：\n附上新品目录。" })).Expect(HttpStatusCode.Accepted);
        Assert.Equal("zh-CN", toChinese["language"].Str());
        await CommunicationApp.EventuallyAsync(() => app.Mail.To($"wang-{tag}@c.test").Count == 1, "the Chinese e-mail");
        var chinese = app.Mail.To($"wang-{tag}@c.test").Single();
        Assert.Contains("直接回复此邮件即可联系我们。", chinese.TextBody, StringComparison.Ordinal);
        Assert.Empty(chinese.ReplyTo.Mailboxes);

        // Refused, and nothing queued: another customer's address, empty or multi-line subject, control characters, no body.
        var queued = await QueuedAsync(customer);
        Assert.Contains("NotAContact", (await admin.PostAsync($"/api/orders/{orderId}/emails", new { subject = "x", message = "y", to = $"other-{tag}@b.test" }))
            .Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Contains("Required", (await admin.PostAsync($"/api/orders/{orderId}/emails", new { subject = "  ", message = "y" })).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Equal("ControlCharacter", (await admin.PostAsync($"/api/orders/{orderId}/emails", new { subject = "Hi\r\nBcc: all@x.test", message = "y" }))
            .Expect(HttpStatusCode.BadRequest)["code"].Str());
        Assert.Equal("ControlCharacter", (await admin.PostAsync($"/api/orders/{orderId}/emails", new { subject = "Hi", message = "bell\u0007" }))
            .Expect(HttpStatusCode.BadRequest)["code"].Str());
        Assert.Equal("MalformedJson", (await admin.PostAsync($"/api/customers/{customer}/emails", new { subject = "Hi" })).Expect(HttpStatusCode.BadRequest)["code"].Str());
        Assert.Contains("Required", (await admin.PostAsync($"/api/customers/{customer}/emails", new { subject = "Hi", message = " " })).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        var noMail = await CustomerWithContactsAsync(admin, "NoMail " + tag, null);
        Assert.Contains("NoEmailAddress", (await admin.PostAsync($"/api/customers/{noMail}/emails", new { subject = "Hi", message = "y" })).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync($"/api/orders/{orderId}/emails", "not an object")).Status);
        Assert.Equal(queued, await QueuedAsync(customer));
        Assert.Equal(0, await QueuedAsync(foreign));
        Assert.Equal(0, await QueuedAsync(noMail));
    }

    [Fact]
    public async Task ARep_WritesOnlyToTheirOwnCustomers_AndFinanceMayNotWrite()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var tag = TestData.Unique("wr");
        using var rep = await app.UserAsync($"rep-{tag}@company.test", "SalesRep");
        using var finance = await app.UserAsync($"fin-{tag}@company.test", "Finance");
        var repId = (await admin.GetJsonAsync($"/api/users?q={Uri.EscapeDataString($"rep-{tag}@company.test")}")).Expect(HttpStatusCode.OK)["items"]!.AsArray()
            .Single(u => u!["email"].Str() == $"rep-{tag}@company.test")!.Id();
        var mine = await CommunicationRoadTests.CustomerAsync(admin, "Mine " + tag, $"mine-{tag}@x.test", ownerUserId: repId);
        var theirs = await CommunicationRoadTests.CustomerAsync(admin, "Theirs " + tag, $"theirs-{tag}@x.test");
        var theirOrder = (await data.OrderAsync(theirs, (product, 1))).Id();

        (await rep.PostAsync($"/api/customers/{mine}/emails", new { subject = "Hello", message = "Hi there." })).Expect(HttpStatusCode.Accepted);
        (await rep.PostAsync($"/api/customers/{theirs}/emails", new { subject = "Hello", message = "Hi there." })).Expect(HttpStatusCode.NotFound);
        (await rep.PostAsync($"/api/orders/{theirOrder}/emails", new { subject = "Hello", message = "Hi there." })).Expect(HttpStatusCode.NotFound);
        (await rep.GetJsonAsync($"/api/customers/{theirs}/email-contacts")).Expect(HttpStatusCode.NotFound);
        (await rep.PostAsync($"/api/customers/{mine}/emails", new { subject = "Hello", message = "Hi.", to = $"theirs-{tag}@x.test" })).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.Forbidden, (await finance.PostAsync($"/api/customers/{mine}/emails", new { subject = "Hello", message = "Hi there." })).Status);
        Assert.Equal(0, await QueuedAsync(theirs));
        await CommunicationApp.EventuallyAsync(() => app.Mail.To($"mine-{tag}@x.test").Count == 1, "the rep's e-mail");
        Assert.Empty(app.Mail.To($"theirs-{tag}@x.test"));
    }

    private Task<int> QueuedAsync(Guid customer) =>
        app.WithDbAsync(db => db.Set<OutgoingMessage>().CountAsync(m => m.CustomerId == customer && m.EventType == "CustomerEmailWritten"));

    private static async Task<System.Text.Json.Nodes.JsonArray> TimelineAsync(HttpClient client, Guid orderId) =>
        (await client.GetJsonAsync($"/api/orders/{orderId}/timeline?limit=500")).Expect(HttpStatusCode.OK)["items"]!.AsArray();

    private static async Task<Guid> CustomerWithContactsAsync(HttpClient admin, string name, string? email, string? primary = null, string? other = null)
    {
        var contacts = new List<object> { new { name = "No Mail", phone = "13800000000" } };
        if (other is not null)
        {
            contacts.Add(new { name = "Han Meimei", email = other });
        }

        if (primary is not null)
        {
            contacts.Add(new { name = "Li Lei", email = primary, isPrimary = true });
        }

        return (await admin.PostAsync("/api/customers", new { code = TestData.Unique("CE"), name, email, region = "East", currency = "CNY", contacts }))
            .Expect(HttpStatusCode.Created).Id();
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
}

public sealed class CustomerEmailTests_Sqlite(CommunicationSqliteApp app) : CustomerEmailTests(app), IClassFixture<CommunicationSqliteApp>;

public sealed class CustomerEmailTests_Postgres(CommunicationPostgresApp app) : CustomerEmailTests(app), IClassFixture<CommunicationPostgresApp>;
