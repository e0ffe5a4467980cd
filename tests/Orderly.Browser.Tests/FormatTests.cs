using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>Dates, times, money and chart numbers as a Chinese or an English reader expects them.</summary>
[Collection(BrowserTests.Name)]
public sealed partial class FormatTests(OrderlyServer server)
{
    [Fact]
    public async Task ChineseUser_SeesYuanSign_IsoDates_And24HourTimes()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        await page.GotoAsync("/orders");
        var table = page.GetByTestId("orders-table");
        await table.Locator("tbody tr").First.WaitForAsync();
        Assert.Matches(YuanAmount(), (await table.GetByTestId("row-total").First.InnerTextAsync()).Trim());
        Assert.Matches(IsoDate(), (await table.GetByTestId("row-date").First.InnerTextAsync()).Trim());

        await table.Locator("tbody a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("detail-total")).ToHaveTextAsync(YuanAmount());
        await Assertions.Expect(page.GetByTestId("order-date")).ToHaveTextAsync(IsoDate());
        var times = await page.GetByTestId("timeline").Locator(".mud-typography-caption").AllInnerTextsAsync();
        Assert.NotEmpty(times);
        Assert.All(times.Where(t => t.Contains('·', StringComparison.Ordinal)), t => Assert.Matches(IsoDateTime24(), t));
        Assert.DoesNotContain(times, t => t.Contains("上午", StringComparison.Ordinal) || t.Contains("下午", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ChineseUser_TypesAnIsoDate_IntoTheDateFilter_AndItIsAccepted()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        await page.GotoAsync("/orders");
        await page.GetByTestId("orders-table").Locator("tbody tr").First.WaitForAsync();
        var from = Ui.Input(page, "from-date");
        await Ui.ReplaceAsync(from, "2026-11-20");
        await Assertions.Expect(from).ToHaveValueAsync("2026-11-20");
        await Assertions.Expect(page.GetByTestId("from-date").Locator(".mud-input-error")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToHaveCountAsync(0);

        // A date that is not one is refused in Chinese, not with MudBlazor's English "Not a valid date time".
        await Ui.ReplaceAsync(from, "2026-13-45");
        await Assertions.Expect(page.Locator(".mud-input-helper-text.mud-input-error").First).ToContainTextAsync("不是有效的日期");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Not a valid");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ChartAxis_ShowsThousandsSeparators()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        var labels = page.GetByTestId("revenue-chart").Locator("svg text");
        await labels.First.WaitForAsync();
        var texts = await labels.AllTextContentsAsync();
        Assert.Contains(texts, t => GroupedNumber().IsMatch(t.Trim()));
        Assert.DoesNotContain(texts, t => Regex.IsMatch(t.Trim(), @"^\d{4,}$"));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US", @"^\d{1,2}/\d{1,2}/\d{4}$", "11/20/2026")]
    [InlineData("en-GB", @"^\d{2}/\d{2}/\d{4}$", "20/11/2026")]
    public async Task EnglishUser_GetsTheirOwnLocalesDates_AndAnUnambiguousYuan(string locale, string datePattern, string typed)
    {
        var page = await server.LoginAsync("manager@orderly.local", language: locale);
        await page.GotoAsync("/orders");
        var table = page.GetByTestId("orders-table");
        await table.Locator("tbody tr").First.WaitForAsync();
        Assert.Matches(@"^CN¥[\d,]+\.\d{2}$", (await table.GetByTestId("row-total").First.InnerTextAsync()).Trim());
        Assert.All(await table.GetByTestId("row-date").AllInnerTextsAsync(), d => Assert.Matches(datePattern, d.Trim()));

        // 20 November in the locale's own order is a valid date; in the other locale's order it would not be.
        var from = Ui.Input(page, "from-date");
        await Ui.ReplaceAsync(from, typed);
        await Assertions.Expect(from).ToHaveValueAsync(typed);
        await Assertions.Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"^¥[\d,]+\.\d{2}$")]
    private static partial Regex YuanAmount();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} ·")]
    private static partial Regex IsoDateTime24();

    [GeneratedRegex(@"^\d{1,3}(,\d{3})+$")]
    private static partial Regex GroupedNumber();
}
