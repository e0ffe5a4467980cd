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
            await Assertions.Expect(page.GetByTestId("job-progress")).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60_000 });
        }

        await page.Context.CloseAsync();
    }
}
