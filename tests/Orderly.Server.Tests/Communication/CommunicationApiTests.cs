using System.Net;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Common;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

// Request bodies in tests are literal arrays, built once per call.
#pragma warning disable CA1861

namespace Orderly.Server.Tests.Communication;

/// <summary>Supply's delay event as the contract names it (its code is on another branch): raised here to drive the rules.</summary>
public sealed record ShipmentDelayed(Guid ShipmentId, Guid OrderId, Guid CustomerId, string Reason, string? Carrier, string? TrackingNumber, string? Eta) : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "Shipment";

    [JsonIgnore]
    public Guid AggregateId => ShipmentId;

    [JsonIgnore]
    public Guid? ConcernsCustomer => CustomerId;
}

/// <summary>The inventory's alert, as a stand-in for a burst of robot-bound events.</summary>
public sealed record StockAlertRaised(Guid AlertId, Guid ProductId, Guid WarehouseId, string Kind) : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "StockAlert";

    [JsonIgnore]
    public Guid AggregateId => AlertId;
}

public abstract class CommunicationApiTests(CommunicationApp app)
{
    [Fact]
    public async Task Interaction_SameChannelMessageTwice_IsRecordedOnce_AndARepSeesOnlyTheirCustomers()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("i");
        using var rep = await app.UserAsync($"rep-{tag}@company.test", "SalesRep");
        Guid? repId = await UserIdAsync(admin, $"rep-{tag}@company.test");
        var mine = await CommunicationRoadTests.CustomerAsync(admin, "Mine " + tag, $"mine-{tag}@x.test", ownerUserId: repId);
        var theirs = await CommunicationRoadTests.CustomerAsync(admin, "Theirs " + tag, $"theirs-{tag}@x.test");

        var body = new { customerId = mine, channel = "WeCom", direction = "In", summary = "问交期", externalId = $"wx-{tag}" };
        var first = (await rep.PostAsync("/api/interactions", body)).Expect(HttpStatusCode.Created);
        var again = (await rep.PostAsync("/api/interactions", body)).Expect(HttpStatusCode.OK);
        Assert.Equal(first.Id(), again.Id());
        (await rep.PostAsync("/api/interactions", new { customerId = mine, channel = "Phone", direction = "Out", summary = "Called back" })).Expect(HttpStatusCode.Created);

        var timeline = (await rep.GetJsonAsync($"/api/customers/{mine}/timeline")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal(["Chat", "Call"], timeline.Select(i => i!["kind"].Str()));
        var phone = (await rep.GetJsonAsync($"/api/customers/{mine}/timeline?channel=Phone")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal("Called back", Assert.Single(phone)!["summary"].Str());

        (await rep.GetJsonAsync($"/api/customers/{theirs}/timeline")).Expect(HttpStatusCode.NotFound);
        var refused = (await rep.PostAsync("/api/interactions", new { customerId = theirs, channel = "Phone", direction = "In", summary = "x" })).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("UnknownCustomer", refused.Codes());
        (await rep.GetJsonAsync($"/api/customers/{theirs}/communication")).Expect(HttpStatusCode.NotFound);
        (await rep.PostAsync("/api/interactions", new { customerId = mine, channel = "Fax", direction = "In", summary = "x" })).Expect(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Note_MentioningAUser_NotifiesThem_UntilRead()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("n");
        var colleague = $"colleague-{tag}@company.test";
        using var other = await app.UserAsync(colleague, "OrderClerk");
        var customer = await CommunicationRoadTests.CustomerAsync(admin, "Noted " + tag, $"noted-{tag}@x.test");

        (await admin.PostAsync("/api/notes", new { customerId = customer, text = $"@{colleague} please check the price list" })).Expect(HttpStatusCode.Created);

        var unread = (await other.GetJsonAsync("/api/notifications/unread-count")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, unread["count"]!.GetValue<int>());
        var note = Assert.Single((await other.GetJsonAsync("/api/notifications")).Expect(HttpStatusCode.OK)["items"]!.AsArray())!;
        Assert.Equal("Mention", note["kind"].Str());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/notifications/{note.Id()}/read")).Status);
        (await other.PostAsync($"/api/notifications/{note.Id()}/read")).Expect(HttpStatusCode.NoContent);
        Assert.Equal(0, (await other.GetJsonAsync("/api/notifications/unread-count")).Expect(HttpStatusCode.OK)["count"]!.GetValue<int>());
        var timeline = (await admin.GetJsonAsync($"/api/customers/{customer}/timeline")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal("Note", Assert.Single(timeline)!["kind"].Str());
    }

    [Fact]
    public async Task Tasks_AreListedByState_CompletedOnce_AndADelayedShipmentMakesOneForTheRep()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("t");
        using var rep = await app.UserAsync($"rep-{tag}@company.test", "SalesRep");
        var repId = await UserIdAsync(admin, $"rep-{tag}@company.test");
        var email = $"late-{tag}@x.test";
        var customer = await CommunicationRoadTests.CustomerAsync(admin, "Late " + tag, email, ownerUserId: repId);

        var overdue = (await rep.PostAsync("/api/tasks", new { subject = "Send samples", dueAt = DateTimeOffset.UtcNow.AddHours(-2), assigneeId = repId, customerId = customer }))
            .Expect(HttpStatusCode.Created);
        (await rep.PostAsync("/api/tasks", new { subject = "Visit", dueAt = DateTimeOffset.UtcNow.AddDays(3), assigneeId = repId, customerId = customer })).Expect(HttpStatusCode.Created);
        Assert.Equal(2, (await rep.GetJsonAsync($"/api/tasks?assigneeId={repId}&state=open")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Count);
        Assert.Equal("Send samples", Assert.Single((await rep.GetJsonAsync($"/api/tasks?assigneeId={repId}&state=overdue")).Expect(HttpStatusCode.OK)["items"]!.AsArray())!["subject"].Str());
        (await rep.PostAsync($"/api/tasks/{overdue.Id()}/complete")).Expect(HttpStatusCode.OK);
        Assert.Equal(FollowUpState.Done, await app.WithDbAsync(db => db.Set<FollowUpTask>().AsNoTracking().Where(t => t.Id == overdue.Id()).Select(t => t.State).SingleAsync()));
        (await rep.PostAsync($"/api/tasks/{overdue.Id()}/complete")).Expect(HttpStatusCode.Conflict);
        Assert.Single((await rep.GetJsonAsync($"/api/tasks?assigneeId={repId}&state=done")).Expect(HttpStatusCode.OK)["items"]!.AsArray());
        (await rep.PostAsync("/api/tasks", new { subject = "x", dueAt = DateTimeOffset.UtcNow, assigneeId = Guid.NewGuid() })).Expect(HttpStatusCode.UnprocessableEntity);

        // A delayed shipment: the rep gets a call-back task and a notice, the customer a delay e-mail; each once.
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var order = await data.OrderAsync(customer, (product, 1));
        var delayed = new ShipmentDelayed(Guid.NewGuid(), order.Id(), customer, "台风", "SF", "SF999", "2026-12-24");
        await RaiseAsync(delayed);
        await RaiseAsync(delayed with { ShipmentId = Guid.NewGuid() });
        await CommunicationApp.EventuallyAsync(async () => (await rep.GetJsonAsync($"/api/tasks?assigneeId={repId}&state=open")).Body!["items"]!.AsArray().Count == 3, "the rule's tasks");
        await CommunicationApp.EventuallyAsync(() => app.Mail.DistinctTo(email).Count == 2, "two delay e-mails (two events)");
        var tasks = (await rep.GetJsonAsync($"/api/tasks?assigneeId={repId}&state=open")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal(2, tasks.Count(t => t!["rule"]?.GetValue<string>() == "ShipmentDelayed"));
        Assert.All(app.Mail.To(email), m => Assert.Contains("台风", m.TextBody, StringComparison.Ordinal));
        var notes = (await rep.GetJsonAsync("/api/notifications")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal(2, notes.Count(n => n!["kind"].Str() == "ShipmentDelayed"));

        // Reminders: one per task due soon, never twice.
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
        var reminders = scope.ServiceProvider.GetRequiredService<Server.Communication.TaskReminders>();
        (await rep.PostAsync("/api/tasks", new { subject = "Call in half an hour", dueAt = DateTimeOffset.UtcNow.AddMinutes(30), assigneeId = repId })).Expect(HttpStatusCode.Created);
        Assert.Equal(1, await reminders.RunAsync(default));
        Assert.Equal(0, await reminders.RunAsync(default));
        notes = (await rep.GetJsonAsync("/api/notifications")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal("Call in half an hour", Assert.Single(notes, n => n!["kind"].Str() == "TaskDue")!["title"].Str());
    }

    [Fact]
    public async Task StatusPage_ShowsOnlyItsOrder_WithoutPrices_UntilRevoked()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var tag = TestData.Unique("s");
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 4321m);
        await data.ReceiveAsync(warehouse, product, 10);
        var a = await CommunicationRoadTests.CustomerAsync(admin, "Alpha " + tag, $"alpha-{tag}@x.test");
        var b = await CommunicationRoadTests.CustomerAsync(admin, "Beta " + tag, $"beta-{tag}@x.test");
        var orderA = await data.OrderAsync(a, (product, 2));
        var orderB = await data.OrderAsync(b, (product, 1));
        var submitted = (await admin.PostAsync($"/api/orders/{orderA.Id()}/submit")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{orderA.Id()}/shipments", new { lines = new[] { new { lineId = submitted["lines"]![0]!.Id(), quantity = 2 } }, carrier = "中通", trackingNumber = "ZT778899" }))
            .Expect(HttpStatusCode.Created);

        var link = (await admin.PostAsync($"/api/orders/{orderA.Id()}/status-link")).Expect(HttpStatusCode.Created);
        var token = link["token"].Str();
        Assert.True(token.Length >= 22, "at least 128 bits");
        Assert.EndsWith("/t/" + token, link["url"].Str(), StringComparison.Ordinal);
        using var anonymous = app.Anonymous();
        var page = await anonymous.GetAsync($"/t/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(orderA["number"].Str(), html, StringComparison.Ordinal);
        Assert.Contains("ZT778899", html, StringComparison.Ordinal);
        Assert.Contains("已发货", html, StringComparison.Ordinal);
        Assert.DoesNotContain("4321", html, StringComparison.Ordinal);
        Assert.DoesNotContain("8642", html, StringComparison.Ordinal);
        Assert.DoesNotContain(orderB["number"].Str(), html, StringComparison.Ordinal);
        Assert.DoesNotContain("Beta", html, StringComparison.Ordinal);
        Assert.Contains("Shipped", await (await anonymous.GetAsync($"/t/{token}?lang=en")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/t/{token[..^2]}xx")).StatusCode);
        (await admin.SendAsync(HttpMethod.Delete, $"/api/status-links/{link.Id()}")).Expect(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/t/{token}")).StatusCode);
    }

    [Fact]
    public async Task Webhooks_RefusePrivateTargets_AtRegistration_AndAtDelivery_AfterRedirectOrRebinding()
    {
        using var admin = await app.AdminAsync();
        app.Resolver.Names["intranet.test"] = [IPAddress.Parse("192.168.10.5")];
        app.Resolver.Names["rebind.test"] = [IPAddress.Parse("93.184.216.34")];
        foreach (var url in new[] { "http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://intranet.test/hook", "http://[fd00:ec2::254]/", "ftp://receiver.test/x" })
        {
            var refused = (await admin.PostAsync("/api/webhooks", new { url, events = new[] { "OrderConfirmed" } })).Expect(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("url", refused["violations"]![0]!["field"].Str());
        }

        var created = (await admin.PostAsync("/api/webhooks", new { url = "https://rebind.test/hook", events = new[] { "OrderConfirmed" } })).Expect(HttpStatusCode.Created);
        Assert.Equal(48, created["secret"].Str().Length);
        var redirect = (await admin.PostAsync("/api/webhooks", new { url = $"http://receiver.test:{app.Outside.Port}/redirect-metadata", events = new[] { "OrderConfirmed" } }))
            .Expect(HttpStatusCode.Created);
        app.Resolver.Names["rebind.test"] = [IPAddress.Parse("10.9.9.9")];

        var data = new TestData(admin);
        var customer = await data.CustomerAsync();
        var order = await data.OrderAsync(customer, (await data.ProductAsync(), 1));
        (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);

        foreach (var hook in new[] { created.Id(), redirect.Id() })
        {
            await CommunicationApp.EventuallyAsync(async () => (await admin.GetJsonAsync($"/api/webhooks/{hook}/deliveries")).Body!["items"]!.AsArray()
                .Any(d => d!["state"].Str() == "Dead"), "the refused delivery given up");
            var delivery = (await admin.GetJsonAsync($"/api/webhooks/{hook}/deliveries")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Single()!;
            Assert.Contains("refused", delivery["lastError"].Str(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(3, delivery["attempts"]!.GetValue<int>());
        }

        // A replay of a dead delivery queues it again with the same event id.
        var dead = (await admin.GetJsonAsync($"/api/webhooks/{redirect.Id()}/deliveries")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Single()!;
        (await admin.PostAsync($"/api/webhooks/{redirect.Id()}/deliveries/{dead.Id()}/replay")).Expect(HttpStatusCode.Accepted);
        using var clerk = await app.UserAsync($"clerk-{TestData.Unique("w")}@company.test", "OrderClerk");
        (await clerk.PostAsync("/api/webhooks", new { url = "https://rebind.test/hook", events = new[] { "OrderConfirmed" } })).Expect(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Robot_Burst_RespectsTwentyAMinute_AndDigestsTheBacklog()
    {
        var before = app.Outside.RobotMessages.Count(m => m.Robot == "feishu");
        for (var i = 0; i < 30; i++)
        {
            await RaiseAsync(new StockAlertRaised(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), $"Low-{i}"));
        }

        await CommunicationApp.EventuallyAsync(async () => await app.WithDbAsync(db => db.Set<OutgoingMessage>()
            .CountAsync(m => m.Recipient == "feishu" && m.EventType == "StockAlertRaised" && m.State == MessageState.Sent)) == 30, "all 30 alerts sent");
        var sends = app.Outside.RobotMessages.Where(m => m.Robot == "feishu").Skip(before).ToList();
        Assert.InRange(sends.Count, 1, 20);
        Assert.Equal(30, sends.Sum(m => m.Text.Split("Low-").Length - 1));
        Assert.Equal(0, app.Outside.RobotBadSignatures);
    }

    private static async Task<Guid> UserIdAsync(HttpClient admin, string email) =>
        (await admin.GetJsonAsync($"/api/users?q={Uri.EscapeDataString(email)}")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Single(u => u!["email"].Str() == email)!.Id();

    private async Task RaiseAsync(IDomainEvent e)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        await scope.ServiceProvider.GetRequiredService<Writes>().RunAsync(_ =>
        {
            db.Events.Raise(e);
            return Task.CompletedTask;
        }, default);
    }
}

public sealed class CommunicationApiTests_Sqlite(CommunicationSqliteApp app) : CommunicationApiTests(app), IClassFixture<CommunicationSqliteApp>;

public sealed class CommunicationApiTests_Postgres(CommunicationPostgresApp app) : CommunicationApiTests(app), IClassFixture<CommunicationPostgresApp>;
