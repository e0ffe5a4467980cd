using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MiniExcelLibs;

namespace Orderly.Server.Tests.Billing;

/// <summary>
/// Down payments deducted on the final invoice, the Kingdee and Yonyou vouchers of the period, and the invoice and
/// payment exports, through HTTP. The order: 10 x 113.00 at 13% (gross 1,130.00 = 1,000.00 + 130.00) and 5 x 109.00
/// at 9% (gross 545.00 = 500.00 + 45.00), 1,675.00 in all; figures computed by hand, tax-inclusive.
/// </summary>
public abstract class DownPaymentAndVoucherTests(OrderlyApp app)
{
    [Fact]
    public async Task DownPayment_ThenPartialAndFinalInvoices_DeductIt_AndTheVouchersBalance()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var widget = await road.Data.ProductAsync(listPrice: 113m);
        var food = await road.Data.ProductAsync(listPrice: 109m);
        await road.SetVatAsync(food, 9m);
        var customer = await road.Data.CustomerAsync(name: "杭州西湖贸易有限公司 " + TestData.Unique("d"));
        var code = (await admin.GetJsonAsync($"/api/customers/{customer}")).Expect(HttpStatusCode.OK)["code"].Str();
        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (widget, 10), (food, 5));

        // 30% of 1,675.00 = 502.50: 339.00 at 13% (tax 39.00) and 163.50 at 9% (tax 13.50).
        var downPayment = (await admin.PostAsync("/api/invoices/down-payments", new { orderId, percent = 30m })).Expect(HttpStatusCode.Created);
        Assert.Equal(("Draft", true), (downPayment["status"].Str(), downPayment["isDownPayment"]!.GetValue<bool>()));
        Assert.Equal((450m, 52.5m, 502.5m), (downPayment["net"].Dec(), downPayment["tax"].Dec(), downPayment["total"].Dec()));
        Assert.Equal([339m, 163.5m], downPayment["lines"]!.AsArray().Select(l => l!["gross"].Dec()));
        var tooMuch = (await admin.PostAsync("/api/invoices/down-payments", new { orderId, amount = 1172.51m })).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("DownPaymentExceedsOrder", tooMuch.Codes());
        var both = (await admin.PostAsync("/api/invoices/down-payments", new { orderId, amount = 10m, percent = 5m })).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("AmountOrPercent", both.Codes());

        // The final invoice cannot be drafted while the down payment is a draft.
        await road.ShipAsync(orderId, (lines[0], 10), (lines[1], 5));
        var waiting = (await admin.PostAsync("/api/invoices", new { orderId })).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("DownPaymentInDraft", waiting.Codes());
        var dp = await road.IssueAsync(downPayment.Id());

        // A partial invoice (4 widgets) deducts nothing: 452.00 = 400.00 + 52.00 (452 x 13/113).
        var partial = await road.IssueAsync((await road.InvoiceAsync(orderId, new[] { new { orderLineId = lines[0], quantity = 4m } })).Id());
        Assert.Equal((400m, 52m, 452m), (partial["net"].Dec(), partial["tax"].Dec(), partial["total"].Dec()));

        // The final invoice: the rest of the widgets 678.00 (tax 130.00 - 52.00 = 78.00), the food 545.00 (tax 45.00),
        // less the down payment 339.00 (tax 39.00) and 163.50 (tax 13.50): 720.50 = 650.00 + 70.50.
        var final = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());
        Assert.Equal((650m, 70.5m, 720.5m), (final["net"].Dec(), final["tax"].Dec(), final["total"].Dec()));
        var deductions = final["lines"]!.AsArray().Where(l => l!["downPaymentInvoiceId"] is not null).ToList();
        Assert.Equal([-339m, -163.5m], deductions.Select(l => l!["gross"].Dec()));
        Assert.All(deductions, l => Assert.Equal(dp.Id(), l!["downPaymentInvoiceId"]!.GetValue<Guid>()));
        var order = (await admin.GetJsonAsync($"/api/orders/{orderId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(1675m, order["invoiced"].Dec());
        var again = (await admin.PostAsync("/api/invoices/down-payments", new { orderId, amount = 1m })).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("OrderFullyInvoiced", again.Codes());
        var deductionLine = deductions[0]!["id"]!.GetValue<int>();
        (await admin.PostAsync($"/api/invoices/{final.Id()}/credit-notes", new { lines = new[] { new { invoiceLineId = deductionLine, quantity = 1m } }, reason = "x" }))
            .Expect(HttpStatusCode.UnprocessableEntity);

        // The final invoice and the down payment print (their negative lines too).
        foreach (var id in new[] { final.Id(), dp.Id() })
        {
            var pdf = await admin.GetAsync(new Uri($"/api/invoices/{id}/document.pdf?lang=zh-CN", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            Assert.Equal("%PDF", Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..4]));
        }

        var payment = await road.PayAsync(customer, 1675m, (dp.Id(), 502.5m), (partial.Id(), 452m), (final.Id(), 720.5m));
        // A returned widget: red-ink credit note of 113.00 = 100.00 + 13.00.
        var widgetLine = final["lines"]!.AsArray().First(l => l!["orderLineId"]?.GetValue<Guid>() == lines[0])!["id"]!.GetValue<int>();
        var creditNote = (await admin.PostAsync($"/api/invoices/{final.Id()}/credit-notes", new { lines = new[] { new { invoiceLineId = widgetLine, quantity = 1m } }, reason = "退货" }))
            .Expect(HttpStatusCode.Created);

        var yonyou = (await admin.GetJsonAsync("/api/billing/vouchers?format=yonyou")).Expect(HttpStatusCode.OK);
        var all = yonyou["items"]!.AsArray().Select(i => i!["voucher"]!).ToList();
        Assert.NotEmpty(all);
        Assert.All(all, v => Assert.Equal(Sum(v, "debit", "natural_debit_currency"), Sum(v, "credit", "natural_credit_currency")));
        Assert.All(all, v => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", v["date"].Str()));
        Assert.All(all, v => Assert.Equal(("记", "CDM"), (v["voucher_type"].Str(), v["voucher_making_system"].Str())));

        var byId = all.ToDictionary(v => v["reserve2"].Str());
        Assert.Equal([("1122", 502.5m, code)], Side(byId[dp["number"].Str()], "debit"));
        Assert.Equal([("2203", 450m, null), ("22210102", 52.5m, null)], Side(byId[dp["number"].Str()], "credit"));
        Assert.Equal([("1122", 452m, code)], Side(byId[partial["number"].Str()], "debit"));
        Assert.Equal([("6001", 400m, null), ("22210102", 52m, null)], Side(byId[partial["number"].Str()], "credit"));
        Assert.Equal([("1122", 720.5m, code), ("2203", 450m, null)], Side(byId[final["number"].Str()], "debit"));
        Assert.Equal([("6001", 1100m, null), ("22210102", 70.5m, null)], Side(byId[final["number"].Str()], "credit"));
        Assert.Equal([("1122", -113m, code)], Side(byId[creditNote["number"].Str()], "debit"));
        Assert.Equal([("6001", -100m, null), ("22210102", -13m, null)], Side(byId[creditNote["number"].Str()], "credit"));
        var paid = byId[$"PAY-{payment.Id():N}"];
        Assert.Equal([("1002", 1675m, null)], Side(paid, "debit"));
        Assert.Equal([("1122", 1675m, code)], Side(paid, "credit"));
        var year = int.Parse(paid["date"].Str()[..4], CultureInfo.InvariantCulture);
        Assert.Equal((year, int.Parse(paid["date"].Str()[5..7], CultureInfo.InvariantCulture)), (paid["fiscal_year"]!.GetValue<int>(), paid["accounting_period"]!.GetValue<int>()));

        var kingdee = (await admin.GetJsonAsync("/api/billing/vouchers?format=kingdee")).Expect(HttpStatusCode.OK);
        var models = kingdee["items"]!.AsArray().Select(i => (Form: i!["formid"].Str(), Model: i["data"]!["Model"]!)).ToList();
        Assert.All(models, m => Assert.Equal("GL_VOUCHER", m.Form));
        Assert.All(models, m => Assert.Equal(
            m.Model["FEntity"]!.AsArray().Sum(e => e!["FDEBIT"].Dec()), m.Model["FEntity"]!.AsArray().Sum(e => e!["FCREDIT"].Dec())));
        var finalModel = models.Single(m => m.Model["FBillNo"].Str() == final["number"].Str()).Model;
        Assert.Equal(("PRE001", "001"), (finalModel["FVOUCHERGROUPID"]!["FNumber"].Str(), finalModel["FAccountBookID"]!["FNumber"].Str()));
        Assert.Equal(
            [("1122", 720.5m, 0m), ("2203", 450m, 0m), ("6001", 0m, 1100m), ("22210102", 0m, 70.5m)],
            finalModel["FEntity"]!.AsArray().Select(e => (e!["FACCOUNTID"]!["FNumber"].Str(), e["FDEBIT"].Dec(), e["FCREDIT"].Dec())));
        Assert.Equal(code, finalModel["FEntity"]![0]!["FDetailID"]!["FDETAILID__FFLEX6"]!["FNumber"].Str());

        // The CSV twin: Kingdee's field keys as headers, every voucher's rows balanced.
        var csv = await CsvAsync(admin, "/api/exports/vouchers-kingdee.csv");
        Assert.Equal(["FBillNo", "FAccountBookID", "FDate", "FYEAR", "FPERIOD", "FVOUCHERGROUPID", "FATTACHMENTS", "FSEQ", "FEXPLANATION", "FACCOUNTID",
            "FDETAILID__FFLEX6", "FCURRENCYID", "FEXCHANGERATE", "FAMOUNTFOR", "FDEBIT", "FCREDIT"], csv[0]);
        Assert.All(csv.Skip(1).GroupBy(r => r[0]), g => Assert.Equal(g.Sum(r => Num(r[14])), g.Sum(r => Num(r[15]))));
        Assert.Equal(["720.5", "450", "0", "0"], csv.Where(r => r[0] == final["number"].Str()).Select(r => r[14]));
        var yonyouSheet = await XlsxAsync(admin, "/api/exports/vouchers-yonyou.xlsx");
        Assert.Equal(all.Sum(v => v["debit"]!["entry"]!.AsArray().Count + v["credit"]!["entry"]!.AsArray().Count), yonyouSheet.Count);
    }

    [Fact]
    public async Task InvoiceAndPaymentExports_FollowTheFilters_AndTheCallersScope_AndVouchersNeedFinance()
    {
        using var admin = await app.AdminAsync();
        using var rep = await app.UserAsync("voucher-rep@billing.test", "SalesRep");
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 50m);
        var customer = await road.Data.CustomerAsync(name: "北京朝阳商贸有限公司 " + TestData.Unique("e"));
        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (product, 4));
        await road.ShipAsync(orderId, (lines[0], 4));
        var invoice = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());
        await road.PayAsync(customer, 250m, (invoice.Id(), 200m));

        var invoices = await CsvAsync(admin, $"/api/exports/invoices.csv?customerId={customer}");
        Assert.Equal("Number", invoices[0][0]);
        var row = Assert.Single(invoices.Skip(1));
        // 4 x 50.00 = 200.00 at 13% inclusive: tax 200 x 13/113 = 23.0088 -> 23.01; paid 200.00 of the 250.00 received.
        Assert.Equal((invoice["number"].Str(), "Invoice", "false", "Paid", "176.99", "23.01", "200", "200", "0"),
            (row[0], row[1], row[2], row[3], row[10], row[11], row[12], row[13], row[14]));
        var payments = await CsvAsync(admin, $"/api/exports/payments.csv?customerId={customer}");
        var paymentRow = Assert.Single(payments.Skip(1));
        Assert.Equal(("250", "200", "50", invoice["number"].Str()), (paymentRow[6], paymentRow[7], paymentRow[9], paymentRow[11]));
        Assert.Single(await CsvAsync(admin, $"/api/exports/invoices.csv?customerId={customer}&status=Issued"));

        // Another rep's customer: the rep's exports are empty, vouchers are finance's.
        Assert.Single(await CsvAsync(rep, $"/api/exports/invoices.csv?customerId={customer}"));
        Assert.Single(await CsvAsync(rep, $"/api/exports/payments.csv?customerId={customer}"));
        (await rep.GetJsonAsync("/api/exports/vouchers-kingdee.csv")).Expect(HttpStatusCode.Forbidden);
        (await rep.GetJsonAsync("/api/billing/vouchers")).Expect(HttpStatusCode.Forbidden);
        Assert.Contains("UnknownFormat", (await admin.GetJsonAsync("/api/billing/vouchers?format=sap")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Contains("InvalidPeriod",
            (await admin.GetJsonAsync("/api/billing/vouchers?from=2026-02-01&to=2026-01-01")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
    }

    private static decimal Sum(JsonNode voucher, string side, string field) => voucher[side]!["entry"]!.AsArray().Sum(e => e![field].Dec());

    private static List<(string, decimal, string?)> Side(JsonNode voucher, string side) =>
        [.. voucher[side]!["entry"]!.AsArray().Select(e => (e!["account_code"].Str(), e[side == "debit" ? "natural_debit_currency" : "natural_credit_currency"].Dec(),
            e["auxiliary"]?["cust_id"]?.GetValue<string>()))];

    private static decimal Num(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<List<string[]>> CsvAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        return [.. new Domain.Integration.CsvRecordReader(new StringReader(Encoding.UTF8.GetString(bytes[3..]))).Records().Select(r => r.Fields.ToArray())];
    }

    private static async Task<List<IDictionary<string, object>>> XlsxAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        return [.. stream.Query(useHeaderRow: true).Cast<IDictionary<string, object>>()];
    }
}

public sealed class DownPaymentAndVoucherTests_Sqlite(SqliteApp app) : DownPaymentAndVoucherTests(app), IClassFixture<SqliteApp>;

public sealed class DownPaymentAndVoucherTests_Postgres(PostgresApp app) : DownPaymentAndVoucherTests(app), IClassFixture<PostgresApp>;
