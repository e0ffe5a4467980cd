// Request bodies in tests are literal arrays, built once per call.
#pragma warning disable CA1861
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Communication;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Tests.Communication;

/// <summary>
/// The WeCom customer channel against its local fake (token from gettoken, refreshed when WeCom says it expired; the
/// customer's language; once per event), and per-user internal notice preferences: e-mailed kinds, quiet hours, muted.
/// </summary>
public abstract class ChannelPreferenceTests(CommunicationApp app)
{
    [Fact]
    public async Task WeComContact_IsToldOnce_InTheirLanguage_EvenWhenTheTokenExpired_AndAnotherCustomerHearsNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, product, 10);
        var tag = TestData.Unique("w");
        var contact = $"wm{tag}";
        var otherContact = $"wmother{tag}";
        app.Outside.WeComContacts[contact] = true;
        app.Outside.WeComContacts[otherContact] = true;
        var customer = await CommunicationRoadTests.CustomerAsync(admin, "Acme " + tag, $"acme-{tag}@a.test");
        var other = await CommunicationRoadTests.CustomerAsync(admin, "Other " + tag, $"other-{tag}@b.test");

        // The channel needs the contact's external user id.
        var refused = (await admin.PutAsync($"/api/customers/{customer}/communication", new
        {
            language = "en", recipients = new object[] { new { events = new[] { "OrderConfirmed" }, channels = new[] { "WeCom" } } },
        }, null)).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Required", refused.Codes());
        var saved = (await admin.PutAsync($"/api/customers/{customer}/communication", new
        {
            language = "en", recipients = new object[] { new { name = "Li Lei", events = new[] { "OrderConfirmed" }, channels = new[] { "WeCom" }, weComUserId = contact } },
        }, null)).Expect(HttpStatusCode.OK);
        Assert.Equal(contact, saved["recipients"]![0]!["weComUserId"].Str());
        (await admin.PutAsync($"/api/customers/{other}/communication", new
        {
            language = "zh-CN", recipients = new object[] { new { events = new[] { "OrderShipped" }, channels = new[] { "WeCom" }, weComUserId = otherContact } },
        }, null)).Expect(HttpStatusCode.OK);

        app.Outside.ExpireWeComTokens();
        var fetchesBefore = app.Outside.WeComTokenFetches;
        var order = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 2 } } })).Expect(HttpStatusCode.Created);
        var number = order["number"].Str();
        Assert.Equal("Confirmed", (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK)["status"].Str());

        await CommunicationApp.EventuallyAsync(() => app.Outside.WeComCustomerMessages.Any(m => m.ExternalUserId == contact), "the WeCom message");
        await Task.Delay(500);
        var message = Assert.Single(app.Outside.WeComCustomerMessages, m => m.ExternalUserId == contact);
        Assert.Contains($"Order {number} confirmed", message.Text, StringComparison.Ordinal);
        Assert.Equal("zhangsan", message.Sender);
        Assert.True(app.Outside.WeComTokenFetches > fetchesBefore, "a fresh token after the old one stopped working");
        Assert.DoesNotContain(app.Outside.WeComCustomerMessages, m => m.ExternalUserId == otherContact);
        Assert.DoesNotContain(app.Outside.WeComCustomerMessages, m => m.Text.Contains(number, StringComparison.Ordinal) && m.ExternalUserId != contact);

        // On the order's timeline once, as a chat message out.
        var timeline = (await admin.GetJsonAsync($"/api/orders/{order.Id()}/timeline?channel=WeCom")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var line = Assert.Single(timeline);
        Assert.Equal("Chat", line!["kind"].Str());
        Assert.Equal("Out", line["direction"].Str());
    }

    [Fact]
    public async Task WeComContactNotKnown_IsRetriedAndGivenUp_NotReportedSent()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, product, 10);
        var tag = TestData.Unique("wf");
        var stranger = $"wmstranger{tag}";
        var customer = await CommunicationRoadTests.CustomerAsync(admin, "Stranger " + tag, $"s-{tag}@a.test");
        (await admin.PutAsync($"/api/customers/{customer}/communication", new
        {
            language = "zh-CN", recipients = new object[] { new { events = new[] { "OrderConfirmed" }, channels = new[] { "WeCom" }, weComUserId = stranger } },
        }, null)).Expect(HttpStatusCode.OK);
        var order = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1 } } })).Expect(HttpStatusCode.Created);
        (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);

        // MaxAttempts is 3 in these tests: the contact lands in fail_list each time, so the message ends dead with the reason.
        await CommunicationApp.EventuallyAsync(() => app.WithDbAsync(db => db.Set<OutgoingMessage>()
            .AnyAsync(m => m.Channel == MessageChannel.WeCom && m.Recipient == stranger && m.State == MessageState.Dead)), "the message given up");
        var dead = await app.WithDbAsync(db => db.Set<OutgoingMessage>().SingleAsync(m => m.Channel == MessageChannel.WeCom && m.Recipient == stranger));
        Assert.Equal(3, dead.Attempts);
        Assert.Null(dead.SentAt);
        Assert.Contains("fail_list", dead.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Outside.WeComCustomerMessages, m => m.ExternalUserId == stranger);
    }

    [Fact]
    public async Task InternalNotices_AreEmailedToWhoAskedForIt_HeldThroughQuietHours_AndMutedOnesStayOutOfTheBell()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, product, 10);
        var tag = TestData.Unique("p");
        var awake = $"awake-{tag}@company.test";
        var asleep = $"asleep-{tag}@company.test";
        var muted = $"muted-{tag}@company.test";
        using var awakeClient = await app.UserAsync(awake, "SalesManager");
        using var asleepClient = await app.UserAsync(asleep, "SalesManager");
        using var mutedClient = await app.UserAsync(muted, "SalesManager");

        // Quiet hours around the present moment in the business's time zone: from an hour ago to two hours ahead.
        var zone = app.Services.GetRequiredService<BusinessCalendar>().Zone;
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var quiet = new { from = local.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture), to = local.AddHours(2).ToString("HH:mm", CultureInfo.InvariantCulture) };

        (await awakeClient.PutAsync("/api/notifications/preferences", new { muted = Array.Empty<string>(), emailed = new[] { "ApprovalNeeded" } }, null)).Expect(HttpStatusCode.OK);
        var asleepPrefs = (await asleepClient.PutAsync("/api/notifications/preferences", new { muted = Array.Empty<string>(), emailed = new[] { "ApprovalNeeded" }, quietHours = quiet }, null))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(quiet.from + ":00", asleepPrefs["quietHours"]!["from"].Str());
        (await mutedClient.PutAsync("/api/notifications/preferences", new { muted = new[] { "ApprovalNeeded" } }, null)).Expect(HttpStatusCode.OK);
        var unknown = (await mutedClient.PutAsync("/api/notifications/preferences", new { muted = Array.Empty<string>(), emailed = new[] { "Gossip" } }, null))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("UnknownKind", unknown.Codes());
        var mutedBefore = (await mutedClient.GetJsonAsync("/api/notifications/unread-count")).Expect(HttpStatusCode.OK)["count"]!.GetValue<int>();

        var customer = await CommunicationRoadTests.CustomerAsync(admin, "Discounted " + tag, $"d-{tag}@a.test");
        using var clerk = await app.UserAsync($"clerk-{tag}@company.test", "OrderClerk");
        var order = (await clerk.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1, discountPercent = 15 } } }))
            .Expect(HttpStatusCode.Created);
        var number = order["number"].Str();
        Assert.Equal("PendingApproval", (await clerk.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK)["status"].Str());

        await CommunicationApp.EventuallyAsync(() => app.Mail.To(awake).Count > 0, "the awake manager's e-mail");
        var mail = Assert.Single(app.Mail.To(awake));
        Assert.Equal($"[Orderly] {number} needs approval", mail.Subject);
        Assert.Contains($"http://orderly.test/orders/{order.Id()}", mail.TextBody, StringComparison.Ordinal);

        // The manager in quiet hours: the e-mail waits until they end; the bell has it now.
        var held = await app.WithDbAsync(db => db.Set<OutgoingMessage>().SingleAsync(m => m.Recipient == asleep));
        Assert.Equal(MessageState.Pending, held.State);
        Assert.True(held.NotBefore > DateTimeOffset.UtcNow.AddMinutes(100), $"held until the quiet hours end, not {held.NotBefore:O}");
        Assert.Empty(app.Mail.To(asleep));
        Assert.Contains((await asleepClient.GetJsonAsync("/api/notifications")).Expect(HttpStatusCode.OK)["items"]!.AsArray(), n => n!["title"].Str() == $"{number} needs approval");

        // Muted in the app and not e-mailed: nothing at all.
        Assert.Equal(mutedBefore, (await mutedClient.GetJsonAsync("/api/notifications/unread-count")).Expect(HttpStatusCode.OK)["count"]!.GetValue<int>());
        Assert.Empty(app.Mail.To(muted));
    }

    [Fact]
    public async Task SurveyLink_IsForADeliveredOrderNotInvitedByEmail_AndAnsweredOnce()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, product, 10);
        var tag = TestData.Unique("sl");
        // No e-mail address: nobody is invited by e-mail, a rep hands the link over.
        var offline = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("CC"), name = "Offline " + tag, region = "East", currency = "CNY" })).Expect(HttpStatusCode.Created).Id();
        var online = await CommunicationRoadTests.CustomerAsync(admin, "Online " + tag, $"on-{tag}@a.test");
        var offlineOrder = await DeliveredOrderAsync(admin, offline, product, early: true);
        var onlineOrder = await DeliveredOrderAsync(admin, online, product, early: false);
        (await admin.PostAsync($"/api/orders/{Guid.NewGuid()}/survey-link")).Expect(HttpStatusCode.NotFound);

        var link = (await admin.PostAsync($"/api/orders/{offlineOrder}/survey-link")).Expect(HttpStatusCode.Created);
        Assert.StartsWith("http://orderly.test/s/", link["url"].Str(), StringComparison.Ordinal);
        (await admin.PostAsync($"/api/orders/{offlineOrder}/survey-link")).Expect(HttpStatusCode.Conflict);
        using var anonymous = app.Anonymous();
        (await anonymous.PostAsync($"/s/{link["token"].Str()}", new { score = 2, nps = 5 })).Expect(HttpStatusCode.Created);
        (await anonymous.PostAsync($"/s/{link["token"].Str()}", new { score = 5, nps = 10 })).Expect(HttpStatusCode.NotFound);

        // The e-mailed customer's invitation is the order's one: no second link.
        await CommunicationApp.EventuallyAsync(() => app.WithDbAsync(db => db.Set<SurveyInvitation>().AnyAsync(i => i.OrderId == onlineOrder)), "the e-mailed invitation");
        var conflict = (await admin.PostAsync($"/api/orders/{onlineOrder}/survey-link")).Expect(HttpStatusCode.Conflict);
        Assert.Contains("AlreadyInvited", conflict.ToJsonString(), StringComparison.Ordinal);
    }

    private static async Task<Guid> DeliveredOrderAsync(HttpClient admin, Guid customer, Guid product, bool early)
    {
        var order = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1 } } })).Expect(HttpStatusCode.Created);
        var confirmed = (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);
        if (early)
        {
            Assert.Contains("NotDelivered", (await admin.PostAsync($"/api/orders/{order.Id()}/survey-link")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        }

        (await admin.PostAsync($"/api/orders/{order.Id()}/shipments", new { lines = new[] { new { lineId = confirmed["lines"]![0]!.Id(), quantity = 1 } } })).Expect(HttpStatusCode.Created);
        (await admin.PostAsync($"/api/orders/{order.Id()}/deliver")).Expect(HttpStatusCode.OK);
        return order.Id();
    }
}

public sealed class ChannelPreferenceTests_Sqlite(CommunicationSqliteApp app) : ChannelPreferenceTests(app), IClassFixture<CommunicationSqliteApp>;

public sealed class ChannelPreferenceTests_Postgres(CommunicationPostgresApp app) : ChannelPreferenceTests(app), IClassFixture<CommunicationPostgresApp>;
