namespace Orderly.Browser.Tests;

/// <summary>A clerk who types fast and presses Enter or Tab at once gets what they typed, not the list of a moment ago.</summary>
[Collection(BrowserTests.Name)]
public sealed class FastEntryTests(OrderlyServer server)
{
    [Fact]
    public async Task EnterRightAfterTyping_PicksTheTypedCustomer_AndTabRightAfterAnSku_PicksTheProduct()
    {
        var clerk = await server.LoginAsync("clerk@orderly.local", language: "zh-CN");
        await clerk.GotoAsync("/orders/new");
        var customer = Ui.Input(clerk, "customer");
        await customer.ClickAsync();
        // The list of all customers (C1001 first) is open; typing and Enter come faster than a search answers.
        await clerk.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync();
        await customer.PressSequentiallyAsync("京城", new() { Delay = 10 });
        await customer.PressAsync("Enter");
        await Assertions.Expect(customer).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^C3001 · 北京京城重工"));

        var product = Ui.Input(clerk, "product");
        await product.ClickAsync();
        await product.PressSequentiallyAsync("FAS-HB-M8-25", new() { Delay = 5 });
        await product.PressAsync("Tab");
        await Assertions.Expect(product).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^FAS-HB-M8-25 · "));
        var quantity = Ui.Input(clerk, "new-quantity");
        await Assertions.Expect(quantity).ToBeFocusedAsync();
        await quantity.PressAsync("Control+A");
        await quantity.PressSequentiallyAsync("3");
        await quantity.PressAsync("Enter");
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync("FAS-HB-M8-25");
        await clerk.Context.CloseAsync();
    }
}
