using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>The inventory pages: adjustments and the ledger, transfers, the alert board.</summary>
[Collection(BrowserTests.Name)]
public sealed partial class InventoryTests(OrderlyServer server)
{
    private const string Sku = "FAS-HB-M8-25";

    // The first booking of a kind on a fresh server compiles its queries and services (Debug build, two cores):
    // measured 5.8-6.3 s where later ones take well under one. The answer is still asserted, only given that time.
    private static readonly LocatorAssertionsToContainTextOptions FirstWrite = new() { Timeout = 30_000 };

    [Fact]
    public async Task Warehouse_BooksADamageAdjustment_AndSeesItsLineInTheLedger()
    {
        var page = await server.LoginAsync("warehouse@orderly.local");
        await page.GotoAsync("/inventory/adjustments");
        await Ui.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Adjustments and counts");
        await Ui.SelectAsync(page, "Warehouse", "SH-01");
        await Ui.PickAsync(page, "product", Sku, Sku);
        await Assertions.Expect(page.GetByTestId("book")).ToContainTextAsync("On hand");
        await Ui.ReplaceAsync(Ui.Input(page, "quantity"), "3");
        await Ui.Input(page, "note").FillAsync("叉车碰撞 forklift");
        await page.GetByTestId("book-adjustment").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync(AdjustmentNumber(), FirstWrite);
        await OrderlyServer.ScreenshotAsync(page, "adjustments");

        await page.GetByTestId("see-ledger").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Stock ledger");
        var newest = page.GetByTestId("ledger-table").Locator("tbody tr").First;
        await Assertions.Expect(newest).ToContainTextAsync("Adjustment");
        await Assertions.Expect(newest).ToContainTextAsync("-3");
        await Assertions.Expect(newest).ToContainTextAsync("叉车碰撞");
        await Assertions.Expect(page.GetByTestId("ledger-export")).ToHaveAttributeAsync("href", new Regex("/api/inventory/ledger/export\\?productId=.+&warehouseId="));
        await OrderlyServer.ScreenshotAsync(page, "ledger");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Warehouse_SendsATransfer_SeesItInTransit_AndReceivesIt()
    {
        // Other tests order this product from the same demo data: receive what the transfer sends, so it is there.
        await ReceiveAsync("SH-01", Sku, 5);
        var page = await server.LoginAsync("warehouse@orderly.local");
        await page.GotoAsync("/inventory/transfers");
        await Ui.InteractiveAsync(page);
        await Ui.SelectAsync(page, "From warehouse", "SH-01");
        await Ui.SelectAsync(page, "To warehouse", "GZ-01");
        await Ui.PickAsync(page, "product", Sku, Sku);
        await Ui.ReplaceAsync(Ui.Input(page, "quantity"), "5");
        await page.GetByTestId("send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("in transit", FirstWrite);
        var number = TransferNumber().Match(await page.GetByTestId("notice").InnerTextAsync()).Value;

        var row = page.GetByTestId("transfers-table").Locator("tbody tr").Filter(new() { HasText = number });
        await Assertions.Expect(row).ToContainTextAsync("In transit");
        await Assertions.Expect(row).ToContainTextAsync("SH-01 → GZ-01");
        await OrderlyServer.ScreenshotAsync(page, "transfers");
        await page.GetByTestId($"receive-{number}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync($"{number} received");
        await Assertions.Expect(page.GetByTestId("transfers-table")).Not.ToContainTextAsync(number);

        await page.GotoAsync("/inventory/ledger");

        await Ui.InteractiveAsync(page);
        await Ui.SelectAsync(page, "Movement", "Transfer in");
        await Assertions.Expect(page.GetByTestId("ledger-table").Locator("tbody tr").First).ToContainTextAsync(number);
        await page.Context.CloseAsync();
    }

    private async Task ReceiveAsync(string warehouseCode, string sku, decimal quantity)
    {
        using var api = await server.ApiAsync("warehouse@orderly.local");
        var warehouses = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync("/api/warehouses"))!["items"]!.AsArray();
        var warehouse = (Guid)warehouses.First(w => (string?)w!["code"] == warehouseCode)!["id"]!;
        var products = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"/api/products?q={sku}"))!["items"]!.AsArray();
        var product = (Guid)products.First(p => (string?)p!["sku"] == sku)!["id"]!;
        using var receipt = await api.PostAsync("/api/inventory/receipts", System.Net.Http.Json.JsonContent.Create(new
        {
            warehouseId = warehouse, reference = "browser-test", lines = new[] { new { productId = product, quantity } },
        }));
        Assert.True(receipt.IsSuccessStatusCode, $"receipt: {(int)receipt.StatusCode} {await receipt.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task AlertBoard_AfterAnEvaluation_ShowsLowStockProducts_WithReorderSuggestions()
    {
        var page = await server.LoginAsync("warehouse@orderly.local");
        await page.GotoAsync("/inventory/alerts");
        await Ui.InteractiveAsync(page);
        await page.GetByTestId("evaluate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("job-progress")).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("stock positions evaluated");

        await page.GetByTestId("alerts-LowStock").ClickAsync();
        var low = page.GetByTestId("alerts-table").Locator("td[data-kind=LowStock]");
        await Assertions.Expect(low.First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("alerts-table").Locator("td[data-kind=Excess]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("suggestions-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await OrderlyServer.ScreenshotAsync(page, "alerts");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Manager_CannotBookAdjustments_ButReadsTheLedger()
    {
        var page = await server.LoginAsync("manager@orderly.local");
        await page.GotoAsync("/inventory/adjustments");
        await Ui.InteractiveAsync(page);
        await Assertions.Expect(page.GetByText("Your roles do not allow this page.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("book-adjustment")).ToHaveCountAsync(0);
        await page.GotoAsync("/inventory/ledger");
        await Ui.InteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("ledger-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"ADJ-\d{4}-\d{6}")]
    private static partial Regex AdjustmentNumber();

    [GeneratedRegex(@"TR-\d{4}-\d{6}")]
    private static partial Regex TransferNumber();
}
