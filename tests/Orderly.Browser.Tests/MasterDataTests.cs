using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>Customers with their exposure, warehouses, and the admin-only users and roles page.</summary>
[Collection(BrowserTests.Name)]
public sealed partial class MasterDataTests(OrderlyServer server)
{
    [Fact]
    public async Task CustomerDetail_ShowsContacts_CreditLimitAgainstExposure_AndTheirOrders()
    {
        var page = await server.LoginAsync("manager@orderly.local");
        await page.GotoAsync("/customers");
        await Ui.Input(page, "customer-search").FillAsync("C1001");
        await page.GetByTestId("customers-table").GetByTestId("customer-link").First.ClickAsync();

        await Assertions.Expect(page.GetByTestId("customer-name")).ToContainTextAsync("C1001");
        await Assertions.Expect(page.GetByTestId("credit-limit")).ToHaveTextAsync(Money());
        await Assertions.Expect(page.GetByTestId("exposure")).ToHaveTextAsync(Money());
        await Assertions.Expect(page.GetByTestId("credit-share")).ToContainTextAsync("of the credit limit used");
        await Assertions.Expect(page.GetByTestId("contacts").Locator("tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("customer-orders").Locator("tbody a").First).ToBeVisibleAsync();
        await OrderlyServer.ScreenshotAsync(page, "customer-detail");
        await page.Context.CloseAsync();

        // rep2 does not own C1001: its page answers as if it did not exist.
        var url = new Uri(page.Url).PathAndQuery;
        var rep2 = await server.LoginAsync("rep2@orderly.local");
        await rep2.GotoAsync(url);
        await Assertions.Expect(rep2.GetByTestId("not-found")).ToBeVisibleAsync();
        await rep2.Context.CloseAsync();
    }

    [Fact]
    public async Task Warehouse_CreatesAWarehouse_ThatTheListShows()
    {
        var page = await server.LoginAsync("warehouse@orderly.local");
        await page.GotoAsync("/warehouses");
        await Ui.Input(page, "wh-code").FillAsync("CD-01");
        await Ui.Input(page, "wh-name").FillAsync("成都双流仓");
        await Ui.Input(page, "wh-region").FillAsync("West");
        await page.GetByTestId("wh-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("CD-01");
        await Assertions.Expect(page.GetByTestId("warehouses-table")).ToContainTextAsync("成都双流仓");
        await OrderlyServer.ScreenshotAsync(page, "warehouses");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US", "Hex bolt M8x40 grade 8.8 zinc, box of 100", "Beijing Daxing Warehouse")]
    [InlineData("zh-CN", "六角螺栓 M8×40 8.8级镀锌 (100只/盒)", "北京大兴仓")]
    public async Task Names_AreShownInTheReadersLanguage_OneLanguageAtATime(string language, string bolt, string warehouse)
    {
        var page = await server.LoginAsync("manager@orderly.local", language: language);
        await page.GotoAsync("/products");
        await Ui.Input(page, "product-search").FillAsync("FAS-HB-M8-40");
        var row = page.GetByTestId("products-table").Locator("tbody tr").Filter(new() { HasText = "FAS-HB-M8-40" });
        await Assertions.Expect(row.GetByTestId("product-name")).ToHaveTextAsync(bolt);

        await page.GotoAsync("/warehouses");
        var warehouses = page.GetByTestId("warehouses-table");
        await Assertions.Expect(warehouses).ToContainTextAsync(warehouse);
        await Assertions.Expect(warehouses).Not.ToContainTextAsync(" / ");

        // Searching finds a product by either of its names, whatever the reader's language.
        await page.GotoAsync("/products");
        await Ui.Input(page, "product-search").FillAsync(language == "en-US" ? "六角螺栓 M8×40" : "Hex bolt M8x40");
        await Assertions.Expect(page.GetByTestId("products-table").Locator("tbody tr").Filter(new() { HasText = "FAS-HB-M8-40" })).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_CreatesAUser_WhoCanLogIn_AndANonAdminCannotReachTheUsersPage()
    {
        var admin = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        await admin.GotoAsync("/admin/users");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync("Users and roles");
        await Ui.Input(admin, "new-email").FillAsync("viewer.new@orderly.local");
        await Ui.Input(admin, "new-name").FillAsync("新同事 New Colleague");
        await Ui.SelectAsync(admin, "Roles", "Viewer");
        await admin.Keyboard.PressAsync("Escape");
        await admin.GetByTestId("create-user").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("notice")).ToContainTextAsync("viewer.new@orderly.local");
        var password = await admin.GetByTestId("secret").InnerTextAsync();
        await Assertions.Expect(admin.GetByTestId("users-table")).ToContainTextAsync("新同事 New Colleague");
        await OrderlyServer.ScreenshotAsync(admin, "users");
        await admin.Context.CloseAsync();

        var viewer = await server.LoginAsync("viewer.new@orderly.local", password);
        await Assertions.Expect(viewer.Locator("h1")).ToHaveTextAsync("Dashboard");
        await Assertions.Expect(viewer.GetByTestId("nav")).Not.ToContainTextAsync("Users and roles");
        await viewer.GotoAsync("/admin/users");
        await Assertions.Expect(viewer.GetByText("Your roles do not allow this page.")).ToBeVisibleAsync();
        await Assertions.Expect(viewer.GetByTestId("users-table")).ToHaveCountAsync(0);
        await viewer.Context.CloseAsync();

        var manager = await server.LoginAsync("manager@orderly.local");
        await manager.GotoAsync("/admin/users");
        await Assertions.Expect(manager.GetByText("Your roles do not allow this page.")).ToBeVisibleAsync();
        await manager.Context.CloseAsync();
    }

    [GeneratedRegex(@"^CN¥[\d,]+\.\d{2}$")]
    private static partial Regex Money();
}
