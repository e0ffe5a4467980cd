using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>The analysis pages on the demo data: real figures in both languages, filters in the URL, drill-down, WCAG 2.2 AA.</summary>
[Collection(BrowserTests.Name)]
public sealed partial class AnalyticsPagesTests(OrderlyServer server)
{
    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task AnalysisPages_ShowRealFigures_AndMeetWcag22Aa_OnDesktopAndPhone(string language)
    {
        var page = await server.LoginAsync("manager@orderly.local", language: language);
        var zh = language.StartsWith("zh", StringComparison.Ordinal);
        foreach (var (path, ready, text) in new[]
        {
            ("/analytics/orders?by=customer&groupBy=week", "[data-testid=orders-items] tbody tr", zh ? "客户" : "Customer"),
            ("/analytics/bottlenecks", "[data-testid=stage-table] tbody tr", zh ? "录入" : "Entry"),
            ("/analytics/customers", "[data-testid=rfm-items] tbody tr", zh ? "分群" : "Segment"),
            ("/analytics/demand", "[data-testid=accuracy-table] tbody tr", "WAPE"),
        })
        {
            await page.SetViewportSizeAsync(1366, 900);
            await page.GotoAsync(path);
            await Ui.InteractiveAsync(page);
            await page.Locator(ready).First.WaitForAsync();
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync(text);
            await Axe.AssertWcag22AaAsync(page, $"{path} ({language}, 1366px)");
            await page.SetViewportSizeAsync(390, 844);
            await Axe.AssertWcag22AaAsync(page, $"{path} ({language}, 390x844)");
        }

        // Real figures: the demo's orders add up to a positive value, customers fall into segments, the backtest scored series.
        await page.SetViewportSizeAsync(1366, 900);
        await page.GotoAsync("/analytics/orders?by=customer");
        await Ui.InteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("orders-value")).ToHaveTextAsync(new Regex(@"[1-9]"));
        await Assertions.Expect(page.GetByTestId("orders-items").Locator("tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync(new Regex(@"[1-9]"));
        await page.GotoAsync("/analytics/customers");
        await Ui.InteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("rfm-segments").Locator("tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync(new Regex(@"^[1-9]\d*$"));
        await page.GotoAsync("/analytics/demand");
        await Ui.InteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("accuracy-table").Locator("tbody tr").First.Locator("td").Nth(2)).ToHaveTextAsync(new Regex(@"^[1-9]\d*$"));
        await Assertions.Expect(page.GetByTestId("export-accuracy").Locator("a").First).ToHaveAttributeAsync("href", "/api/forecasts/accuracy/export?format=xlsx");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OrdersAnalysis_FiltersLandInTheUrl_SurviveAReload_AndTheDrillDownOpensTheOrderList()
    {
        // The admin: a manager's analyses are company-wide but their order list shows their team's customers only.
        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        await page.GotoAsync("/analytics/orders");
        await Ui.InteractiveAsync(page);
        await Ui.SelectAsync(page, "By", "Customer");
        await Ui.SelectAsync(page, "Group by", "Week");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"by=customer"));
        Assert.Contains("groupBy=week", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("orders-items").Locator("thead")).ToContainTextAsync("Customer");
        await Assertions.Expect(page.GetByTestId("export-orders").Locator("a").First).ToHaveAttributeAsync("href", new Regex(@"^/api/analytics/orders/export\?format=xlsx&.*by=customer"));

        await page.ReloadAsync();
        await Ui.InteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("orders-items").Locator("thead")).ToContainTextAsync("Customer");
        Assert.Contains("by=customer", page.Url, StringComparison.Ordinal);
        var first = page.GetByTestId("orders-items").Locator("tbody tr").First;
        var customer = (await first.Locator("td").First.InnerTextAsync()).Split(' ')[0];

        await first.GetByTestId("drill-down").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/orders\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&customer="));
        await Ui.InteractiveAsync(page);
        var rows = page.GetByTestId("orders-table").Locator("tbody tr");
        await Assertions.Expect(rows.First).ToContainTextAsync(customer);
        await page.Context.CloseAsync();
    }
}
