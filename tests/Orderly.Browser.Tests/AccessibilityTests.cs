
namespace Orderly.Browser.Tests;

/// <summary>axe-core on the main pages: no serious or critical violation.</summary>
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

    [Theory]
    [InlineData("/", "h1")]
    [InlineData("/orders", "[data-testid=orders-table] tbody tr")]
    [InlineData("/orders/new", "[data-testid=new-line]")]
    [InlineData("/orders/approvals", "[data-testid=approval-table]")]
    [InlineData("/inventory", "h1")]
    [InlineData("/customers", "h1")]
    [InlineData("/products", "h1")]
    public async Task MainPages_HaveNoSeriousViolations(string path, string ready)
    {
        var page = await server.LoginAsync("manager@orderly.local");
        await page.GotoAsync(path);
        await page.Locator(ready).First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Axe.AssertNoSeriousAsync(page, path);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/inventory/ledger", "[data-testid=ledger-table] tbody tr", "manager@orderly.local")]
    [InlineData("/inventory/alerts", "[data-testid=alerts-table]", "manager@orderly.local")]
    [InlineData("/inventory/transfers", "[data-testid=send]", "warehouse@orderly.local")]
    [InlineData("/inventory/adjustments", "[data-testid=book-adjustment]", "warehouse@orderly.local")]
    [InlineData("/warehouses", "[data-testid=warehouses-table] tbody tr", "warehouse@orderly.local")]
    [InlineData("/allocation/reallocation", "[data-testid=moves-table]", "manager@orderly.local")]
    [InlineData("/admin/users", "[data-testid=users-table] tbody tr", "admin@orderly.local")]
    public async Task NewPages_HaveNoSeriousViolations(string path, string ready, string user)
    {
        var page = await server.LoginAsync(user, user.StartsWith("admin", StringComparison.Ordinal) ? OrderlyServer.AdminPassword : null);
        await page.GotoAsync(path);
        await page.Locator(ready).First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Axe.AssertNoSeriousAsync(page, path);
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
        await Axe.AssertNoSeriousAsync(page, "customer detail");
        await page.Context.CloseAsync();
    }
}
