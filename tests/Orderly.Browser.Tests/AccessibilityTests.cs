
namespace Orderly.Browser.Tests;

/// <summary>axe-core on the pages of the core: no WCAG 2.2 A/AA violation (the login page: nothing serious).</summary>
[Collection(BrowserTests.Name)]
public sealed class AccessibilityTests(OrderlyServer server)
{
    [Fact]
    public async Task LoginPage_HasNoSeriousViolations()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/login");
        await Axe.AssertNoSeriousAsync(page, "login");
        await page.Context.CloseAsync();
    }

    // #11's bar on every page of the core: WCAG 2.0-2.2 A and AA, in both languages, at 1366 px and on a phone.
    [Theory]
    [InlineData("/", "[data-testid=revenue-chart]", "manager@orderly.local", "en-US")]
    [InlineData("/orders", "[data-testid=orders-table] tbody tr", "manager@orderly.local", "en-US")]
    [InlineData("/orders/new", "[data-testid=new-line]", "clerk@orderly.local", "en-US")]
    [InlineData("/orders/approvals", "[data-testid=approval-table]", "manager@orderly.local", "en-US")]
    [InlineData("/inventory", "[data-testid=stock-table] tbody tr", "manager@orderly.local", "en-US")]
    [InlineData("/customers", "[data-testid=customer-region]", "manager@orderly.local", "en-US")]
    [InlineData("/products", "[data-testid=product-unit]", "manager@orderly.local", "en-US")]
    [InlineData("/inventory/ledger", "[data-testid=ledger-table] tbody tr", "manager@orderly.local", "en-US")]
    [InlineData("/inventory/alerts", "[data-testid=alerts-table]", "manager@orderly.local", "en-US")]
    [InlineData("/inventory/transfers", "[data-testid=send]", "warehouse@orderly.local", "en-US")]
    [InlineData("/inventory/adjustments", "[data-testid=book-adjustment]", "warehouse@orderly.local", "en-US")]
    [InlineData("/inventory/receipts", "[data-testid=receive]", "warehouse@orderly.local", "en-US")]
    [InlineData("/warehouses", "[data-testid=warehouses-table] tbody tr", "warehouse@orderly.local", "en-US")]
    [InlineData("/allocation/reallocation", "[data-testid=moves-table]", "manager@orderly.local", "en-US")]
    [InlineData("/admin/users", "[data-testid=users-table] tbody tr", "admin@orderly.local", "en-US")]
    [InlineData("/integration/imports", "[data-testid=import-kind]", "admin@orderly.local", "en-US")]
    [InlineData("/integration/connectors", "[data-testid=connector-zoho-crm]", "admin@orderly.local", "en-US")]
    [InlineData("/integration/connectors/mappings", "[data-testid=mapping-kingdee]", "admin@orderly.local", "en-US")]
    [InlineData("/", "[data-testid=revenue-chart]", "manager@orderly.local", "zh-CN")]
    [InlineData("/orders", "[data-testid=orders-table] tbody tr", "manager@orderly.local", "zh-CN")]
    [InlineData("/orders/new", "[data-testid=new-line]", "clerk@orderly.local", "zh-CN")]
    [InlineData("/orders/approvals", "[data-testid=approval-table]", "manager@orderly.local", "zh-CN")]
    [InlineData("/inventory", "[data-testid=stock-table] tbody tr", "manager@orderly.local", "zh-CN")]
    [InlineData("/customers", "[data-testid=customer-region]", "manager@orderly.local", "zh-CN")]
    [InlineData("/products", "[data-testid=product-unit]", "manager@orderly.local", "zh-CN")]
    [InlineData("/inventory/ledger", "[data-testid=ledger-table] tbody tr", "manager@orderly.local", "zh-CN")]
    [InlineData("/inventory/alerts", "[data-testid=alerts-table]", "manager@orderly.local", "zh-CN")]
    [InlineData("/inventory/transfers", "[data-testid=send]", "warehouse@orderly.local", "zh-CN")]
    [InlineData("/inventory/adjustments", "[data-testid=book-adjustment]", "warehouse@orderly.local", "zh-CN")]
    [InlineData("/inventory/receipts", "[data-testid=receive]", "warehouse@orderly.local", "zh-CN")]
    [InlineData("/warehouses", "[data-testid=warehouses-table] tbody tr", "warehouse@orderly.local", "zh-CN")]
    [InlineData("/allocation/reallocation", "[data-testid=moves-table]", "manager@orderly.local", "zh-CN")]
    [InlineData("/admin/users", "[data-testid=users-table] tbody tr", "admin@orderly.local", "zh-CN")]
    [InlineData("/integration/imports", "[data-testid=import-kind]", "admin@orderly.local", "zh-CN")]
    [InlineData("/integration/connectors", "[data-testid=connector-zoho-crm]", "admin@orderly.local", "zh-CN")]
    [InlineData("/communication/unmatched", "[data-testid=unmatched-empty], [data-testid=unmatched-table]", "manager@orderly.local", "zh-CN")]
    [InlineData("/integration/connectors/mappings", "[data-testid=mapping-kingdee]", "admin@orderly.local", "zh-CN")]
    public async Task Pages_HaveNoWcag22AaViolations_InBothLanguages_OnDesktopAndPhone(string path, string ready, string user, string language)
    {
        var page = await server.LoginAsync(user, user.StartsWith("admin", StringComparison.Ordinal) ? OrderlyServer.AdminPassword : null, language);
        await page.GotoAsync(path);
        await page.Locator(ready).First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Axe.AssertWcag22AaAsync(page, $"{path} ({language})");
        await page.SetViewportSizeAsync(390, 844);
        await page.WaitForTimeoutAsync(300);
        await Axe.AssertWcag22AaAsync(page, $"{path} ({language}) at 390 px");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CustomerDetail_HasNoSeriousViolations()
    {
        var page = await server.LoginAsync("manager@orderly.local");
        await page.GotoAsync("/customers");
        await page.GetByTestId("customer-link").First.ClickAsync();
        await page.GetByTestId("customer-orders").Locator("tbody tr").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Axe.AssertWcag22AaAsync(page, "customer detail");
        await page.Context.CloseAsync();
    }
}
