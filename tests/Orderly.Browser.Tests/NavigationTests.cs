using System.Globalization;
using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

[Collection(BrowserTests.Name)]
public sealed partial class NavigationTests(OrderlyServer server)
{
    [Fact]
    public async Task UnknownAddress_ShowsPageNotFound_WithA404_EvenToAnAdministrator()
    {
        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var response = await page.GotoAsync("/no-such-page/at-all");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByTestId("page-not-found")).ToHaveTextAsync("Page not found");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Your roles do not allow this page.");
        await page.Context.CloseAsync();

        var chinese = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        await chinese.GotoAsync("/ordres");
        await Assertions.Expect(chinese.GetByTestId("page-not-found")).ToHaveTextAsync("页面不存在");
        await Assertions.Expect(chinese.Locator("body")).Not.ToContainTextAsync("您的角色无权访问此页面");
        await chinese.Context.CloseAsync();
    }

    [Fact]
    public async Task UnknownAddress_AskAnonymousVisitorsToLogIn()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/no-such-page");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Dashboard_AlertCount_IsTheAlertBoardsCount()
    {
        await Ui.EnsureStockAlertsAsync(server);
        var page = await server.LoginAsync("manager@orderly.local");
        var kpi = page.GetByTestId("kpi-open-alerts");
        await kpi.WaitForAsync();
        var count = int.Parse((await kpi.InnerTextAsync()).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        // More than one page of the board, which once counted only the 500 rows it had loaded.
        Assert.True(count > 25, $"only {count} open alerts");

        await page.GotoAsync("/inventory/alerts");
        await Assertions.Expect(page.GetByTestId("alerts-all")).ToContainTextAsync($"({count.ToString("N0", CultureInfo.InvariantCulture)})");
        await Assertions.Expect(page.Locator(".mud-table-pagination-caption").Filter(new() { HasTextRegex = new Regex(@"\d") }).First).ToContainTextAsync($"of {count}");
        var kinds = await page.Locator("button[data-testid^='alerts-']:not([data-testid='alerts-all'])").AllInnerTextsAsync();
        Assert.NotEmpty(kinds);
        Assert.Equal(count, kinds.Sum(k => int.Parse(Count().Match(k).Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)));
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"\(([\d,]+)\)")]
    private static partial Regex Count();
}
