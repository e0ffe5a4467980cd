namespace Orderly.Browser.Tests;

/// <summary>Wide tables at a 1366-pixel laptop screen: nothing cut off, codes and times on one line.</summary>
[Collection(BrowserTests.Name)]
public sealed class WideTableTests(OrderlyServer server)
{
    [Theory]
    [InlineData("/inventory/ledger", "ledger-table", "zh-CN")]
    [InlineData("/inventory/ledger", "ledger-table", "en-US")]
    [InlineData("/inventory/alerts", "alerts-table", "zh-CN")]
    [InlineData("/inventory/alerts", "alerts-table", "en-US")]
    public async Task Table_FitsA1366PixelScreen_WithCodesAndTimesOnOneLine(string path, string table, string language)
    {
        if (table == "alerts-table")
        {
            await Ui.EnsureStockAlertsAsync(server);
        }

        var page = await server.LoginAsync("manager@orderly.local", language: language);
        await page.GotoAsync(path);
        var rows = page.GetByTestId(table).Locator("tbody tr").Filter(new() { Has = page.Locator("[data-testid=cell-sku]") });
        await rows.First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var fits = await page.GetByTestId(table).EvaluateAsync<bool>(
            "e => { const c = e.querySelector('.mud-table-container') || e; return c.scrollWidth <= c.clientWidth + 1 && e.getBoundingClientRect().right <= window.innerWidth; }");
        Assert.True(fits, $"{path}: the table is wider than the page");
        foreach (var cell in (await page.GetByTestId(table).Locator("[data-testid=cell-sku], [data-testid=cell-time], [data-testid=cell-code]").AllAsync()).Take(40))
        {
            var lines = await LinesOfAsync(cell);
            Assert.True(lines <= 1, $"{path}: '{await cell.InnerTextAsync()}' breaks over {lines} lines");
        }

        // Headings break between words, never inside one (a Chinese heading of four characters stays on one line).
        foreach (var heading in await page.GetByTestId(table).Locator("thead th").AllAsync())
        {
            var text = (await heading.InnerTextAsync()).Trim();
            if (text.Length > 0 && !text.Contains(' ', StringComparison.Ordinal))
            {
                Assert.True(await LinesOfAsync(heading) <= 1, $"{path}: heading '{text}' breaks inside a word");
            }
        }

        await OrderlyServer.ScreenshotAsync(page, $"{table}-1366-{language}");
        await page.Context.CloseAsync();
    }

    /// <summary>How many lines the element's text takes (distinct tops of its text boxes).</summary>
    private static Task<int> LinesOfAsync(ILocator element) => element.EvaluateAsync<int>(
        "e => { const r = document.createRange(); r.selectNodeContents(e); return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size; }");
}
