using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>
/// The billing pages: finance invoices a shipped order from its detail page and records the payment that settles it;
/// a quotation becomes an order; every billing page passes axe in both languages, wide and at phone width.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class BillingPagesTests(OrderlyServer server)
{
    private const string QuotedSku = "FAS-HB-M8-25";

    [Fact]
    public async Task Finance_InvoicesAShippedOrder_AndRecordsThePaymentThatSettlesIt()
    {
        var api = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var (customerId, code) = await CustomerAsync(api);
        var orderId = await ShippedOrderAsync(api, customerId, quantity: 10, price: 113m);

        var finance = await server.LoginAsync("finance@orderly.local");
        await finance.GotoAsync($"/orders/{orderId}");
        await Assertions.Expect(finance.GetByTestId("payment-status")).ToContainTextAsync("Not invoiced");
        await finance.GetByTestId("invoice-order").ClickAsync();
        await finance.WaitForURLAsync($"**/orders/{orderId}/invoice");
        // Everything shipped and not yet invoiced is proposed.
        await Assertions.Expect(Ui.Input(finance, "invoice-qty-1")).ToHaveValueAsync("10");
        await finance.GetByTestId("create-invoice").ClickAsync();
        await finance.WaitForURLAsync(InvoiceUrl());
        await Assertions.Expect(finance.GetByTestId("invoice-status")).ToHaveTextAsync("Draft");
        await finance.GetByTestId("action-issue").ClickAsync();
        await Assertions.Expect(finance.GetByTestId("invoice-status")).ToHaveTextAsync("Issued");
        // 10 x ¥113.00 tax-inclusive: ¥1,130.00 = 1,000.00 net + 130.00 VAT at 13%.
        await Assertions.Expect(finance.GetByTestId("invoice-total")).ToHaveTextAsync("CN¥1,130.00");
        await Assertions.Expect(finance.GetByTestId("invoice-amounts")).ToContainTextAsync("CN¥130.00");
        await Assertions.Expect(finance.GetByTestId("invoice-number")).ToContainTextAsync(new Regex(@"INV-\d{4}-\d{6}"));
        await OrderlyServer.ScreenshotAsync(finance, "invoice-detail");

        await finance.GotoAsync($"/payments/new?customer={customerId}");
        await Ui.ReplaceAsync(Ui.Input(finance, "payment-amount"), "1130");
        await finance.GetByTestId("preview-allocation").ClickAsync();
        await Assertions.Expect(finance.GetByTestId("suggested-allocation")).ToHaveCountAsync(1);
        await Assertions.Expect(finance.GetByTestId("suggested-allocation")).ToContainTextAsync("CN¥1,130.00");
        await Assertions.Expect(finance.GetByTestId("overpayment")).ToHaveCountAsync(0);
        await OrderlyServer.ScreenshotAsync(finance, "record-payment");
        await finance.GetByTestId("save-payment").ClickAsync();
        await finance.WaitForURLAsync($"**/payments?customer={customerId}");
        await Assertions.Expect(finance.GetByTestId("row-unallocated").First).ToHaveTextAsync("CN¥0.00");

        await finance.GotoAsync($"/orders/{orderId}");
        await Assertions.Expect(finance.GetByTestId("payment-status")).ToHaveTextAsync(new Regex("^Paid ·"));
        await Assertions.Expect(finance.GetByTestId("payment-status")).ToContainTextAsync("CN¥1,130.00 / CN¥1,130.00 / CN¥0.00");

        await finance.GotoAsync("/receivables");
        await finance.GetByTestId("aging-table").WaitForAsync();
        await Assertions.Expect(finance.Locator($"[data-testid=aging-row][data-customer='{code}']")).ToHaveCountAsync(0);
        await finance.GotoAsync($"/invoices?customer={customerId}");
        await Assertions.Expect(finance.GetByTestId("row-due")).ToHaveTextAsync("CN¥0.00");
        await Assertions.Expect(finance.GetByTestId("invoices-table")).ToContainTextAsync("Paid");
        await finance.Context.CloseAsync();
    }

    [Fact]
    public async Task Finance_RecordsTheFapiao_WritesOffWhatIsLeft_AndRefundsTheCustomersCredit()
    {
        // The admin records a payment of ¥1,200.00: ¥1,000.00 on the ¥1,130.00 invoice, ¥200.00 left as the customer's credit.
        var api = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var (customerId, _) = await CustomerAsync(api);
        var orderId = await ShippedOrderAsync(api, customerId, quantity: 10, price: 113m);
        var invoice = (Guid)(await PostAsync(api, "/api/invoices", new { orderId }))["id"]!;
        await PostAsync(api, $"/api/invoices/{invoice}/issue", new { });
        await PostAsync(api, "/api/payments", new
        {
            customerId, amount = 1200m, currency = "CNY", method = "BankTransfer", receivedOn = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd"),
            allocations = new[] { new { invoiceId = invoice, amount = 1000m } },
        });

        var finance = await server.LoginAsync("finance@orderly.local");
        await finance.GotoAsync($"/invoices/{invoice}");
        await Assertions.Expect(finance.GetByTestId("invoice-due")).ToHaveTextAsync("CN¥130.00");

        // The fapiao the tax system issued.
        await finance.GetByTestId("action-fapiao").ClickAsync();
        await Ui.SelectAsync(finance, "Fapiao", "Special VAT fapiao");
        await Ui.ReplaceAsync(Ui.Input(finance, "fapiao-number"), "04400123");
        await finance.GetByTestId("fapiao-save").ClickAsync();
        await Assertions.Expect(finance.GetByTestId("notice")).ToHaveTextAsync("Fapiao recorded.");
        await Assertions.Expect(finance.Locator("body")).ToContainTextAsync("Special VAT fapiao · 04400123");

        // A write-off needs a reason: refused without one, and nothing changes. The amount cannot exceed what is due.
        await finance.GetByTestId("action-write-off").ClickAsync();
        await Assertions.Expect(Ui.Input(finance, "write-off-amount")).ToHaveValueAsync("130");
        await Ui.ReplaceAsync(Ui.Input(finance, "write-off-amount"), "131");
        await Assertions.Expect(Ui.Input(finance, "write-off-amount")).ToHaveValueAsync("130");
        await finance.GetByTestId("write-off-save").ClickAsync();
        await Assertions.Expect(finance.GetByTestId("error-banner")).ToContainTextAsync("Give a reason.");
        await Assertions.Expect(finance.GetByTestId("invoice-due")).ToHaveTextAsync("CN¥130.00");
        await Ui.ReplaceAsync(Ui.Input(finance, "write-off-reason"), "客户破产");
        await finance.GetByTestId("write-off-save").ClickAsync();
        await Assertions.Expect(finance.GetByTestId("notice")).ToHaveTextAsync("Written off.");
        await Assertions.Expect(finance.GetByTestId("invoice-due")).ToHaveTextAsync("CN¥0.00");
        await Assertions.Expect(finance.GetByTestId("invoice-amounts")).ToContainTextAsync("Written off");
        await Assertions.Expect(finance.GetByTestId("invoice-status")).ToHaveTextAsync("Paid");

        // The ¥200.00 credit paid back.
        await finance.GotoAsync($"/payments?customer={customerId}");
        await Assertions.Expect(finance.GetByTestId("row-unallocated")).ToHaveTextAsync("CN¥200.00");
        await finance.GetByTestId("row-refund").ClickAsync();
        await Assertions.Expect(Ui.Input(finance, "refund-amount")).ToHaveValueAsync("200");
        await finance.GetByTestId("refund-save").ClickAsync();
        await Assertions.Expect(finance.GetByTestId("notice")).ToHaveTextAsync("Refund recorded.");
        await Assertions.Expect(finance.GetByTestId("row-unallocated")).ToHaveTextAsync("CN¥0.00");
        await Assertions.Expect(finance.GetByTestId("row-refund")).ToHaveCountAsync(0);
        await finance.Context.CloseAsync();

        var payments = await GetAsync(api, $"/api/payments?customerId={customerId}");
        Assert.Equal(0m, (decimal)payments["items"]![0]!["unallocated"]!);
        var written = await GetAsync(api, $"/api/invoices/{invoice}");
        Assert.Equal(130m, (decimal)written["writtenOff"]!);
        Assert.Equal("04400123", (string)written["fapiaoNumber"]!);
    }

    [Fact]
    public async Task Clerk_EntersAQuotation_SendsIt_AndAcceptingItOpensTheNewOrder()
    {
        var clerk = await server.LoginAsync("clerk@orderly.local");
        await clerk.GotoAsync("/quotations");
        await clerk.GetByTestId("new-quotation").ClickAsync();
        await clerk.WaitForURLAsync("**/quotations/new");
        await Ui.PickAsync(clerk, "quotation-customer", "C1001", "C1001");
        await Ui.PickAsync(clerk, "quotation-product", QuotedSku, QuotedSku);
        await Ui.ReplaceAsync(Ui.Input(clerk, "quotation-quantity"), "5");
        await clerk.GetByTestId("add-line").ClickAsync();
        await Assertions.Expect(clerk.GetByTestId("quotation-line")).ToHaveCountAsync(1);
        await clerk.GetByTestId("save-quotation").ClickAsync();
        await clerk.WaitForURLAsync(new Regex(@"/quotations/[0-9a-f-]{36}$"));
        await Assertions.Expect(clerk.GetByTestId("quotation-status")).ToHaveTextAsync("Draft");
        await Assertions.Expect(clerk.GetByTestId("quotation-number")).ToContainTextAsync(new Regex(@"QT-\d{4}-\d{6}"));
        await clerk.GetByTestId("action-send").ClickAsync();
        await Assertions.Expect(clerk.GetByTestId("quotation-status")).ToHaveTextAsync("Sent");
        await clerk.GetByTestId("action-accept").ClickAsync();
        await clerk.WaitForURLAsync(new Regex(@"/orders/[0-9a-f-]{36}$"));
        await Assertions.Expect(clerk.GetByTestId("order-status")).ToHaveTextAsync("Draft");
        await Assertions.Expect(clerk.GetByTestId("detail-lines")).ToContainTextAsync(QuotedSku);
        await clerk.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task BillingPages_HaveNoAxeViolations_WideAndAtPhoneWidth(string language)
    {
        var data = await PageDataAsync();
        (string Path, string Ready)[] pages =
        [
            ("/invoices", "[data-testid=invoices-table] tbody tr"),
            ($"/invoices/{data.InvoiceId}", "[data-testid=invoice-lines] tbody tr"),
            ($"/invoices/{data.DownPaymentId}", "[data-testid=invoice-lines] tbody tr"),
            ($"/orders/{data.OrderId}/invoice", "[data-testid=invoice-order-lines] tbody tr"),
            ("/payments", "[data-testid=payments-table] tbody tr"),
            ($"/payments/new?customer={data.CustomerId}", "[data-testid=payment-amount]"),
            ("/receivables", "[data-testid=aging-table] tbody tr"),
            ($"/receivables/statement/{data.CustomerId}", "[data-testid=statement-lines] tbody tr"),
            ("/quotations", "[data-testid=quotations-table] tbody tr"),
            ("/quotations/new", "[data-testid=quotation-lines]"),
            ($"/quotations/{data.QuotationId}", "[data-testid=quotation-lines] tbody tr"),
        ];
        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword, language);
        foreach (var (path, ready) in pages)
        {
            await page.SetViewportSizeAsync(1366, 900);
            await page.GotoAsync(path);
            await page.Locator(ready).First.WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Axe.AssertWcag22AaAsync(page, $"{path} ({language})");
            await page.SetViewportSizeAsync(390, 844);
            await page.WaitForTimeoutAsync(300);
            await Axe.AssertWcag22AaAsync(page, $"{path} ({language}) at 390 px");
        }

        if (language == "zh-CN")
        {
            // Chinese formats: ¥ and yyyy-MM-dd.
            await page.SetViewportSizeAsync(1366, 900);
            await page.GotoAsync($"/invoices/{data.InvoiceId}");
            await Assertions.Expect(page.GetByTestId("invoice-total")).ToHaveTextAsync("¥678.00");
            await Assertions.Expect(page.GetByTestId("invoice-status")).ToHaveTextAsync("部分付款");
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync(new Regex(@"\d{4}-\d{2}-\d{2}"));
            await OrderlyServer.ScreenshotAsync(page, "invoice-detail-zh");
            await page.GotoAsync("/receivables");
            await page.GetByTestId("aging-table").WaitForAsync();
            await OrderlyServer.ScreenshotAsync(page, "receivables-aging-zh");
        }

        await page.Context.CloseAsync();
    }

    private sealed record PageData(Guid CustomerId, Guid OrderId, Guid InvoiceId, Guid DownPaymentId, Guid QuotationId);

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static PageData? _data;

    /// <summary>One customer with a shipped order, a down payment and an issued, partly paid invoice, and a quotation: something on every page.</summary>
    private async Task<PageData> PageDataAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_data is not null)
            {
                return _data;
            }

            var api = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
            var (customerId, _) = await CustomerAsync(api);
            var orderId = await ShippedOrderAsync(api, customerId, quantity: 10, price: 113m, shipped: 6);
            var downPayment = await PostAsync(api, "/api/invoices/down-payments", new { orderId, percent = 10 });
            await PostAsync(api, $"/api/invoices/{downPayment["id"]}/issue", new { });
            var invoice = await PostAsync(api, "/api/invoices", new { orderId });
            await PostAsync(api, $"/api/invoices/{invoice["id"]}/issue", new { });
            await PostAsync(api, "/api/payments", new
            {
                customerId, amount = 200m, currency = "CNY", method = "BankTransfer", receivedOn = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd"),
                reference = "回单 0001", allocations = new[] { new { invoiceId = (Guid)invoice["id"]!, amount = 200m } },
            });
            var products = await GetAsync(api, $"/api/products?q={QuotedSku}");
            var quotation = await PostAsync(api, "/api/quotations", new
            {
                customerId, lines = new[] { new { productId = (Guid)products["items"]![0]!["id"]!, quantity = 3m } },
            });
            return _data = new PageData(customerId, orderId, (Guid)invoice["id"]!, (Guid)downPayment["id"]!, (Guid)quotation["id"]!);
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task<(Guid Id, string Code)> CustomerAsync(HttpClient api)
    {
        var code = "BILL" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var customer = await PostAsync(api, "/api/customers", new { code, name = "杭州西湖贸易有限公司 " + code, creditLimit = 1_000_000m, paymentTermsDays = 30 });
        return ((Guid)customer["id"]!, code);
    }

    /// <summary>A confirmed order of one fresh product, shipped (all of it unless <paramref name="shipped"/> says less).</summary>
    private static async Task<Guid> ShippedOrderAsync(HttpClient api, Guid customerId, decimal quantity, decimal price, decimal? shipped = null)
    {
        var sku = "BILL-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var product = await PostAsync(api, "/api/products", new { sku, name = "不锈钢法兰 " + sku, unit = "pcs", listPrice = price, minPrice = price * 0.8m, cost = price * 0.5m });
        var warehouses = await GetAsync(api, "/api/warehouses");
        await PostAsync(api, "/api/inventory/receipts", new
        {
            warehouseId = (Guid)warehouses["items"]![0]!["id"]!, lines = new[] { new { productId = (Guid)product["id"]!, quantity } },
        });
        var order = await PostAsync(api, "/api/orders", new { customerId, lines = new[] { new { productId = (Guid)product["id"]!, quantity } } });
        var confirmed = await PostAsync(api, $"/api/orders/{order["id"]}/submit", new { });
        Assert.Equal("Confirmed", (string)confirmed["status"]!);
        await PostAsync(api, $"/api/orders/{order["id"]}/shipments", new { lines = new[] { new { lineId = (Guid)confirmed["lines"]![0]!["id"]!, quantity = shipped ?? quantity } } });
        return (Guid)order["id"]!;
    }

    private static async Task<JsonNode> PostAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> GetAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    [GeneratedRegex(@"/invoices/[0-9a-f-]{36}$")]
    private static partial Regex InvoiceUrl();
}
