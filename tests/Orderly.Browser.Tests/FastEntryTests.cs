namespace Orderly.Browser.Tests;

/// <summary>
/// A clerk who types fast and presses Enter or Tab at once gets what they typed, not the list of a moment ago, and
/// Enter right after a quantity adds the line with that quantity.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class FastEntryTests(OrderlyServer server)
{
    [Fact]
    public async Task EnterRightAfterTyping_PicksTheTypedCustomer_TabRightAfterAnSku_PicksTheProduct_AndEnterAfterAQuantity_AddsThatQuantity()
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
        // The quantity binds when the field is left (per keystroke, a re-render under load put back an older text while
        // typing), and Enter comes before the browser's change: the line must still get the quantity typed, not 1.
        await quantity.PressAsync("Control+A");
        await quantity.PressSequentiallyAsync("125");
        await Assertions.Expect(quantity).ToHaveValueAsync("125");
        await quantity.PressAsync("Enter");
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync("FAS-HB-M8-25");
        await Assertions.Expect(Ui.Input(clerk, "quantity-0")).ToHaveValueAsync("125");
        await Assertions.Expect(quantity).ToHaveValueAsync("1");

        // And it is saved so.
        await Assertions.Expect(clerk.GetByTestId("save-draft")).ToBeEnabledAsync();
        await clerk.GetByTestId("save-draft").ClickAsync();
        await clerk.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/orders/[0-9a-f-]{36}$"));
        var ordered = clerk.GetByTestId("detail-lines").Locator("td").Filter(new() { Has = clerk.GetByTestId("line-unit") });
        await Assertions.Expect(ordered).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*125\s"));
        await clerk.Context.CloseAsync();
    }
}
