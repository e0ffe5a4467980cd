using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>
/// An order being typed survives a closed tab: the entry page offers to restore it with its customer and lines.
/// Ctrl+Enter submits from the keyboard (through the place path: one transaction), and a saved order clears the
/// autosaved copy.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class AutosaveAndShortcutTests(OrderlyServer server)
{
    [Fact]
    public async Task AnOrderBeingTyped_IsRestoredAfterTheTabCloses_AndCtrlEnterSubmitsIt()
    {
        var clerk = await server.LoginAsync("clerk@orderly.local", language: "zh-CN");
        await clerk.GotoAsync("/orders/new");
        await Ui.PickAsync(clerk, "customer", "京城", "C3001");
        await Ui.PickAsync(clerk, "product", "FAS-HB-M8-25", "FAS-HB-M8-25");
        var quantity = Ui.Input(clerk, "new-quantity");
        await quantity.PressAsync("Control+A");
        await quantity.PressSequentiallyAsync("4");
        await quantity.PressAsync("Enter");
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync("FAS-HB-M8-25");
        await Assertions.Expect(Ui.Input(clerk, "quantity-0")).ToHaveValueAsync("4");

        // The tab is gone without saving; a new page in the same browser offers the order back.
        await clerk.GotoAsync("/orders");
        await clerk.GotoAsync("/orders/new");
        var banner = clerk.GetByTestId("autosaved");
        // The banner counts the lines (in the clerk's language, which another test may have switched).
        await Assertions.Expect(banner).ToContainTextAsync(new Regex("1 (行|lines)"));
        await clerk.GetByTestId("autosaved-restore").ClickAsync();
        await Assertions.Expect(Ui.Input(clerk, "customer")).ToHaveValueAsync(new Regex("^C3001 · "));
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync("FAS-HB-M8-25");
        await Assertions.Expect(Ui.Input(clerk, "quantity-0")).ToHaveValueAsync("4");
        await Assertions.Expect(clerk.GetByTestId("submit")).ToBeEnabledAsync();

        await clerk.Keyboard.PressAsync("Control+Enter");
        await clerk.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}$"));
        await Assertions.Expect(clerk.GetByTestId("order-status")).Not.ToContainTextAsync("草稿");

        // Saved: nothing is offered any more.
        await clerk.GotoAsync("/orders/new");
        await Assertions.Expect(Ui.Input(clerk, "customer")).ToBeVisibleAsync();
        await clerk.WaitForTimeoutAsync(500);
        await Assertions.Expect(clerk.GetByTestId("autosaved")).ToHaveCountAsync(0);
        await clerk.Context.CloseAsync();
    }
}
