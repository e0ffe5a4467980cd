using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Integration;
using Orderly.Domain.Orders;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The four order-push subscribers (one per connector) are asked once per delivered batch whether their connector is
/// enabled with orders going out (<see cref="IIdleAwareSubscriber"/>). While none is, a confirmed order's event is
/// recorded as applied for each of them without a scope or a configuration read per subscriber and event; once one
/// is enabled, the next order goes out to it.
/// </summary>
public abstract class IdleConnectorPushTests(IdleConnectorApp app)
{
    private static readonly string[] Kinds = ["zoho-crm", "fxiaoke", "kingdee", "yonyou"];

    [Fact]
    public async Task WithNoConnectorPushing_ConfirmedOrders_AreAppliedForEveryPushSubscriber_WithOneConfigurationReadPerBatchAtMost_ThenAnEnabledOnePushes()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 12m);
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 100);

        app.Reads.Clear();
        var orders = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            orders.Add((await admin.PostAsync("/api/orders", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = 1 + i } } }))
                .Expect(HttpStatusCode.Created).Id());
        }

        await ConnectorApp.EventuallyAsync(async () => (await Task.WhenAll(orders.Select(o => app.EventStateAsync(o, nameof(OrderConfirmed))))).All(s => s == OutboxState.Done),
            "the three confirmations delivered");
        var events = await app.WithDbAsync(db => db.Outbox.Where(m => m.Type == nameof(OrderConfirmed)).Select(m => new { m.Id, m.AggregateId }).ToListAsync());
        var confirmations = events.Where(e => orders.Any(o => o.ToString() == e.AggregateId)).Select(e => e.Id).ToList();
        Assert.Equal(3, confirmations.Count);
        // Delivered (done) with nothing to do: no inbox row either. Rows are kept only for an event that is retried.
        var marks = await app.WithDbAsync(db => db.Inbox.Where(i => confirmations.Contains(i.EventId) && i.Handler.StartsWith("connector-push:")).Select(i => i.Handler).ToListAsync());
        Assert.Empty(marks);

        // Before: each subscriber read its configuration in a scope of its own for each event (4 x 3 reads here).
        var reads = app.Reads.Count;
        Assert.InRange(reads, 1, confirmations.Count);
        Assert.Empty(await app.LogAsync("zoho-crm", "out"));

        // Enabled with orders going out, the next confirmation reaches the subscriber: the customer is unknown to Zoho,
        // which the push records in the sync log, for this order.
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        (await admin.PutAsync("/api/connectors/zoho-crm", new
        {
            enabled = true,
            settings = new { dataCentre = "CN", clientId = FakeZoho.ClientId, apiUrl = zoho.Url, accountsUrl = zoho.Url, perPage = 100, salesOrdersOut = true },
            secrets = new { clientSecret = FakeZoho.ClientSecret, refreshToken = FakeZoho.RefreshToken },
        }, null)).Expect(HttpStatusCode.OK);
        try
        {
            var pushed = (await admin.PostAsync("/api/orders", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = 1 } } }))
                .Expect(HttpStatusCode.Created).Id();
            await ConnectorApp.EventuallyAsync(async () => (await app.LogAsync("zoho-crm", "out")).Any(e => e.LocalId == pushed), "the push's outcome in the sync log");
            Assert.All(await app.LogAsync("zoho-crm", "out"), e => Assert.Equal(pushed, e.LocalId));
        }
        finally
        {
            (await admin.PutAsync("/api/connectors/zoho-crm", new { enabled = false }, null)).Expect(HttpStatusCode.OK);
        }
    }
}

/// <summary>The connector test server, counting the commands that read connector configurations.</summary>
public abstract class IdleConnectorApp(TestDatabase database) : ConnectorApp(database)
{
    public ConfigurationReads Reads { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(Reads));
    }
}

public sealed class IdleConnectorSqliteApp() : IdleConnectorApp(TestDatabase.For("sqlite"));

public sealed class IdleConnectorPostgresApp() : IdleConnectorApp(TestDatabase.For("postgres"));

public sealed class ConfigurationReads : DbCommandInterceptor
{
    private readonly ConcurrentQueue<string> _reads = new();

    public int Count => _reads.Count;

    public void Clear() => _reads.Clear();

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.StartsWith("SELECT", StringComparison.Ordinal) && command.CommandText.Contains("connector_configs", StringComparison.Ordinal))
        {
            _reads.Enqueue(command.CommandText);
        }

        return ValueTask.FromResult(result);
    }
}

public sealed class IdleConnectorPushTests_Sqlite(IdleConnectorSqliteApp app) : IdleConnectorPushTests(app), IClassFixture<IdleConnectorSqliteApp>;

public sealed class IdleConnectorPushTests_Postgres(IdleConnectorPostgresApp app) : IdleConnectorPushTests(app), IClassFixture<IdleConnectorPostgresApp>;
