namespace Orderly.Browser.Tests;

/// <summary>What the order page shows after entry: shipments, readable lines, why an order waits.</summary>
[Collection(BrowserTests.Name)]
public sealed class OrderDetailTests(OrderlyServer server)
{
    private const string Sku = "FAS-HB-M8-25";

    [Fact]
    public async Task Shipments_AreListedWithLinesCarrierAndTracking_AndTheShipFormGoesOnceAllIsShipped()
    {
        var orderUrl = (await Ui.EnterOrderAsync(server, "20", discount: null)).Url;
        var warehouse = await server.LoginAsync("warehouse@orderly.local");
        await warehouse.GotoAsync(orderUrl);
        await Assertions.Expect(warehouse.GetByTestId("no-shipments")).ToBeVisibleAsync();

        await Ui.ReplaceAsync(Ui.Input(warehouse, "ship-1"), "5");
        await Ui.Input(warehouse, "carrier").FillAsync("顺丰速运");
        await Ui.Input(warehouse, "tracking").FillAsync("SF1000000000001");
        await warehouse.GetByTestId("action-Ship").ClickAsync();
        await Assertions.Expect(warehouse.GetByTestId("order-status")).ToHaveTextAsync("Partially shipped");
        var shipments = warehouse.GetByTestId("shipments").GetByTestId("shipment");
        await Assertions.Expect(shipments).ToHaveCountAsync(1);
        // A listed carrier shows by its name in the reader's language, whatever name or code was typed.
        await Assertions.Expect(shipments.First).ToContainTextAsync("SF Express");
        await Assertions.Expect(shipments.First).ToContainTextAsync("SF1000000000001");
        await Assertions.Expect(shipments.First).ToContainTextAsync($"1. {Sku} × 5");
        await Assertions.Expect(shipments.First).ToContainTextAsync(DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await Assertions.Expect(Ui.Input(warehouse, "ship-1")).ToHaveValueAsync("15");
        await Ui.Input(warehouse, "carrier").FillAsync("中通快递");
        await Ui.Input(warehouse, "tracking").FillAsync("ZT2000000002");
        await warehouse.GetByTestId("action-Ship").ClickAsync();
        await Assertions.Expect(warehouse.GetByTestId("order-status")).ToHaveTextAsync("Shipped");
        await Assertions.Expect(shipments).ToHaveCountAsync(2);
        await Assertions.Expect(shipments.Nth(1)).ToContainTextAsync("ZT2000000002");
        await Assertions.Expect(shipments.Nth(1)).ToContainTextAsync($"1. {Sku} × 15");
        await Assertions.Expect(warehouse.GetByTestId("ship-lines")).ToHaveCountAsync(0);
        await Assertions.Expect(warehouse.GetByTestId("action-Ship")).ToHaveCountAsync(0);
        await Assertions.Expect(warehouse.GetByTestId("carrier")).ToHaveCountAsync(0);
        await OrderlyServer.ScreenshotAsync(warehouse, "order-shipments");

        // Seen again later, by someone else.
        await warehouse.Context.CloseAsync();
        var manager = await server.LoginAsync("manager@orderly.local");
        await manager.GotoAsync(orderUrl);
        await Assertions.Expect(manager.GetByTestId("shipments").GetByTestId("shipment")).ToHaveCountAsync(2);
        await manager.Context.CloseAsync();
    }

    [Fact]
    public async Task OrderLines_AreReadable_At1366Pixels()
    {
        var page = await server.LoginAsync("manager@orderly.local", language: "zh-CN");
        await page.GotoAsync("/orders?status=Confirmed");
        await page.GetByTestId("orders-table").Locator("tbody a").First.ClickAsync();
        var table = page.GetByTestId("detail-lines");
        await table.Locator("tbody tr").First.WaitForAsync();

        var product = await table.Locator("th.product-col").BoundingBoxAsync();
        Assert.True(product!.Width >= 180, $"product column is {product.Width}px wide");
        foreach (var sku in await table.GetByTestId("line-sku").AllAsync())
        {
            Assert.Equal(1, await sku.EvaluateAsync<int>("e => e.getClientRects().length"));
            var box = await sku.BoundingBoxAsync();
            Assert.True(box!.Height < 30, $"SKU {await sku.InnerTextAsync()} wraps ({box.Height}px high)");
        }

        // Nothing cut off: the table fits its card and the last column ends inside the window.
        var fits = await table.EvaluateAsync<bool>("e => { const c = e.querySelector('.mud-table-container') || e; return c.scrollWidth <= c.clientWidth + 1; }");
        Assert.True(fits, "the lines table is wider than its card");
        var total = await table.GetByTestId("line-total").First.BoundingBoxAsync();
        Assert.True(total!.X + total.Width <= 1366, "the line total is cut off");
        await OrderlyServer.ScreenshotAsync(page, "order-detail-1366");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ApprovalQueue_SaysWhyAnOrderWaits_AndTheReasonsGoOnceApproved()
    {
        var orderUrl = (await Ui.EnterOrderAsync(server, "20", discount: "11")).Url;
        var manager = await server.LoginAsync("manager@orderly.local");
        await manager.GotoAsync(orderUrl);
        var number = (await manager.GetByTestId("order-number").InnerTextAsync()).Split(' ')[^1];
        await Assertions.Expect(manager.GetByTestId("approval-reasons")).ToContainTextAsync("a discount above the limit");

        await manager.GotoAsync("/orders/approvals");
        await manager.GetByTestId("approval-table").Locator("tbody tr a").First.WaitForAsync();
        await manager.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var row = manager.GetByTestId("approval-table").Locator("tbody tr").Filter(new() { HasText = number });
        // Oldest first: the new order may sit on a later page.
        while (await row.CountAsync() == 0)
        {
            var next = manager.Locator("button[aria-label='Next page']");
            Assert.True(await next.IsEnabledAsync(), $"{number} is not in the approval queue");
            var first = await manager.GetByTestId("approval-table").Locator("tbody tr a").First.InnerTextAsync();
            await next.ClickAsync();
            await Assertions.Expect(manager.GetByTestId("approval-table").Locator("tbody tr a").First).Not.ToHaveTextAsync(first);
        }

        await Assertions.Expect(row.GetByTestId("approval-reasons")).ToHaveTextAsync("a discount above the limit");

        await manager.GotoAsync(orderUrl);
        await manager.GetByTestId("action-Approve").ClickAsync();
        await Assertions.Expect(manager.GetByTestId("order-status")).ToHaveTextAsync("Confirmed");
        await Assertions.Expect(manager.GetByTestId("approval-reasons")).ToHaveCountAsync(0);
        await Assertions.Expect(manager.GetByTestId("entry-warning")).ToHaveCountAsync(0);
        await Assertions.Expect(manager.GetByTestId("timeline")).ToContainTextAsync("a discount above the limit");
        await manager.Context.CloseAsync();
    }
}
