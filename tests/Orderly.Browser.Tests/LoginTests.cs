namespace Orderly.Browser.Tests;

[Collection(BrowserTests.Name)]
public sealed class LoginTests(OrderlyServer server)
{
    [Fact]
    public async Task AnonymousVisitor_IsSentToTheLoginPage_WhichRenders()
    {
        var page = await server.NewPageAsync();
        var response = await page.GotoAsync("/orders");
        Assert.Equal(200, response!.Status);
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByLabel("E-mail")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
        await OrderlyServer.ScreenshotAsync(page, "login");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task WrongPassword_IsRefused_WithAMessage()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("E-mail").FillAsync("clerk@orderly.local");
        await page.Locator("#password").FillAsync("not-the-password");
        await page.Locator("form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("wrong");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Clerk_LogsIn_AndSeesTheDashboard_ThenLogsOut()
    {
        var page = await server.LoginAsync("clerk@orderly.local");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
        await Assertions.Expect(page.GetByTestId("kpi-today-orders")).ToBeVisibleAsync();
        await OrderlyServer.ScreenshotAsync(page, "home");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
