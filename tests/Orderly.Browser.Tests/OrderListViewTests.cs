using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>
/// The order list as a clerk's working view: filters live in the URL (a reload keeps them), a group-by view counts
/// and totals the whole filter and narrows to a group on click, the columns shown are chosen and remembered, and
/// a filter saved under a name comes back from the menu.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class OrderListViewTests(OrderlyServer server)
{
    [Fact]
    public async Task Filters_AreInTheUrl_AndSurviveAReload()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        await page.GotoAsync("/orders?status=Confirmed&from=2026-01-01");
        var table = page.GetByTestId("orders-table");
        await table.Locator("tbody tr").First.WaitForAsync();
        await Assertions.Expect(Ui.Input(page, "from-date")).ToHaveValueAsync("2026-01-01");
        var statuses = await table.Locator("tbody tr .mud-chip").AllInnerTextsAsync();
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal("已确认", s.Trim()));

        await Ui.ReplaceAsync(Ui.Input(page, "order-search"), "SO-");
        await Assertions.Expect(page).ToHaveURLAsync(QueryHasText());
        await page.ReloadAsync();
        await table.Locator("tbody tr").First.WaitForAsync();
        await Assertions.Expect(Ui.Input(page, "order-search")).ToHaveValueAsync("SO-");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("status=Confirmed"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task GroupByStatus_CountsTheWholeFilter_AndAGroupNarrowsTheList()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "en");
        await page.GotoAsync("/orders?group=status");
        var groups = page.GetByTestId("order-group");
        await groups.First.WaitForAsync();
        var counts = (await page.GetByTestId("group-count").AllInnerTextsAsync()).Select(c => int.Parse(c.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(counts.Count >= 2, "the demo data has orders in several statuses");

        // The pager's total for the unfiltered list equals the sum of the groups.
        var pager = await page.Locator(".mud-table-pagination-caption").Last.InnerTextAsync();
        var all = int.Parse(AllItems().Match(pager).Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(all, counts.Sum());

        var firstCount = counts[0];
        await groups.First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("status="));
        await Assertions.Expect(page.GetByTestId("order-groups")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".mud-table-pagination-caption").Last).ToContainTextAsync($"of {firstCount:N0}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task HiddenColumns_AndSavedViews_AreRemembered()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "en");
        await page.GotoAsync("/orders");
        var table = page.GetByTestId("orders-table");
        await table.Locator("tbody tr").First.WaitForAsync();
        await Assertions.Expect(table.GetByTestId("row-po").First).ToBeAttachedAsync();

        await page.GetByTestId("column-chooser").Locator("button").First.ClickAsync();
        await page.GetByTestId("column-CustomerPo").ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(table.GetByTestId("row-po")).ToHaveCountAsync(0);
        await page.WaitForFunctionAsync("() => Object.keys(localStorage).some(k => k.endsWith('.hidden') && localStorage.getItem(k).includes('CustomerPo'))");

        await page.GotoAsync("/orders?status=Delivered");
        await table.Locator("tbody tr").First.WaitForAsync();
        await page.GetByTestId("saved-views").Locator("button").First.ClickAsync();
        await page.GetByTestId("save-view").ClickAsync();
        // Save is enabled before a name is typed (the name binds when the field is left) and refuses to save without one.
        await page.GetByTestId("view-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("view-naming")).ToContainTextAsync("Give the view a name to save it.");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => JSON.parse(localStorage.getItem('orderly.orders.views') ?? '[]').length"));

        // Typed key by key and saved with a click straight from the field, as a person does: the click that leaves the
        // field must save the whole name (the field once bound every keystroke, which can lose characters under load).
        var name = Ui.Input(page, "view-name");
        await name.PressSequentiallyAsync("Delivered only");
        await Assertions.Expect(name).ToHaveValueAsync("Delivered only");
        await page.GetByTestId("view-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("view-naming")).ToHaveCountAsync(0);
        // The browser keeps the view once the server's call to store it has arrived; leaving earlier loses it.
        await page.WaitForFunctionAsync("() => JSON.parse(localStorage.getItem('orderly.orders.views') ?? '[]').some(v => v.name === 'Delivered only')");

        await page.GotoAsync("/orders");
        await table.Locator("tbody tr").First.WaitForAsync();
        await Ui.InteractiveAsync(page);
        await Assertions.Expect(table.GetByTestId("row-po")).ToHaveCountAsync(0);
        // The saved views come from the browser's storage once the page is interactive: a menu opened before that
        // (the rows above are prerendered) is opened again.
        var saved = page.GetByTestId("saved-view").Filter(new() { HasText = "Delivered only" });
        for (var attempt = 0; attempt < 10 && !await saved.IsVisibleAsync(); attempt++)
        {
            await page.Keyboard.PressAsync("Escape");
            await page.GetByTestId("saved-views").Locator("button").First.ClickAsync();
            try
            {
                await saved.WaitForAsync(new() { Timeout = 2_000 });
            }
            catch (TimeoutException)
            {
            }
        }

        await saved.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("status=Delivered"));
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("[?&]q=SO-")]
    private static partial Regex QueryHasText();

    [GeneratedRegex(@"of ([\d,]+)")]
    private static partial Regex AllItems();
}
