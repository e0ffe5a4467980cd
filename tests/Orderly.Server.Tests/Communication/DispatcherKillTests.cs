// Request bodies in tests are literal arrays, built once per call.
#pragma warning disable CA1861
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;

namespace Orderly.Server.Tests.Communication;

/// <summary>A server node wired to shared fakes on a database it does not own: two of them in turn play "before and after the crash".</summary>
public sealed class CommunicationNode(TestDatabase shared, SmtpSink mail, OutsideServices outside, TestResolver resolver) : OrderlyApp(TestDatabase.Borrowed(shared))
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        CommunicationApp.Configure(builder, mail, outside, resolver, inboundPort: null);
        // A dead node's claim on a message ends after two seconds.
        builder.UseSetting("Orderly:Communication:LeaseFor", "00:00:02");
        builder.UseSetting("Orderly:Communication:MaxAttempts", "8");
        builder.UseSetting("Orderly:Communication:Sms:Templates:OrderConfirmed", "SMS_154950909");
    }
}

/// <summary>
/// R6 with a real kill: the host is torn down while the in-process SMTP server holds the order confirmation it has already
/// stored (delivered, not acknowledged), with the SMS, the WeCom message and the webhook claimed or waiting behind it. A new
/// host on the same database finishes the work: every channel's message arrives at least once, the e-mail with the same
/// Message-ID, the webhook with the same event id (the deduplicating receiver applies it once), and the order's timeline
/// shows each message once.
/// </summary>
public abstract class DispatcherKillTests(string provider)
{
    [Fact]
    public async Task DispatcherKilledMidSend_NewHostDeliversEachMessageAtLeastOnce_ShownOnceOnTheTimeline()
    {
        var database = TestDatabase.For(provider);
        await database.CreateAsync();
        var mail = SmtpSink.Start();
        var outside = await OutsideServices.StartAsync();
        var resolver = new TestResolver();
        resolver.Names["receiver.test"] = [IPAddress.Loopback];
        try
        {
            var tag = TestData.Unique("k");
            var email = $"buyer-{tag}@a.test";
            var wecom = $"wm{tag}";
            outside.WeComContacts[wecom] = true;
            Guid orderId;
            string number;
            var first = new CommunicationNode(database, mail, outside, resolver);
            await using (first)
            {
                using var admin = await first.AdminAsync();
                var data = new TestData(admin);
                var warehouse = await data.WarehouseAsync();
                var product = await data.ProductAsync(listPrice: 100m);
                await data.ReceiveAsync(warehouse, product, 10);
                var customer = await CommunicationRoadTests.CustomerAsync(admin, "Killed " + tag, email, "13800138000");
                (await admin.PutAsync($"/api/customers/{customer}/communication", new
                {
                    language = "en",
                    recipients = new object[] { new { events = new[] { "OrderConfirmed" }, channels = new[] { "Email", "Sms", "WeCom" }, weComUserId = wecom } },
                }, null)).Expect(HttpStatusCode.OK);
                (await admin.PostAsync("/api/webhooks", new { url = $"http://receiver.test:{outside.Port}/hooks", events = new[] { "OrderConfirmed" }, secret = OutsideServices.WebhookSecret }))
                    .Expect(HttpStatusCode.Created);

                var held = mail.HoldNextAsync();
                var order = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1 } } })).Expect(HttpStatusCode.Created);
                orderId = order.Id();
                number = order["number"].Str();
                Assert.Equal("Confirmed", (await admin.PostAsync($"/api/orders/{orderId}/submit")).Expect(HttpStatusCode.OK)["status"].Str());
                await held.WaitAsync(TimeSpan.FromSeconds(30));
                // The sink holds the stored e-mail: the dispatcher waits for an answer that never comes, and the node dies.
            }

            mail.Release();
            Assert.Single(mail.To(email));
            var afterKill = await WithDbAsync(database, mail, outside, resolver, db => db.Set<OutgoingMessage>().AsNoTracking().Where(m => m.OrderId == orderId).ToListAsync());
            Assert.Equal(MessageState.Pending, afterKill.Single(m => m.Channel == MessageChannel.Email).State);

            await using var second = new CommunicationNode(database, mail, outside, resolver);
            using var admin2 = await second.AdminAsync();
            await CommunicationApp.EventuallyAsync(() => second.WithDbAsync(db => db.Set<OutgoingMessage>().Where(m => m.OrderId == orderId || m.Channel == MessageChannel.Webhook)
                .AllAsync(m => m.State == MessageState.Sent)), "every message sent by the new node");
            var states = await second.WithDbAsync(db => db.Set<OutgoingMessage>().AsNoTracking().Select(m => new { m.Channel, m.State, m.LastError }).ToListAsync());
            Assert.All(states, m => Assert.True(m.State == MessageState.Sent, $"{m.Channel}: {m.State} {m.LastError}"));

            // E-mail: the stored copy and the re-send carry one Message-ID: one message for a receiver that deduplicates.
            var mails = mail.To(email);
            Assert.Equal(2, mails.Count);
            Assert.Single(mail.DistinctTo(email));
            Assert.Equal($"Order {number} confirmed", mails[0].Subject);
            // SMS and WeCom were claimed or waiting behind the held e-mail: sent once, by the new node.
            var sms = Assert.Single(outside.Sms, s => s["PhoneNumbers"] == "13800138000" && s["TemplateParam"].Contains(number, StringComparison.Ordinal));
            Assert.Single(outside.WeComCustomerMessages, m => m.ExternalUserId == wecom);
            // The webhook receiver applies each event id once whatever it was sent.
            var messages = await second.WithDbAsync(db => db.Set<OutgoingMessage>().AsNoTracking().Where(m => m.OrderId == orderId && m.Channel != MessageChannel.Webhook).ToListAsync());
            var hook = await second.WithDbAsync(db => db.Set<OutgoingMessage>().AsNoTracking().SingleAsync(m => m.Channel == MessageChannel.Webhook));
            Assert.True(outside.HookDeliveries[hook.EventId] >= 1);
            Assert.Single(outside.HookApplied);
            Assert.Contains(number, outside.HookApplied[hook.EventId], StringComparison.Ordinal);
            Assert.True(messages.Single(m => m.Channel == MessageChannel.Email).Attempts >= 2, "the e-mail was claimed again after the lease");
            Assert.Equal(sms["OutId"], messages.Single(m => m.Channel == MessageChannel.Sms).MessageId);

            // The timeline: each customer message once.
            var timeline = (await admin2.GetJsonAsync($"/api/orders/{orderId}/timeline?limit=500")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
            foreach (var m in messages)
            {
                Assert.Single(timeline, i => i!["ref"].Str() == $"OrderConfirmed:{m.Id}");
            }

            Assert.Equal(3, messages.Count);
        }
        finally
        {
            mail.Release();
            await mail.DisposeAsync();
            await outside.DisposeAsync();
            await database.DropAsync();
        }
    }

    /// <summary>Reads the database between the nodes (a short-lived node with its dispatcher off).</summary>
    private static async Task<T> WithDbAsync<T>(TestDatabase database, SmtpSink mail, OutsideServices outside, TestResolver resolver, Func<Orderly.Server.Data.OrderlyDbContext, Task<T>> query)
    {
        await using var reader = new ReaderNode(database, mail, outside, resolver);
        return await reader.WithDbAsync(query);
    }

    private sealed class ReaderNode(TestDatabase shared, SmtpSink mail, OutsideServices outside, TestResolver resolver) : OrderlyApp(TestDatabase.Borrowed(shared))
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            CommunicationApp.Configure(builder, mail, outside, resolver, inboundPort: null);
            builder.UseSetting("Orderly:Communication:DispatcherEnabled", "false");
            builder.UseSetting("Orderly:Events:DispatcherEnabled", "false");
        }
    }
}

public sealed class DispatcherKillTests_Sqlite() : DispatcherKillTests("sqlite");

public sealed class DispatcherKillTests_Postgres() : DispatcherKillTests("postgres");
