using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Orderly.Server.Tests.Events;

/// <summary>
/// R6 (QUALITY.md): the dispatcher killed with SIGKILL in the middle of sending events to an outside system loses
/// none: after a restart every event arrives at least once, and the receiver, deduplicating by event id, applies
/// each exactly once. With two server processes on one PostgreSQL database, no event goes out twice.
/// </summary>
public abstract class OutboxCrashTests(TestDatabase database) : IAsyncLifetime
{
    private const int Orders = 30;

    public Task InitializeAsync() => database.CreateAsync();

    public Task DisposeAsync() => database.DropAsync();

    [Fact]
    public async Task DispatcherKilledMidSend_DeliversEveryEventAtLeastOnce_AndTheReceiverAppliesEachOnce()
    {
        await using var receiver = await EventReceiver.StartAsync(TimeSpan.FromMilliseconds(40));
        var settings = Settings(receiver, lease: "00:00:02");
        var server = await ServerProcess.StartAsync(database.Provider, database.ConnectionString, settings);
        try
        {
            using (var admin = await server.AdminAsync())
            {
                await PlaceOrdersAsync(admin, Orders);
            }

            // Kill it once some events are out and many are not: mid-send.
            await WaitUntilAsync(() => receiver.Deliveries.Count >= 10, TimeSpan.FromSeconds(60), server);
            await server.KillAsync();
            var deliveredBeforeKill = receiver.Deliveries.Count;

            server = await ServerProcess.StartAsync(database.Provider, database.ConnectionString, settings);
            using var again = await server.AdminAsync();
            var events = await AllEventIdsAsync(again);
            Assert.True(deliveredBeforeKill < events.Count, $"the kill came after all {events.Count} events were sent; nothing was tested");
            await WaitUntilAsync(() => events.All(receiver.Applied.ContainsKey), TimeSpan.FromSeconds(120), server);
            await AssertOutboxDrainedAsync(again);

            Assert.Equal(events.Order(), receiver.Applied.Keys.Order());
            Assert.Equal(0, receiver.BadSignatures);
            Assert.All(receiver.Deliveries.Values, n => Assert.InRange(n, 1, 2));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    protected static Dictionary<string, string> Settings(EventReceiver receiver, string lease) => new()
    {
        ["Orderly__Events__LeaseFor"] = lease,
        ["Orderly__Events__PollInterval"] = "00:00:00.100",
        ["Orderly__Events__FirstRetryAfter"] = "00:00:00.050",
        ["Orderly__Integration__EventSinks__0__Name"] = "receiver",
        ["Orderly__Integration__EventSinks__0__Url"] = receiver.Url,
        ["Orderly__Integration__EventSinks__0__Secret"] = EventReceiver.Secret,
    };

    /// <summary>Orders entered and submitted: each writes OrderCreated, OrderSubmitted, OrderConfirmed and StockReserved.</summary>
    protected static async Task PlaceOrdersAsync(HttpClient admin, int count)
    {
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10_000);
        for (var i = 0; i < count; i++)
        {
            var order = (await data.OrderAsync(customer, (product, 1))).Id();
            (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK);
        }
    }

    protected static async Task<List<Guid>> AllEventIdsAsync(HttpClient admin)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await admin.GetJsonAsync($"/api/events?limit=200{(cursor is null ? "" : "&after=" + cursor)}")).Expect(HttpStatusCode.OK);
            ids.AddRange(page["items"]!.AsArray().Select(e => e!["id"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        return ids;
    }

    protected static async Task AssertOutboxDrainedAsync(HttpClient admin)
    {
        foreach (var state in new[] { "Pending", "Dead" })
        {
            var left = await WaitForAsync(async () =>
                (await admin.GetFromJsonAsync<JsonObject>($"/api/admin/outbox?state={state}&limit=5"))!["items"]!.AsArray().Count, 0);
            Assert.True(left == 0, $"{left} {state} events left in the outbox");
        }
    }

    protected static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, ServerProcess server)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out; server log:\n" + server.Log());
            await Task.Delay(50);
        }
    }

    private static async Task<int> WaitForAsync(Func<Task<int>> count, int wanted)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        int value;
        while ((value = await count()) != wanted && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        return value;
    }
}

public sealed class OutboxCrashTests_Sqlite() : OutboxCrashTests(TestDatabase.For("sqlite"));

public sealed class OutboxCrashTests_Postgres() : OutboxCrashTests(TestDatabase.For("postgres"))
{
    [Fact]
    public async Task TwoServerProcesses_OnOneDatabase_SendEveryEventExactlyOnce()
    {
        var database = TestDatabase.For("postgres");
        await database.CreateAsync();
        try
        {
            await using var receiver = await EventReceiver.StartAsync(TimeSpan.FromMilliseconds(5));
            var settings = Settings(receiver, lease: "00:00:30");
            await using var first = await ServerProcess.StartAsync(database.Provider, database.ConnectionString, settings);
            await using var second = await ServerProcess.StartAsync(database.Provider, database.ConnectionString, settings);
            using var adminA = await first.AdminAsync();
            using var adminB = await second.AdminAsync();
            await Task.WhenAll(PlaceOrdersAsync(adminA, 20), PlaceOrdersAsync(adminB, 20));

            await AssertOutboxDrainedAsync(adminB);
            // The feed shows an event once every transaction older than its own has ended (cluster-wide): wait for it.
            var events = await AllEventIdsAsync(adminA);
            for (var wait = 0; events.Count < receiver.Deliveries.Count && wait < 100; wait++)
            {
                await Task.Delay(100);
                events = await AllEventIdsAsync(adminA);
            }

            Assert.Equal(events.Order(), receiver.Deliveries.Keys.Order());
            var repeated = receiver.Deliveries.Where(d => d.Value > 1).Select(d => d.Key).ToList();
            Assert.True(repeated.Count == 0, $"{repeated.Count} events were sent twice by the two nodes");
        }
        finally
        {
            await database.DropAsync();
        }
    }
}
