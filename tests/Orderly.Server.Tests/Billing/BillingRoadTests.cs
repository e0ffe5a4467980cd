using System.Text.RegularExpressions;

namespace Orderly.Server.Tests.Billing;

/// <summary>
/// The billing road through the HTTP API: an order shipped in two parts, two invoices, a partial payment, a second
/// payment that overpays, and the statement showing nothing due and the credit. Figures are computed by hand under
/// the rounding rule of docs/architecture.md (tax-inclusive, per line, half away from zero).
/// </summary>
public abstract partial class BillingRoadTests(OrderlyApp app)
{
    [Fact]
    public async Task Road_QuotationToOrder_TwoShipmentsTwoInvoices_PartialThenOverpayment_StatementShowsZeroDueAndCredit()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var widget = await road.Data.ProductAsync(listPrice: 100m);
        var food = await road.Data.ProductAsync(listPrice: 33.32m, minPrice: 26m);
        await road.SetVatAsync(food, 9m);
        var customer = await road.Data.CustomerAsync(name: "上海华联贸易有限公司 " + TestData.Unique("b"));
        var (_, orderId, lines) = await road.QuotedOrderAsync(customer, (widget, 10), (food, 3));

        (await admin.PostAsync("/api/invoices", new { orderId })).Expect(HttpStatusCode.UnprocessableEntity);
        await road.ShipAsync(orderId, (lines[0], 4), (lines[1], 3));
        var first = await road.InvoiceAsync(orderId);
        Assert.Equal("Draft", first["status"].Str());
        Assert.Null(first["number"]);
        // 400.00 at 13% inclusive: tax 400 x 13/113 = 46.0177 -> 46.02; 99.96 at 9%: 99.96 x 9/109 = 8.2536 -> 8.25.
        Assert.Equal([46.02m, 8.25m], first["lines"]!.AsArray().Select(l => l!["tax"].Dec()));
        Assert.Equal([353.98m, 91.71m], first["lines"]!.AsArray().Select(l => l!["net"].Dec()));
        Assert.Equal(499.96m, first["total"].Dec());
        Assert.Equal(54.27m, first["tax"].Dec());
        Assert.Equal(445.69m, first["net"].Dec());
        (await admin.PostAsync("/api/invoices", new { orderId })).Expect(HttpStatusCode.UnprocessableEntity);

        var issued = await road.IssueAsync(first.Id());
        Assert.Equal("Issued", issued["status"].Str());
        var number = issued["number"].Str();
        Assert.Matches(InvoiceNumber(), number);
        Assert.Equal(499.96m, issued["due"].Dec());
        (await admin.PostAsync($"/api/invoices/{first.Id()}/issue")).Expect(HttpStatusCode.Conflict);

        await road.ShipAsync(orderId, (lines[0], 6));
        var tooMuch = (await admin.PostAsync("/api/invoices", new { orderId, lines = new[] { new { orderLineId = lines[0], quantity = 7m } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("ExceedsInvoiceable", tooMuch.Codes());
        var second = await road.IssueAsync((await road.InvoiceAsync(orderId, new[] { new { orderLineId = lines[0], quantity = 6m } })).Id());
        // The rest of the line takes the line's tax less what the first part took: 115.04 - 46.02 = 69.02.
        Assert.Equal(600m, second["total"].Dec());
        Assert.Equal(69.02m, second["tax"].Dec());
        Assert.Equal(530.98m, second["net"].Dec());
        Assert.Equal(SequenceOf(number) + 1, SequenceOf(second["number"].Str()));

        var order = (await admin.GetJsonAsync($"/api/orders/{orderId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("NotPaid", 1099.96m, 0m, 1099.96m), (order["paymentStatus"].Str(), order["invoiced"].Dec(), order["paid"].Dec(), order["due"].Dec()));

        var partial = await road.PayAsync(customer, 300m, (first.Id(), 300m));
        Assert.Equal(0m, partial["unallocated"].Dec());
        var afterPartial = (await admin.GetJsonAsync($"/api/invoices/{first.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("PartiallyPaid", 300m, 199.96m), (afterPartial["status"].Str(), afterPartial["paid"].Dec(), afterPartial["due"].Dec()));
        order = (await admin.GetJsonAsync($"/api/orders/{orderId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("PartiallyPaid", 300m, 799.96m), (order["paymentStatus"].Str(), order["paid"].Dec(), order["due"].Dec()));

        var suggestion = (await admin.GetJsonAsync($"/api/payments/suggestion?customerId={customer}&amount=900")).Expect(HttpStatusCode.OK);
        Assert.Equal([199.96m, 600m], suggestion["allocations"]!.AsArray().Select(a => a!["amount"].Dec()));
        Assert.Equal(100.04m, suggestion["unallocated"].Dec());

        var over = await road.PayAsync(customer, 900m, (first.Id(), 199.96m), (second.Id(), 600m));
        Assert.Equal(100.04m, over["unallocated"].Dec());
        Assert.Equal("Paid", (await admin.GetJsonAsync($"/api/invoices/{second.Id()}")).Expect(HttpStatusCode.OK)["status"].Str());
        order = (await admin.GetJsonAsync($"/api/orders/{orderId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("Paid", 1099.96m, 1099.96m, 0m), (order["paymentStatus"].Str(), order["invoiced"].Dec(), order["paid"].Dec(), order["due"].Dec()));
        var listed = (await admin.GetJsonAsync($"/api/orders?customerId={customer}")).Expect(HttpStatusCode.OK)["items"]![0]!;
        Assert.Equal("Paid", listed["paymentStatus"].Str());

        var statement = (await admin.GetJsonAsync($"/api/customers/{customer}/statement")).Expect(HttpStatusCode.OK);
        Assert.Equal(0m, statement["due"].Dec());
        Assert.Equal(100.04m, statement["credit"].Dec());
        Assert.Equal(-100.04m, statement["closingBalance"].Dec());
        Assert.Equal(1099.96m, statement["invoiced"].Dec());
        Assert.Equal(1200m, statement["received"].Dec());
        Assert.Equal(["Invoice", "Invoice", "Payment", "Payment"], statement["lines"]!.AsArray().Select(l => l!["kind"].Str()).Order());

        var unallocated = (await admin.GetJsonAsync($"/api/payments?customerId={customer}&unallocated=true")).Expect(HttpStatusCode.OK);
        Assert.Equal([over.Id()], unallocated["items"]!.AsArray().Select(p => p!.Id()));

        // The credit is usable later: a third shipment-free invoice is not possible, so refund part of it instead.
        var refunded = (await admin.PostAsync($"/api/payments/{over.Id()}/refund", new { amount = 0.04m })).Expect(HttpStatusCode.OK);
        Assert.Equal(100m, refunded["unallocated"].Dec());
        (await admin.PostAsync($"/api/payments/{over.Id()}/refund", new { amount = 100.04m })).Expect(HttpStatusCode.UnprocessableEntity);

        var events = await app.WithDbAsync(db => Task.FromResult(db.Outbox.Where(m => m.CustomerId == customer).Select(m => m.Type).ToList()));
        Assert.Equal(2, events.Count(t => t == "InvoiceIssued"));
        Assert.Equal(2, events.Count(t => t == "PaymentReceived"));
        var audited = await app.WithDbAsync(db => Task.FromResult(db.AuditRecords.Count(a => a.EntityType == "Invoice" || a.EntityType == "Payment")));
        Assert.True(audited >= 6, $"Expected audit records of invoices and payments, found {audited}.");
    }

    [Fact]
    public async Task CreditOverpaymentLater_AllocatesToTheNextInvoice_AndCreditNoteReducesDue()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 50m);
        var customer = await road.Data.CustomerAsync();
        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (product, 4));
        await road.ShipAsync(orderId, (lines[0], 2));
        var first = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());
        var payment = await road.PayAsync(customer, 150m, (first.Id(), 100m));
        Assert.Equal(50m, payment["unallocated"].Dec());

        await road.ShipAsync(orderId, (lines[0], 2));
        var second = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());
        var allocated = (await admin.PostAsync($"/api/payments/{payment.Id()}/allocations", new { allocations = new[] { new { invoiceId = second.Id(), amount = 50m } } }))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(0m, allocated["unallocated"].Dec());
        var over = (await admin.PostAsync($"/api/payments/{payment.Id()}/allocations", new { allocations = new[] { new { invoiceId = second.Id(), amount = 0.01m } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("AllocationExceedsPayment", over.Codes());

        // One unit returned: a credit note of 50.00 settles the rest of the second invoice.
        var lineId = second["lines"]![0]!["id"]!.GetValue<int>();
        var note = (await admin.PostAsync($"/api/invoices/{second.Id()}/credit-notes", new { lines = new[] { new { invoiceLineId = lineId, quantity = 1m } }, reason = "退货一件" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("CreditNote", note["kind"].Str());
        Assert.StartsWith("CN-", note["number"].Str(), StringComparison.Ordinal);
        Assert.Equal(50m, note["total"].Dec());
        var settled = (await admin.GetJsonAsync($"/api/invoices/{second.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("Paid", 0m, 50m), (settled["status"].Str(), settled["due"].Dec(), settled["credited"].Dec()));
        var order = (await admin.GetJsonAsync($"/api/orders/{orderId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("Paid", 150m, 150m, 0m), (order["paymentStatus"].Str(), order["invoiced"].Dec(), order["paid"].Dec(), order["due"].Dec()));
    }

    [Fact]
    public async Task Aging_PlacesDueAmountsInBuckets_AndDsoMatchesHandComputed()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 10m);
        var customer = await road.Data.CustomerAsync();
        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (product, 100));
        await road.ShipAsync(orderId, (lines[0], 30));
        var a = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());
        await road.ShipAsync(orderId, (lines[0], 70));
        var b = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());
        await road.PayAsync(customer, 100m, (a.Id(), 100m));
        var due = DateOnly.Parse(a["dueDate"].Str(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(due, DateOnly.Parse(b["dueDate"].Str(), System.Globalization.CultureInfo.InvariantCulture));

        async Task<JsonNode> RowAsync(DateOnly asOf) =>
            (await admin.GetJsonAsync($"/api/receivables/aging?asOf={asOf:yyyy-MM-dd}&customerId={customer}")).Expect(HttpStatusCode.OK)["customers"]![0]!;

        // Open: 300 - 100 = 200 of the first, 700 of the second: 900 in one bucket, moving with the day.
        Assert.Equal(900m, (await RowAsync(due))["current"].Dec());
        Assert.Equal(900m, (await RowAsync(due.AddDays(1)))["d1_30"].Dec());
        Assert.Equal(900m, (await RowAsync(due.AddDays(30)))["d1_30"].Dec());
        Assert.Equal(900m, (await RowAsync(due.AddDays(31)))["d31_60"].Dec());
        Assert.Equal(900m, (await RowAsync(due.AddDays(75)))["d61_90"].Dec());
        var late = await RowAsync(due.AddDays(91));
        Assert.Equal((0m, 900m, 900m), (late["current"].Dec(), late["d90plus"].Dec(), late["total"].Dec()));

        // Receivables of the customer 900 over invoiced 1000 in the period, times 90 days: 81.0 days (this customer only
        // when the fixture's other tests add nothing else, so the figure is checked through its parts).
        var dso = (await admin.GetJsonAsync($"/api/receivables/dso?days=90")).Expect(HttpStatusCode.OK);
        var receivables = dso["receivables"].Dec();
        var sales = dso["sales"].Dec();
        Assert.True(sales >= 1000m && receivables >= 900m);
        Assert.Equal(Math.Round(receivables / sales * 90m, 1, MidpointRounding.AwayFromZero), dso["dso"].Dec());
    }

    [Fact]
    public async Task ConcurrentInvoicesOfTheSameShippedQuantity_OnlyOneSucceeds()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 20m);
        var customer = await road.Data.CustomerAsync();
        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (product, 10));
        await road.ShipAsync(orderId, (lines[0], 10));
        var clients = await Concurrency.Race.AdminClientsAsync(app, 8);
        try
        {
            var results = await Concurrency.Race.RunAsync(8, i => clients[i].PostAsync("/api/invoices", new { orderId }));
            Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.Created));
            Assert.All(results.Where(r => r.Status != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status));
        }
        finally
        {
            Concurrency.Race.DisposeAll(clients);
        }

        var invoices = (await admin.GetJsonAsync($"/api/invoices?orderId={orderId}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Single(invoices);
        Assert.Equal(200m, invoices[0]!["total"].Dec());
    }

    [Fact]
    public async Task ConcurrentAllocationsOfOnePayment_NeverSpendItTwice_AndNumbersStayGapless()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 100m);
        var customer = await road.Data.CustomerAsync();
        var invoices = new List<Guid>();
        var drafts = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (product, 1));
            await road.ShipAsync(orderId, (lines[0], 1));
            drafts.Add((await road.InvoiceAsync(orderId)).Id());
        }

        var clients = await Concurrency.Race.AdminClientsAsync(app, 6);
        try
        {
            var issued = await Concurrency.Race.RunAsync(6, i => clients[i].PostAsync($"/api/invoices/{drafts[i]}/issue"));
            Assert.All(issued, r => Assert.Equal(HttpStatusCode.OK, r.Status));
            var numbers = issued.Select(r => SequenceOf(r.Body!["number"].Str())).Order().ToList();
            Assert.Equal(Enumerable.Range((int)numbers[0], 6).Select(n => (long)n), numbers);
            invoices.AddRange(drafts);

            // 250 of credit, six clients each allocating 100 of it to a different invoice: exactly two win.
            var payment = await road.PayAsync(customer, 250m);
            var results = await Concurrency.Race.RunAsync(6, i => clients[i].PostAsync($"/api/payments/{payment.Id()}/allocations",
                new { allocations = new[] { new { invoiceId = invoices[i], amount = 100m } } }));
            Assert.Equal(2, results.Count(r => r.Status == HttpStatusCode.OK));
            Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status));
            var after = (await admin.GetJsonAsync($"/api/payments/{payment.Id()}")).Expect(HttpStatusCode.OK);
            Assert.Equal((200m, 50m, 2), (after["allocated"].Dec(), after["unallocated"].Dec(), after["allocations"]!.AsArray().Count));
            var paid = 0m;
            foreach (var id in invoices)
            {
                paid += (await admin.GetJsonAsync($"/api/invoices/{id}")).Expect(HttpStatusCode.OK)["paid"].Dec();
            }

            Assert.Equal(200m, paid);
        }
        finally
        {
            Concurrency.Race.DisposeAll(clients);
        }
    }

    [Fact]
    public async Task Roles_FinanceRecordsRepReadsOwnAndWhoeverRecordedCannotWriteOff()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 80m);
        var customer = await road.Data.CustomerAsync();
        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (product, 2));
        await road.ShipAsync(orderId, (lines[0], 2));
        var invoice = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());

        using var finance = await app.UserAsync("finance1@billing.test", "Finance");
        using var finance2 = await app.UserAsync("finance2@billing.test", "Finance");
        using var rep = await app.UserAsync("rep@billing.test", "SalesRep");
        (await rep.PostAsync("/api/payments", new { customerId = customer, amount = 10m, currency = "CNY", method = "Cash", receivedOn = "2026-01-05" }))
            .Expect(HttpStatusCode.Forbidden);
        (await rep.GetJsonAsync($"/api/invoices/{invoice.Id()}")).Expect(HttpStatusCode.NotFound);
        (await rep.GetJsonAsync($"/api/customers/{customer}/statement")).Expect(HttpStatusCode.NotFound);

        (await finance.PostAsync("/api/payments", new
        {
            customerId = customer, amount = 60m, currency = "CNY", method = "AcceptanceBill", receivedOn = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)),
            billMaturity = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(90)), allocations = new[] { new { invoiceId = invoice.Id(), amount = 60m } },
        })).Expect(HttpStatusCode.Created);
        var refused = (await finance.PostAsync($"/api/invoices/{invoice.Id()}/write-off", new { amount = 100m, reason = "坏账" })).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("SeparationOfDuties", refused["code"].Str());
        var written = (await finance2.PostAsync($"/api/invoices/{invoice.Id()}/write-off", new { amount = 100m, reason = "坏账" })).Expect(HttpStatusCode.OK);
        Assert.Equal(("Paid", 0m), (written["status"].Str(), written["due"].Dec()));
    }

    private static long SequenceOf(string number) => long.Parse(number[^6..], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^INV-\d{4}-\d{6}$")]
    private static partial Regex InvoiceNumber();
}

public sealed class BillingRoadTests_Sqlite(SqliteApp app) : BillingRoadTests(app), IClassFixture<SqliteApp>;

public sealed class BillingRoadTests_Postgres(PostgresApp app) : BillingRoadTests(app), IClassFixture<PostgresApp>;
