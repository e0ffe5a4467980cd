using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>Entry checks say the numbers a clerk needs to fix the line, and name the order a duplicate repeats.</summary>
[Collection(BrowserTests.Name)]
public sealed partial class EntryMessageTests(OrderlyServer server)
{
    private const string Customer = "C1001";
    private const string Sku = "FAS-HB-M8-25";

    [Fact]
    public async Task BelowMinimumPrice_NamesTheMinimum_AndStockShortNamesWhatIsAvailable()
    {
        var clerk = await server.LoginAsync("clerk@orderly.local");
        await StartAsync(clerk, "900000");
        var shortage = clerk.Locator("[data-testid=entry-checks] [data-code=StockShort]");
        await Assertions.Expect(shortage).ToContainTextAsync(new Regex(@"[\d,]+ available, 900,000 ordered: [\d,]+ will be backordered"));

        await Ui.ReplaceAsync(Ui.Input(clerk, "quantity-0"), "7");
        await Ui.ReplaceAsync(Ui.Input(clerk, "price-0"), "0.01");
        var below = clerk.Locator("[data-testid=entry-checks] [data-code=PriceBelowMinimum]");
        await Assertions.Expect(below).ToContainTextAsync(new Regex(@"The net price CN¥0\.01 is below the minimum price CN¥\d[\d,]*\.\d{2}"));
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync("is below the minimum price CN¥");
        await clerk.Context.CloseAsync();
    }

    [Fact]
    public async Task ProbableDuplicate_NamesAndLinksTheOtherOrder()
    {
        var clerk = await server.LoginAsync("clerk@orderly.local");
        await StartAsync(clerk, "37");
        await Assertions.Expect(clerk.GetByTestId("submit")).ToBeEnabledAsync();
        await clerk.GetByTestId("submit").ClickAsync();
        await clerk.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}$"));
        var number = (await clerk.GetByTestId("order-number").InnerTextAsync()).Split(' ')[^1];

        await StartAsync(clerk, "37");
        var duplicate = clerk.Locator("[data-testid=entry-checks] [data-code=ProbableDuplicate]");
        await Assertions.Expect(duplicate).ToContainTextAsync($"Order {number} of the last 24 hours");
        var link = duplicate.GetByTestId("duplicate-link");
        await Assertions.Expect(link).ToHaveAttributeAsync("href", $"/orders?q={number}");

        await clerk.GotoAsync($"/orders?q={number}");
        await Assertions.Expect(clerk.GetByTestId("orders-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(clerk.GetByTestId("orders-table")).ToContainTextAsync(number);
        await clerk.Context.CloseAsync();
    }

    private static async Task StartAsync(IPage clerk, string quantity)
    {
        await clerk.GotoAsync("/orders/new");
        await Ui.PickAsync(clerk, "customer", Customer, Customer);
        await Ui.PickAsync(clerk, "product", Sku, Sku);
        var field = Ui.Input(clerk, "new-quantity");
        await Ui.ReplaceAsync(field, quantity);
        await field.PressAsync("Enter");
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync(Sku);
    }
}
