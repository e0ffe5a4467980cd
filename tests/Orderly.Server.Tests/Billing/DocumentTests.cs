namespace Orderly.Server.Tests.Billing;

/// <summary>The PDFs of the billing road, read back with pdftotext: Chinese names, amounts and totals round-trip.</summary>
public sealed class DocumentTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Documents_CarryChineseNamesAmountsAndTotals_InBothLanguages()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 1234.56m, minPrice: 1000m);
        var name = "上海华联贸易有限公司 " + TestData.Unique("d");
        var customer = await road.Data.CustomerAsync(name: name);
        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, (product, 2));
        await road.ShipAsync(orderId, (lines[0], 1));
        var invoice = await road.IssueAsync((await road.InvoiceAsync(orderId)).Id());
        await road.PayAsync(customer, 1000m, (invoice.Id(), 1000m));

        var pdf = await PdfText.OfAsync(admin, $"/api/invoices/{invoice.Id()}/document.pdf");
        Assert.Contains("销售发票", pdf, StringComparison.Ordinal);
        Assert.Contains(name, pdf, StringComparison.Ordinal);
        Assert.Contains(invoice["number"].Str(), pdf, StringComparison.Ordinal);
        Assert.Contains("壹仟贰佰叁拾肆元伍角陆分", pdf, StringComparison.Ordinal);
        Assert.Contains("1,234.56", pdf, StringComparison.Ordinal);
        Assert.Contains("142.03", pdf, StringComparison.Ordinal); // 1234.56 x 13/113 = 142.0290 -> 142.03
        Assert.Contains("234.56", pdf, StringComparison.Ordinal);  // due after 1,000.00 paid
        Assert.Contains("第1页/共1页", pdf.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var english = await PdfText.OfAsync(admin, $"/api/invoices/{invoice.Id()}/document.pdf?lang=en");
        Assert.Contains("Invoice", english, StringComparison.Ordinal);
        Assert.Contains("Page1of1", english.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(name, english, StringComparison.Ordinal);

        var confirmation = await PdfText.OfAsync(admin, $"/api/orders/{orderId}/documents/confirmation.pdf");
        Assert.Contains("订单确认书", confirmation, StringComparison.Ordinal);
        Assert.Contains("2,469.12", confirmation, StringComparison.Ordinal);
        Assert.Contains("贰仟肆佰陆拾玖元壹角贰分", confirmation, StringComparison.Ordinal);

        var delivery = await PdfText.OfAsync(admin, $"/api/orders/{orderId}/documents/delivery-note.pdf");
        Assert.Contains("送货单", delivery, StringComparison.Ordinal);
        Assert.Contains("收货人签字", delivery, StringComparison.Ordinal);
        Assert.Contains(name, delivery, StringComparison.Ordinal);

        var (quotationId, _, _) = await road.QuotedOrderAsync(customer, (product, 1));
        var quotation = await PdfText.OfAsync(admin, $"/api/quotations/{quotationId}/document.pdf");
        Assert.Contains("报价单", quotation, StringComparison.Ordinal);
        Assert.Contains("壹仟贰佰叁拾肆元伍角陆分", quotation, StringComparison.Ordinal);

        var statement = await PdfText.OfAsync(admin, $"/api/customers/{customer}/statement.pdf");
        Assert.Contains("对账单", statement, StringComparison.Ordinal);
        Assert.Contains("234.56", statement, StringComparison.Ordinal);

        (await admin.GetJsonAsync($"/api/invoices/{invoice.Id()}/document.pdf?lang=fr")).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync($"/api/invoices/{Guid.NewGuid()}/document.pdf")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task LongInvoice_BreaksAcrossPages_WithNumberedPages()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var customer = await road.Data.CustomerAsync();
        var products = new List<(Guid, decimal)>();
        for (var i = 0; i < 45; i++)
        {
            products.Add((await road.Data.ProductAsync(listPrice: 10m + i), 1m));
        }

        var (orderId, lines) = await road.ConfirmedOrderAsync(customer, [.. products]);
        await road.ShipAsync(orderId, [.. lines.Select(l => (l, 1m))]);
        var invoice = await road.InvoiceAsync(orderId);
        var text = await PdfText.OfAsync(admin, $"/api/invoices/{invoice.Id()}/document.pdf");
        Assert.Contains("第2页/共2页", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("1,440.00", text, StringComparison.Ordinal); // 45 x 10 + (0 + ... + 44) = 450 + 990
    }
}
