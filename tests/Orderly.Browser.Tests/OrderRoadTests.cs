using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>The road an order takes through the UI: entered by a clerk, approved by a manager, shipped and delivered.</summary>
[Collection(BrowserTests.Name)]
public sealed partial class OrderRoadTests(OrderlyServer server)
{
    // C1001 belongs to rep1, whose manager is manager@; the clerk entered the order, so the manager may approve it.
    private const string Customer = "C1001";
    private const string Sku = "FAS-HB-M8-25";

    [Fact]
    public async Task Clerk_EntersAnOrder_SeesAWarning_CorrectsIt_Submits_ThenManagerApproves_AndWarehouseShipsAndDelivers()
    {
        var clerk = await server.LoginAsync("clerk@orderly.local");
        await clerk.GotoAsync("/orders/new");
        await Assertions.Expect(clerk.Locator("h1")).ToHaveTextAsync("New sales order");
        await Ui.PickAsync(clerk, "customer", Customer, Customer);

        // Product search by its Chinese name; Enter in the quantity adds the line.
        await Ui.PickAsync(clerk, "product", "六角螺栓 M8×25", Sku);
        var quantity = Ui.Input(clerk, "new-quantity");
        await Ui.ReplaceAsync(quantity, "900000");
        await quantity.PressAsync("Enter");
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync(Sku);

        var stockShort = clerk.Locator("[data-testid=entry-checks] [data-code=StockShort]");
        await Assertions.Expect(stockShort).ToBeVisibleAsync();
        await OrderlyServer.ScreenshotAsync(clerk, "order-entry-warning");

        await Ui.ReplaceAsync(Ui.Input(clerk, "quantity-0"), "20");
        await Assertions.Expect(stockShort).ToHaveCountAsync(0);
        // A discount above 10% needs a manager; the price is raised first so the net price stays above any minimum price.
        await Ui.ReplaceAsync(Ui.Input(clerk, "price-0"), "43.80");
        await Ui.ReplaceAsync(Ui.Input(clerk, "discount-0"), "11");
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync("Needs approval");
        await Assertions.Expect(clerk.GetByTestId("submit")).ToBeEnabledAsync();
        await OrderlyServer.ScreenshotAsync(clerk, "order-entry");
        await clerk.GetByTestId("submit").ClickAsync();

        await clerk.WaitForURLAsync(OrderUrl());
        var orderUrl = new Uri(clerk.Url).PathAndQuery;
        await Assertions.Expect(clerk.GetByTestId("order-status")).ToHaveTextAsync("Pending approval");
        // The clerk may not approve; no approve button is offered.
        await Assertions.Expect(clerk.GetByTestId("action-Approve")).ToHaveCountAsync(0);
        await clerk.Context.CloseAsync();

        var manager = await server.LoginAsync("manager@orderly.local");
        await manager.GotoAsync("/orders/approvals");
        await Assertions.Expect(manager.GetByTestId("approval-table")).ToBeVisibleAsync();
        await manager.GotoAsync(orderUrl);
        await manager.GetByTestId("action-Approve").ClickAsync();
        await Assertions.Expect(manager.GetByTestId("order-status")).ToHaveTextAsync("Confirmed");
        await Assertions.Expect(manager.GetByTestId("timeline")).ToContainTextAsync("Confirmed");
        await manager.Context.CloseAsync();

        var warehouse = await server.LoginAsync("warehouse@orderly.local");
        await warehouse.GotoAsync(orderUrl);
        await warehouse.GetByTestId("action-Ship").ClickAsync();
        await Assertions.Expect(warehouse.GetByTestId("order-status")).ToHaveTextAsync("Shipped");
        await warehouse.GetByTestId("action-Deliver").ClickAsync();
        await Assertions.Expect(warehouse.GetByTestId("order-status")).ToHaveTextAsync("Delivered");
        await OrderlyServer.ScreenshotAsync(warehouse, "order-detail");
        await warehouse.Context.CloseAsync();
    }

    [Fact]
    public async Task SalesRep_CannotReachAnotherRepsOrder()
    {
        var rep1 = await server.LoginAsync("rep1@orderly.local");
        await rep1.GotoAsync("/orders");
        await Ui.Input(rep1, "order-search").FillAsync(Customer);
        // The search applies after its debounce and rewrites the URL; a row clicked before that would be the
        // unfiltered list's, replaced under the pointer.
        await Assertions.Expect(rep1).ToHaveURLAsync(new Regex("q=" + Customer));
        var first = rep1.GetByTestId("orders-table").Locator("tbody a").First;
        await Assertions.Expect(first).ToBeVisibleAsync();
        await first.ClickAsync();
        await rep1.WaitForURLAsync(OrderUrl());
        var url = new Uri(rep1.Url).PathAndQuery;
        await Assertions.Expect(rep1.GetByTestId("order-number")).ToBeVisibleAsync();
        await rep1.Context.CloseAsync();

        var rep2 = await server.LoginAsync("rep2@orderly.local");
        await rep2.GotoAsync(url);
        await Assertions.Expect(rep2.GetByTestId("not-found")).ToBeVisibleAsync();
        await Assertions.Expect(rep2.GetByTestId("order-number")).ToHaveCountAsync(0);
        await rep2.GotoAsync("/orders");
        await Ui.Input(rep2, "order-search").FillAsync(Customer);
        await Assertions.Expect(rep2.GetByTestId("orders-table")).ToContainTextAsync("No sales orders match");
        await rep2.Context.CloseAsync();
    }

    [Fact]
    public async Task Clerk_SavesADraft_EditsItsLines_AndSubmitsIt()
    {
        var clerk = await server.LoginAsync("clerk@orderly.local");
        await EnterAsync(clerk, "10", submit: false);
        await Assertions.Expect(clerk.GetByTestId("order-status")).ToHaveTextAsync("Draft");
        var orderUrl = new Uri(clerk.Url).PathAndQuery;

        await clerk.GetByTestId("action-Edit").ClickAsync();
        await Assertions.Expect(clerk.GetByTestId("entry-title")).ToContainTextAsync("Edit draft SO-");
        await Assertions.Expect(Ui.Input(clerk, "quantity-0")).ToHaveValueAsync("10");
        await Ui.ReplaceAsync(Ui.Input(clerk, "quantity-0"), "12");
        await Assertions.Expect(clerk.GetByTestId("checks-ok").Or(clerk.GetByTestId("warning")).First).ToBeVisibleAsync();
        await Assertions.Expect(clerk.GetByTestId("submit")).ToBeEnabledAsync();
        await clerk.GetByTestId("submit").ClickAsync();

        await clerk.WaitForURLAsync(OrderUrl());
        Assert.Equal(orderUrl, new Uri(clerk.Url).PathAndQuery);
        await Assertions.Expect(clerk.GetByTestId("order-status")).ToHaveTextAsync("Confirmed");
        await Assertions.Expect(clerk.GetByTestId("detail-lines").Locator("tbody tr").First.Locator("td").Nth(2)).ToContainTextAsync("12");
        await Assertions.Expect(clerk.GetByTestId("action-Edit")).ToHaveCountAsync(0);
        await clerk.Context.CloseAsync();
    }

    [Fact]
    public async Task Warehouse_ShipsPartOfALine_AndTheOrderIsPartiallyShipped()
    {
        var clerk = await server.LoginAsync("clerk@orderly.local");
        await EnterAsync(clerk, "20", submit: true);
        await Assertions.Expect(clerk.GetByTestId("order-status")).ToHaveTextAsync("Confirmed");
        var orderUrl = new Uri(clerk.Url).PathAndQuery;
        await clerk.Context.CloseAsync();

        var warehouse = await server.LoginAsync("warehouse@orderly.local");
        await warehouse.GotoAsync(orderUrl);
        var ship = Ui.Input(warehouse, "ship-1");
        await Assertions.Expect(ship).ToHaveValueAsync("20");
        await Ui.ReplaceAsync(ship, "5");
        await warehouse.GetByTestId("action-Ship").ClickAsync();
        await Assertions.Expect(warehouse.GetByTestId("order-status")).ToHaveTextAsync("Partially shipped");
        var line = warehouse.GetByTestId("detail-lines").Locator("tbody tr").First;
        await Assertions.Expect(line.Locator("td").Nth(5)).ToHaveTextAsync("5");
        await Assertions.Expect(line.Locator("td").Nth(3)).ToHaveTextAsync("15");
        await Assertions.Expect(Ui.Input(warehouse, "ship-1")).ToHaveValueAsync("15");
        await OrderlyServer.ScreenshotAsync(warehouse, "order-partial-shipment");
        await warehouse.Context.CloseAsync();
    }

    /// <summary>Enters one line of <see cref="Sku"/> for <see cref="Customer"/> at list price and saves or submits it.</summary>
    private static async Task EnterAsync(IPage clerk, string quantity, bool submit)
    {
        await clerk.GotoAsync("/orders/new");
        await Ui.PickAsync(clerk, "customer", Customer, Customer);
        await Ui.PickAsync(clerk, "product", Sku, Sku);
        var field = Ui.Input(clerk, "new-quantity");
        await Ui.ReplaceAsync(field, quantity);
        await field.PressAsync("Enter");
        await Assertions.Expect(clerk.GetByTestId("lines")).ToContainTextAsync(Sku);
        var button = clerk.GetByTestId(submit ? "submit" : "save-draft");
        await Assertions.Expect(button).ToBeEnabledAsync();
        await button.ClickAsync();
        await clerk.WaitForURLAsync(OrderUrl());
    }

    [GeneratedRegex("/orders/[0-9a-f-]{36}$")]
    private static partial Regex OrderUrl();
}
