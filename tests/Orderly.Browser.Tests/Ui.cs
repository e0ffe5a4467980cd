namespace Orderly.Browser.Tests;

/// <summary>Small helpers for driving MudBlazor inputs the way a person does.</summary>
internal static class Ui
{
    /// <summary>The input element of a MudBlazor field marked with data-testid.</summary>
    public static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    /// <summary>Waits until the circuit has attached (MainLayout marks the document): typing into prerendered HTML is lost.</summary>
    public static Task InteractiveAsync(IPage page) => page.Locator("html[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>Types into an autocomplete and picks the option containing <paramref name="option"/>.</summary>
    public static async Task PickAsync(IPage page, string testId, string typed, string option)
    {
        var input = Input(page, testId);
        await input.ClickAsync();
        await input.FillAsync(typed);
        var item = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First;
        await item.ClickAsync();
    }

    /// <summary>Opens the MudSelect labelled <paramref name="label"/> and picks the option containing <paramref name="option"/>.</summary>
    public static async Task SelectAsync(IPage page, string label, string option)
    {
        await page.Locator(".mud-select").Filter(new() { Has = page.Locator("label", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(label) + "$") }) })
            .First.Locator(".mud-input").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
    }

    public static async Task ReplaceAsync(ILocator input, string value)
    {
        await input.ClickAsync();
        await input.PressAsync("Control+A");
        await input.PressSequentiallyAsync(value);
        await input.PressAsync("Tab");
    }

    /// <summary>
    /// The clerk enters and submits one line of FAS-HB-M8-25 for C1001 (the price raised before a discount so the net
    /// price stays above any minimum); returns the order's address and number.
    /// </summary>
    public static async Task<(string Url, string Number)> EnterOrderAsync(OrderlyServer server, string quantity, string? discount)
    {
        var clerk = await server.LoginAsync("clerk@orderly.local");
        await clerk.GotoAsync("/orders/new");
        await PickAsync(clerk, "customer", "C1001", "C1001");
        await PickAsync(clerk, "product", "FAS-HB-M8-25", "FAS-HB-M8-25");
        var field = Input(clerk, "new-quantity");
        await ReplaceAsync(field, quantity);
        await field.PressAsync("Enter");
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync("FAS-HB-M8-25");
        if (discount is not null)
        {
            await ReplaceAsync(Input(clerk, "price-0"), "43.80");
            await ReplaceAsync(Input(clerk, "discount-0"), discount);
            await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync("Needs approval");
        }

        await Assertions.Expect(clerk.GetByTestId("submit")).ToBeEnabledAsync();
        await clerk.GetByTestId("submit").ClickAsync();
        await clerk.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/orders/[0-9a-f-]{36}$"));
        var number = (await clerk.GetByTestId("order-number").InnerTextAsync()).Split(' ')[^1];
        var url = new Uri(clerk.Url).PathAndQuery;
        await clerk.Context.CloseAsync();
        return (url, number);
    }

    /// <summary>Evaluates the stock alerts once (as the warehouse) when none are open, so alert pages have rows to show.</summary>
    public static async Task EnsureStockAlertsAsync(OrderlyServer server)
    {
        var page = await server.LoginAsync("warehouse@orderly.local");
        await page.GotoAsync("/inventory/alerts");
        await page.GetByTestId("alerts-table").WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if ((await page.GetByTestId("alerts-all").InnerTextAsync()).Contains("(0)", StringComparison.Ordinal))
        {
            await page.GetByTestId("evaluate").ClickAsync();
            // The button recomputes every product's stock policy from the demo data's demand history, then evaluates:
            // the whole test takes 11-16 s alone, but the job ran over 60 s twice in full runs at load average 30-40.
            await Assertions.Expect(page.GetByTestId("job-progress")).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 180_000 });
        }

        await page.Context.CloseAsync();
    }
}
