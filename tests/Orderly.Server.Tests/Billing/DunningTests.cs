using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Tests.Inventory;

namespace Orderly.Server.Tests.Billing;

/// <summary>Dunning on a clock the test drives: overdue invoices, reminders, credit hold in the approval reasons, release by finance.</summary>
public abstract class DunningTests(ClockedApp app)
{
    private async Task<Orderly.Server.Billing.DunningResult> RunDunningAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Orderly.Server.Identity.Caller>().ActAsSystem("job:dunning");
        return await scope.ServiceProvider.GetRequiredService<Orderly.Server.Billing.Dunning>().RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task LongOverdueCustomer_IsHeld_NewOrdersWait_UntilFinanceReleases()
    {
        var admin = await app.AdminNowAsync();
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 10m);
        var customer = await road.Data.CustomerAsync();
        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (product, 5));
        await road.ShipAsync(orderId, (lines[0], 5));
        var invoice = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());
        var due = DateOnly.Parse(invoice["dueDate"].Str(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(app.Today.AddDays(30), due);

        // Three days before the due date: the first reminder, nothing overdue.
        app.Clock.Advance(TimeSpan.FromDays(27));
        admin = await app.AdminNowAsync();
        var run = await RunDunningAsync();
        Assert.Equal((0, 1, 0), (run.Overdue, run.Reminders, run.Held));

        // 61 days past due: overdue, the 30-day reminder (the 7-day one was missed and is not sent late), and held.
        app.Clock.Advance(TimeSpan.FromDays(64));
        admin = await app.AdminNowAsync();
        run = await RunDunningAsync();
        Assert.Equal((1, 1, 1), (run.Overdue, run.Reminders, run.Held));
        Assert.Equal("Overdue", (await admin.GetJsonAsync($"/api/invoices/{invoice.Id()}")).Expect(HttpStatusCode.OK)["status"].Str());
        var events = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.CustomerId == customer).Select(m => new { m.Type, m.Payload }).ToListAsync());
        Assert.Equal(2, events.Count(e => e.Type == "InvoiceReminderDue"));
        var overdue = JsonNode.Parse(Assert.Single(events, e => e.Type == "InvoiceOverdue").Payload)!;
        Assert.Equal((61, 50m, due.ToString("yyyy-MM-dd")), (overdue["daysOverdue"]!.GetValue<int>(), overdue["due"].Dec(), overdue["dueDate"].Str()));
        Assert.Single(events, e => e.Type == "CustomerCreditHeld");

        var profile = (await admin.GetJsonAsync($"/api/customers/{customer}/billing-profile")).Expect(HttpStatusCode.OK);
        Assert.True(profile["onCreditHold"]!.GetValue<bool>());
        var next = await new TestData(admin).OrderAsync(customer, (product, 1));
        var submitted = (await admin.PostAsync($"/api/orders/{next.Id()}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", submitted["status"].Str());
        Assert.Contains("CreditHold", submitted["approvalReasons"]!.AsArray().Select(r => r.Str()));

        var finance = await app.UserNowAsync("finance@dunning.test", "Finance");
        (await finance.PostAsync($"/api/customers/{customer}/credit-hold/release", new { note = "客户已承诺本周付款" })).Expect(HttpStatusCode.OK);
        (await finance.PostAsync($"/api/customers/{customer}/credit-hold/release", new { })).Expect(HttpStatusCode.Conflict);
        run = await RunDunningAsync();
        Assert.Equal(0, run.Held);
        var after = await new TestData(admin).OrderAsync(customer, (product, 1));
        Assert.Equal("Confirmed", (await admin.PostAsync($"/api/orders/{after.Id()}/submit")).Expect(HttpStatusCode.OK)["status"].Str());
        Assert.Contains("CustomerCreditReleased", await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.CustomerId == customer).Select(m => m.Type).ToListAsync()));
    }
}

public sealed class DunningTests_Sqlite(ClockedSqliteApp app) : DunningTests(app), IClassFixture<ClockedSqliteApp>;

/// <summary>Quotations on a driven clock: announced once before they expire, then expired, and an expired one cannot be accepted.</summary>
public sealed class QuotationExpiryTests(ClockedSqliteApp app) : IClassFixture<ClockedSqliteApp>
{
    [Fact]
    public async Task ExpiringQuotation_IsAnnouncedOnce_ThenExpires()
    {
        var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 10m);
        var customer = await data.CustomerAsync();
        var quotation = (await admin.PostAsync("/api/quotations", new { customerId = customer, lines = new[] { new { productId = product, quantity = 3 } }, validUntil = app.Today.AddDays(5) }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(30m, quotation["total"].Dec());
        (await admin.PostAsync($"/api/quotations/{quotation.Id()}/send")).Expect(HttpStatusCode.OK);

        async Task<int> ReviewAsync() => await app.WithDbAsync(async _ =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Orderly.Server.Identity.Caller>().ActAsSystem("test");
            return await scope.ServiceProvider.GetRequiredService<Orderly.Server.Billing.QuotationService>().ReviewAsync(3, CancellationToken.None);
        });

        await ReviewAsync();
        Assert.Empty(await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == "QuotationExpiring" && m.CustomerId == customer).ToListAsync()));
        app.Clock.Advance(TimeSpan.FromDays(3));
        await ReviewAsync();
        await ReviewAsync();
        var expiring = Assert.Single(await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == "QuotationExpiring" && m.CustomerId == customer).ToListAsync()));
        Assert.Equal(app.Today.AddDays(2).ToString("yyyy-MM-dd"), JsonNode.Parse(expiring.Payload)!["validUntil"].Str());

        app.Clock.Advance(TimeSpan.FromDays(3));
        await ReviewAsync();
        admin = await app.AdminNowAsync();
        Assert.Equal("Expired", (await admin.GetJsonAsync($"/api/quotations/{quotation.Id()}")).Expect(HttpStatusCode.OK)["status"].Str());
        (await admin.PostAsync($"/api/quotations/{quotation.Id()}/accept")).Expect(HttpStatusCode.Conflict);
    }
}
