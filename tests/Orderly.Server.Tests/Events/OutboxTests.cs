using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Tests.Events;

/// <summary>
/// The transactional outbox and its dispatcher (issue #10): events exist exactly for committed changes, in one
/// INSERT per transaction; every subscriber gets each event at least once and, through the inbox, applies it once;
/// failures retry and dead-letter; the feed is scoped and keyset-paged.
/// </summary>
public abstract class OutboxTests(EventsApp app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OrderRoad_WritesItsEvents_InOrder_WithActorAndPayload()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var (order, customer) = await ShippedAndDeliveredOrderAsync(admin, data);

        var events = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.AggregateId == order.ToString()).OrderBy(m => m.Position).ToListAsync());
        Assert.Equal(
            [nameof(OrderCreated), nameof(OrderSubmitted), nameof(OrderConfirmed), nameof(Domain.Inventory.StockReserved), nameof(OrderShipped), nameof(OrderDelivered)],
            events.Select(e => e.Type));
        Assert.All(events, e =>
        {
            Assert.Equal("SalesOrder", e.AggregateType);
            Assert.Equal(customer, e.CustomerId);
            Assert.Equal(OrderlyApp.AdminEmail, e.ActorName);
            Assert.NotNull(e.ActorId);
            Assert.False(string.IsNullOrEmpty(e.CorrelationId));
            Assert.Equal(7, e.Id.Version);
            Assert.Contains("\"SO-", e.Payload, StringComparison.Ordinal);
        });
        var shipped = events.Single(e => e.Type == nameof(OrderShipped));
        Assert.Contains("\"complete\":true", shipped.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASaveThatFails_LeavesNoOutboxRow_AndACommittedOneExactlyItsEvents()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var customer = await data.CustomerAsync();
        var before = await app.WithDbAsync(db => db.Outbox.CountAsync());

        // An event raised, then a save that breaks a unique index: the whole save rolls back, event included.
        var failed = await Record.ExceptionAsync(() => InScopeAsync(async db =>
        {
            var existing = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == customer);
            db.Events.Raise(new OrderHeld(Guid.CreateVersion7(), "SO-TEST-1", customer, "test", null));
            db.Customers.Add(new Domain.Customers.Customer(new Domain.Customers.CustomerDetails(existing.Code, "duplicate code"), DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }));
        Assert.IsType<DbUpdateException>(failed);
        Assert.Equal(before, await app.WithDbAsync(db => db.Outbox.CountAsync()));

        // An explicit transaction that wrote an event and rolled back leaves nothing either.
        await InScopeAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Events.Raise(new OrderHeld(Guid.CreateVersion7(), "SO-TEST-2", customer, "test", null));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        });
        Assert.Equal(before, await app.WithDbAsync(db => db.Outbox.CountAsync()));
    }

    [Fact]
    public async Task AllEventsOfATransaction_AreWrittenByOneInsertStatement()
    {
        using var admin = await app.AdminAsync();
        var customer = await new TestData(admin).CustomerAsync();
        var before = app.Statements.Inserts;
        await InScopeAsync(async db =>
        {
            for (var i = 0; i < 5; i++)
            {
                db.Events.Raise(new OrderHeld(Guid.CreateVersion7(), $"SO-BATCH-{i}", customer, "batched", null));
            }

            await db.SaveChangesAsync();
        });

        Assert.Equal(1, app.Statements.Inserts - before);
        Assert.Equal(5, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Payload.Contains("SO-BATCH-"))));
    }

    [Fact]
    public async Task EverySubscriber_GetsEachEvent_AndAFailingOneIsRetried_WithoutRepeatingTheOthers()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        app.Recorder.FailuresLeft[nameof(OrderHeld)] = 2;
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var order = (await data.OrderAsync(customer, (product, 1))).Id();
        (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{order}/hold", new { reason = "客户要求暂停" })).Expect(HttpStatusCode.OK);
        var held = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AggregateId == order.ToString() && m.Type == nameof(OrderHeld)));

        var delivered = await WaitForAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == held.Id && m.State == OutboxState.Done));
        Assert.Equal(3, delivered.Attempts);
        Assert.Equal(3, app.Recorder.CallsOf("test:flaky", held.Id));
        // The recorder succeeded at the first attempt; the inbox kept the two retries from calling it again.
        Assert.Equal(1, app.Recorder.CallsOf("test:recorder", held.Id));
        // The capabilities' own handlers (communication's timeline, ...) are in the inbox too; these two are the test's.
        var inbox = await app.WithDbAsync(db => db.Inbox.AsNoTracking().Where(i => i.EventId == held.Id && i.Handler.StartsWith("test:"))
            .Select(i => i.Handler).OrderBy(h => h).ToListAsync());
        Assert.Equal(["test:flaky", "test:recorder"], inbox);
        var created = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AggregateId == order.ToString() && m.Type == nameof(OrderCreated)));
        await WaitForAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == created.Id && m.State == OutboxState.Done));
        Assert.Equal(1, app.Recorder.CallsOf("test:recorder", created.Id));
        Assert.Equal(0, app.Recorder.CallsOf("test:flaky", created.Id));
    }

    [Fact]
    public async Task ADatabaseOnlySubscriberThatFails_RollsBackAlone_InTheSharedTransaction_AndIsAppliedOnceAfterRetries()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        app.Recorder.DatabaseFailuresLeft[nameof(OrderReleased)] = 2;
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var order = (await data.OrderAsync(customer, (product, 1))).Id();
        (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{order}/hold", new { reason = "等客户确认" })).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{order}/release")).Expect(HttpStatusCode.OK);
        var released = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AggregateId == order.ToString() && m.Type == nameof(OrderReleased)));

        var delivered = await WaitForAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == released.Id && m.State == OutboxState.Done));
        Assert.Equal(3, delivered.Attempts);
        Assert.Equal(3, app.Recorder.CallsOf("test:tx-flaky", released.Id));
        Assert.Equal(1, app.Recorder.DatabaseWorkFinished.Count(id => id == released.Id));
        // The two failed attempts wrote the inbox row and the side row, and took both back at their savepoint (else the
        // retry would have found the inbox row and skipped the work); the other subscribers applied the event once.
        var inbox = await app.WithDbAsync(db => db.Inbox.AsNoTracking().Where(i => i.EventId == released.Id).Select(i => i.Handler).OrderBy(h => h).ToListAsync());
        Assert.Equal(1, inbox.Count(h => h == "test:tx-side"));
        Assert.Equal(1, inbox.Count(h => h == "test:tx-flaky"));
        Assert.Equal(1, inbox.Count(h => h == "communication:timeline"));
        Assert.Equal(1, app.Recorder.CallsOf("test:recorder", released.Id));
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Orderly.Domain.Communication.TimelineEntry>().CountAsync(t => t.SourceId == released.Id)));
        // Events of the same batches that the flaky subscriber does not want were delivered at the first attempt.
        var held = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AggregateId == order.ToString() && m.Type == nameof(OrderHeld)));
        Assert.Equal(1, (await WaitForAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == held.Id && m.State == OutboxState.Done))).Attempts);
    }

    [Fact]
    public async Task ADeliveredEvent_LeavesInboxRowsOnlyForWorkDone()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var order = (await admin.PostAsync("/api/orders", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = 2 } } }))
            .Expect(HttpStatusCode.Created).Id();
        var ids = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.AggregateId == order.ToString()).Select(m => m.Id).ToListAsync());
        Assert.Contains(await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id)).Select(m => m.Type).ToListAsync()), t => t == nameof(OrderConfirmed));
        await WaitForAsync(async db => await db.Outbox.AsNoTracking().CountAsync(m => ids.Contains(m.Id) && m.State == OutboxState.Done) == ids.Count
            ? true : throw new InvalidOperationException("not all delivered yet"));

        var rows = await app.WithDbAsync(db => db.Inbox.AsNoTracking().Where(i => ids.Contains(i.EventId) && !i.Handler.StartsWith("test:")).Select(i => i.Handler).ToListAsync());
        // The timeline wrote a line for OrderSubmitted and OrderConfirmed; the internal notifier had nobody to tell (no
        // approval needed), the connectors push nothing here: neither leaves a row. Customer messages leave one row
        // per event they planned messages for, and none for an event with nobody to write to.
        Assert.Equal(2, rows.Count(h => h == "communication:timeline"));
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<Orderly.Domain.Communication.TimelineEntry>().CountAsync(t => ids.Contains(t.SourceId))));
        Assert.DoesNotContain(rows, h => h == "communication:notify" || h.StartsWith("connector-push:", StringComparison.Ordinal));
        var planned = await app.WithDbAsync(db => db.Set<Orderly.Domain.Communication.OutgoingMessage>().AsNoTracking().Where(m => ids.Contains(m.EventId)).Select(m => m.EventId).Distinct().CountAsync());
        Assert.Equal(planned, rows.Count(h => h == "communication:messages"));
        Assert.Empty(rows.Except(["communication:timeline", "communication:messages"]));
    }

    [Fact]
    public async Task AnEventThatKeepsFailing_IsDeadLettered_ListedForTheAdmin_AndDeliveredAfterARetry()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        app.Recorder.FailuresLeft[nameof(OrderRejected)] = 1_000;
        var product = await data.ProductAsync(listPrice: 100m);
        var managerEmail = TestData.Unique("mgr") + "@orderly.test";
        using var clerkless = await app.UserAsync(managerEmail, "SalesManager");
        var managerId = await app.WithDbAsync(db => db.Users.Where(u => u.Email == managerEmail).Select(u => u.Id).SingleAsync());
        var customer = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "经理的客户", ownerUserId = managerId })).Expect(HttpStatusCode.Created).Id();
        var order = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1, discountPercent = 15 } } }))
            .Expect(HttpStatusCode.Created).Id();
        Assert.Equal("PendingApproval", (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK)["status"]!.GetValue<string>());
        (await clerkless.PostAsync($"/api/orders/{order}/reject", new { reason = "价格过低" })).Expect(HttpStatusCode.OK);
        var rejected = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AggregateId == order.ToString() && m.Type == nameof(OrderRejected)));

        var dead = await WaitForAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == rejected.Id && m.State == OutboxState.Dead));
        Assert.Equal(3, dead.Attempts);
        Assert.Contains("flaky subscriber fails on OrderRejected", dead.LastError, StringComparison.Ordinal);
        var listed = (await admin.GetJsonAsync("/api/admin/outbox?state=Dead")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Contains(listed, e => e!["id"]!.GetValue<Guid>() == rejected.Id);
        (await clerkless.PostAsync($"/api/admin/outbox/{rejected.Id}/retry")).Expect(HttpStatusCode.Forbidden);

        app.Recorder.FailuresLeft[nameof(OrderRejected)] = -1_000;
        (await admin.PostAsync($"/api/admin/outbox/{rejected.Id}/retry")).Expect(HttpStatusCode.OK);
        await WaitForAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == rejected.Id && m.State == OutboxState.Done));
        Assert.Equal(4, app.Recorder.CallsOf("test:flaky", rejected.Id));
        (await admin.PostAsync($"/api/admin/outbox/{rejected.Id}/retry")).Expect(HttpStatusCode.Conflict);
        (await admin.PostAsync($"/api/admin/outbox/{Guid.NewGuid()}/retry")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheFeed_ShowsARepOnlyTheirCustomersEvents_AndPagesWithoutGapsOrRepeats()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var repEmail = TestData.Unique("rep") + "@orderly.test";
        using var rep = await app.UserAsync(repEmail, "SalesRep");
        var repId = await app.WithDbAsync(db => db.Users.Where(u => u.Email == repEmail).Select(u => u.Id).SingleAsync());
        var product = await data.ProductAsync();
        var mine = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "北京京城商贸", ownerUserId = repId })).Expect(HttpStatusCode.Created).Id();
        var theirs = await data.CustomerAsync();
        var myOrders = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            myOrders.Add((await data.OrderAsync(mine, (product, 1))).Id());
            await data.OrderAsync(theirs, (product, 1));
        }

        var seen = new List<(Guid Id, string Aggregate)>();
        // On PostgreSQL the feed shows an event once every older transaction of the cluster has ended; other test
        // classes run beside this one, so read until all three are visible.
        for (var wait = 0; wait < 100 && seen.Count < 3; wait++)
        {
            seen = await ReadFeedAsync(rep, mine);
            await Task.Delay(seen.Count < 3 ? 100 : 0);
        }

        Assert.Equal(myOrders.Select(o => o.ToString()), seen.Select(s => s.Aggregate));
        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        // The admin pages the whole feed (other classes' events share it, so more than one page), again until the
        // three are visible for the same reason as above.
        var theirsSeen = 0;
        for (var wait = 0; wait < 100 && theirsSeen < 3; wait++)
        {
            theirsSeen = 0;
            string? cursor = null;
            do
            {
                var page = (await admin.GetJsonAsync($"/api/events?limit=200&type=OrderCreated{(cursor is null ? "" : "&after=" + cursor)}")).Expect(HttpStatusCode.OK);
                theirsSeen += page["items"]!.AsArray().Count(e => e!["data"]!["customerId"]!.GetValue<Guid>() == theirs);
                cursor = page["nextCursor"]?.GetValue<string>();
            }
            while (cursor is not null);
            await Task.Delay(theirsSeen < 3 ? 100 : 0);
        }

        Assert.True(theirsSeen == 3, $"The admin sees every customer's events (saw {theirsSeen} of 3).");
        (await rep.GetJsonAsync("/api/events?after=not-a-cursor")).Expect(HttpStatusCode.UnprocessableEntity);
        (await app.Anonymous().GetJsonAsync("/api/events")).Expect(HttpStatusCode.Unauthorized);
    }

    /// <summary>Reads the rep's whole OrderCreated feed two events a page.</summary>
    private static async Task<List<(Guid Id, string Aggregate)>> ReadFeedAsync(HttpClient rep, Guid mine)
    {
        var seen = new List<(Guid Id, string Aggregate)>();
        string? cursor = null;
        do
        {
            var page = (await rep.GetJsonAsync($"/api/events?limit=2&type=OrderCreated{(cursor is null ? "" : "&after=" + cursor)}")).Expect(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(e => (e!["id"]!.GetValue<Guid>(), e["aggregateId"]!.GetValue<string>())));
            Assert.All(page["items"]!.AsArray(), e => Assert.Equal(mine, e!["data"]!["customerId"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        return seen;
    }

    [Fact]
    public async Task AScopeWithoutACaller_SeesNothing_AndASystemActorSeesEverything()
    {
        using var admin = await app.AdminAsync();
        await new TestData(admin).CustomerAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var dataScope = scope.ServiceProvider.GetRequiredService<DataScope>();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        Assert.Empty(await (await dataScope.CustomersAsync(db.Customers, CancellationToken.None)).ToListAsync());

        await using var system = app.Services.CreateAsyncScope();
        system.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test:job");
        var systemScope = system.ServiceProvider.GetRequiredService<DataScope>();
        var systemDb = system.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        Assert.NotEmpty(await (await systemScope.CustomersAsync(systemDb.Customers, CancellationToken.None)).ToListAsync());
    }

    private static async Task<(Guid Order, Guid Customer)> ShippedAndDeliveredOrderAsync(HttpClient admin, TestData data)
    {
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var created = await data.OrderAsync(customer, (product, 2));
        var order = created.Id();
        var line = created["lines"]![0]!["id"]!.GetValue<Guid>();
        (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/orders/{order}/shipments", new { lines = new[] { new { lineId = line, quantity = 2 } }, carrier = "SF", trackingNumber = "SF1234567890123" }))
            .Expect(HttpStatusCode.Created);
        (await admin.PostAsync($"/api/orders/{order}/deliver")).Expect(HttpStatusCode.OK);
        return (order, customer);
    }

    private async Task InScopeAsync(Func<OrderlyDbContext, Task> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
        await work(scope.ServiceProvider.GetRequiredService<OrderlyDbContext>());
    }

    private async Task<T> WaitForAsync<T>(Func<OrderlyDbContext, Task<T>> query)
    {
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await app.WithDbAsync(query);
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(50);
            }
        }
    }
}

public sealed class OutboxTests_Sqlite(EventsSqliteApp app) : OutboxTests(app), IClassFixture<EventsSqliteApp>;

public sealed class OutboxTests_Postgres(EventsPostgresApp app) : OutboxTests(app), IClassFixture<EventsPostgresApp>;
