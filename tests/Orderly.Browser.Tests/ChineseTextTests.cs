using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>The Chinese UI shows no English words and no raw codes where people read values.</summary>
[Collection(BrowserTests.Name)]
public sealed partial class ChineseTextTests(OrderlyServer server)
{
    private static readonly string[] Units = ["pcs", "box", "kg", "pack", "pair", "roll", "set"];
    private static readonly string[] Regions = ["North", "South", "East", "West", "Central"];

    [Fact]
    public async Task ApprovalQueue_NamesTheReasons_InChinese_AndThePagerIsChinese()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        await page.GotoAsync("/orders/approvals");
        var reasons = page.GetByTestId("approval-table").GetByTestId("approval-reasons");
        await reasons.First.WaitForAsync();
        var texts = await reasons.AllInnerTextsAsync();
        Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t)));
        Assert.All(texts, t => Assert.DoesNotMatch(Latin(), t));
        await Assertions.Expect(page.Locator(".mud-table-pagination-caption").Filter(new() { HasTextRegex = new Regex(@"\d") }).First).ToContainTextAsync("共");
        await Assertions.Expect(page.Locator(".mud-table-pagination-caption").Filter(new() { HasTextRegex = new Regex(@"\d") }).First).Not.ToContainTextAsync(" of ");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OrderDetail_ShowsUnitsAllocationAndHistoryReasons_InChinese()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        await page.GotoAsync("/orders?status=Confirmed");
        await page.GetByTestId("orders-table").Locator("tbody a").First.ClickAsync();
        var lines = page.GetByTestId("detail-lines");
        await lines.Locator("tbody tr").First.WaitForAsync();
        var units = await lines.GetByTestId("line-unit").AllInnerTextsAsync();
        Assert.NotEmpty(units);
        Assert.All(units, u => Assert.DoesNotContain(u.Trim(), Units));
        var notes = await lines.GetByTestId("allocation-note").AllInnerTextsAsync();
        Assert.NotEmpty(notes);
        Assert.All(notes, n => Assert.DoesNotContain(" from ", n, StringComparison.Ordinal));
        Assert.All(notes, n => Assert.DoesNotContain("backordered", n, StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("timeline")).Not.ToContainTextAsync("NeedsApproval");
        await Assertions.Expect(page.GetByTestId("timeline")).Not.ToContainTextAsync("AboveThreshold");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CustomerList_ShowsRegions_InChinese()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        await page.GotoAsync("/customers");
        var regions = page.GetByTestId("customer-region");
        await regions.First.WaitForAsync();
        var texts = await regions.AllInnerTextsAsync();
        Assert.All(texts, r => Assert.DoesNotContain(r.Trim(), Regions));
        Assert.Contains(texts, r => r.Trim() is "华北" or "华东" or "华南" or "华中" or "西部");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ReconnectBox_SpeaksChinese()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        var modal = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(modal).ToHaveCountAsync(1);
        var text = await modal.TextContentAsync() ?? "";
        Assert.Contains("正在重新连接", text, StringComparison.Ordinal);
        Assert.Contains("重试", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Rejoin", text, StringComparison.Ordinal);
        await Assertions.Expect(modal).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LoginPage_LanguageSwitch_KeepsTheWayBack()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/orders/new");
        Assert.Contains("returnUrl=%2Forders%2Fnew", page.Url, StringComparison.OrdinalIgnoreCase);
        await page.GetByTestId("login-lang-zh").ClickAsync();
        await Assertions.Expect(page.GetByLabel("电子邮箱")).ToBeVisibleAsync();
        Assert.Contains("returnUrl=%2Forders%2Fnew", page.Url, StringComparison.OrdinalIgnoreCase);
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex Latin();
}
