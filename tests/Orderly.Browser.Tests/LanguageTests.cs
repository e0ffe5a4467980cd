namespace Orderly.Browser.Tests;

[Collection(BrowserTests.Name)]
public sealed class LanguageTests(OrderlyServer server)
{
    [Fact]
    public async Task SwitchingToChinese_ShowsChineseLabels_AndIsRemembered()
    {
        var page = await server.LoginAsync("clerk@orderly.local");
        await page.GetByTestId("lang-zh").ClickAsync();
        // The switch reloads the page in the new language: on a cold server (this class run alone) that takes more
        // than Playwright's default 5 s.
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN", new() { Timeout = 45_000 });
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("工作台");
        await Assertions.Expect(page.GetByTestId("nav")).ToContainTextAsync("销售订单");

        await page.GotoAsync("/orders?status=Draft");
        await Assertions.Expect(page.GetByTestId("orders-table").Locator("[data-status=Draft]").First).ToHaveTextAsync("草稿");
        await OrderlyServer.ScreenshotAsync(page, "orders-zh");

        await page.GotoAsync("/orders/new");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("新建销售订单");
        await Assertions.Expect(page.GetByText("订单行").First).ToBeVisibleAsync();

        await page.GetByTestId("lang-en").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("New sales order");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LanguageChoice_IsRememberedWithTheUser_AcrossLogoutAndAnotherBrowser()
    {
        // finance@ is used by no other browser test, so its remembered language disturbs none.
        var page = await server.LoginAsync("finance@orderly.local");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
        await page.GetByTestId("lang-zh").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("工作台", new() { Timeout = 45_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "退出登录" }).ClickAsync();
        await page.Locator("#password").WaitForAsync();
        await page.Context.CloseAsync();

        // A fresh browser with English as its language: no cookie, yet the user's choice comes back at login.
        var again = await server.LoginAsync("finance@orderly.local");
        await Assertions.Expect(again.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN", new() { Timeout = 45_000 });
        await Assertions.Expect(again.Locator("h1")).ToHaveTextAsync("工作台");
        await again.GetByTestId("lang-en").ClickAsync();
        await Assertions.Expect(again.Locator("h1")).ToHaveTextAsync("Dashboard");
        await again.Context.CloseAsync();

        var third = await server.LoginAsync("finance@orderly.local", language: "zh-CN");
        await Assertions.Expect(third.Locator("h1")).ToHaveTextAsync("Dashboard");
        await third.Context.CloseAsync();
    }

    [Fact]
    public async Task ChineseBrowser_GetsChinese_ByDefault()
    {
        var page = await server.NewPageAsync("zh-CN");
        await page.GotoAsync("/login");
        await Assertions.Expect(page.GetByLabel("电子邮箱")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "登录" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
