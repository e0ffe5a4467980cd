using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Tests.Communication;

/// <summary>
/// A confirmed order's customer notice hands out a status link and a reply mailbox only when somebody is told: a
/// customer with no address on any channel gets neither (before, each of their orders wrote both, with an audit
/// record), while a customer with an e-mail address gets the message, its link and its mailbox as before.
/// </summary>
public abstract class NobodyToTellTests(CommunicationApp app)
{
    [Fact]
    public async Task ACustomerWithNoAddress_GetsNoStatusLinkOrMailbox_ACustomerWithAnEmail_GetsTheMessageWithBoth()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 30m);
        await data.ReceiveAsync(warehouse, product, 20);
        var silent = await data.CustomerAsync();
        var tag = TestData.Unique("t");
        var email = $"buyer-{tag}@told.test";
        var told = await CommunicationRoadTests.CustomerAsync(admin, "Told " + tag, email);

        var silentOrder = await PlaceAsync(admin, silent, product);
        var toldOrder = await PlaceAsync(admin, told, product);
        await CommunicationApp.EventuallyAsync(async () => await ConfirmedDoneAsync(silentOrder) && await ConfirmedDoneAsync(toldOrder), "both confirmations delivered");
        await CommunicationApp.EventuallyAsync(() => app.Mail.DistinctTo(email).Count >= 1, "the confirmation e-mail");

        Assert.Equal((0, 0), await LinksAndMailboxesAsync(silentOrder));
        Assert.Equal((1, 1), await LinksAndMailboxesAsync(toldOrder));
        var sent = Assert.Single(app.Mail.DistinctTo(email));
        Assert.Contains("/t/", sent.TextBody, StringComparison.Ordinal);
    }

    private static async Task<Guid> PlaceAsync(HttpClient admin, Guid customer, Guid product) =>
        (await admin.PostAsync("/api/orders", new { customerId = customer, submit = true, lines = new[] { new { productId = product, quantity = 1 } } }))
            .Expect(HttpStatusCode.Created).Id();

    private Task<bool> ConfirmedDoneAsync(Guid order) =>
        app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.AggregateId == order.ToString() && m.Type == "OrderConfirmed" && m.State == OutboxState.Done));

    private Task<(int Links, int Mailboxes)> LinksAndMailboxesAsync(Guid order) =>
        app.WithDbAsync(async db => (await db.Set<StatusLink>().CountAsync(l => l.OrderId == order), await db.Set<OrderMailbox>().CountAsync(m => m.OrderId == order)));
}

public sealed class NobodyToTellTests_Sqlite(CommunicationSqliteApp app) : NobodyToTellTests(app), IClassFixture<CommunicationSqliteApp>;

public sealed class NobodyToTellTests_Postgres(CommunicationPostgresApp app) : NobodyToTellTests(app), IClassFixture<CommunicationPostgresApp>;
