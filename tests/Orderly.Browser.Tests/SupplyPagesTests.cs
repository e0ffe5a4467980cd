using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Orderly.Browser.Tests;

/// <summary>
/// The supply pages as people use them: a purchaser turns a reorder suggestion into a purchase order, the supplier
/// confirms it with a date in the portal, the purchaser receives it; tracking events pushed by Kuaidi100 show on the
/// order page and the customer's status page; axe-core finds no serious violation on any new page, in Chinese and
/// English, at 1366 and 390 pixels.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class SupplyPagesTests(OrderlyServer server)
{
    private const string Password = "Supply-Browser-2026";

    private static readonly string[] PurchasingRole = ["Purchasing"];
    private static readonly string[] SupplierRole = ["Supplier"];
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static Setup? _setup;

    [Fact]
    public async Task Purchaser_CreatesAPoFromASuggestion_SupplierConfirmsWithADate_PurchaserReceivesIt()
    {
        var setup = await SetupAsync();

        // The purchaser picks the suggestion for the product and creates the purchase order.
        var purchaser = await server.LoginAsync(setup.PurchaserEmail, Password);
        await purchaser.GotoAsync("/purchase-orders");
        await purchaser.GetByTestId("from-suggestions").ClickAsync();
        var row = purchaser.GetByTestId("suggestion").Filter(new() { HasText = setup.Sku });
        await row.GetByText(setup.Sku).ClickAsync();
        await purchaser.GetByTestId("create-pos").ClickAsync();
        var created = purchaser.GetByTestId("created-po");
        await Assertions.Expect(created).ToHaveCountAsync(1);
        await created.ClickAsync();
        await Assertions.Expect(purchaser.GetByTestId("po-status")).ToHaveTextAsync("Draft");
        // Suggested 40 (reorder point 50, 10 available), rounded up to the MOQ 48 in packs of 12, at the tier price 25.00.
        await Assertions.Expect(purchaser.GetByTestId("po-line")).ToContainTextAsync("48");
        await Assertions.Expect(purchaser.GetByTestId("po-total")).ToContainTextAsync("1,200.00");
        var poUrl = purchaser.Url;
        var poNumber = (await purchaser.GetByTestId("po-number").InnerTextAsync()).Split(' ')[^1];
        await purchaser.GetByTestId("po-action-Approve").ClickAsync();
        await Assertions.Expect(purchaser.GetByTestId("po-status")).ToHaveTextAsync("Approved");
        await purchaser.GetByTestId("po-action-Send").ClickAsync();
        await Assertions.Expect(purchaser.GetByTestId("po-status")).ToHaveTextAsync("Sent");

        // The supplier, in Chinese, finds it in the portal and confirms 48 for a date two weeks ahead.
        var supplier = await PortalLoginAsync(setup.SupplierEmail, "zh-CN");
        await supplier.GetByTestId("portal-po-link").Filter(new() { HasText = poNumber }).ClickAsync();
        await Assertions.Expect(supplier.GetByTestId("po-status")).ToHaveTextAsync("已发送");
        var promised = DateTime.Today.AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Ui.ReplaceAsync(Ui.Input(supplier, "confirm-date-1"), promised);
        await supplier.GetByTestId("confirm-submit").ClickAsync();
        await Assertions.Expect(supplier.GetByTestId("po-status")).ToHaveTextAsync("已确认");
        await Assertions.Expect(supplier.GetByTestId("promised-date").First).ToContainTextAsync(promised);
        await OrderlyServer.ScreenshotAsync(supplier, "supplier-portal-confirmed");

        // It ships with SF and says so: the shipping notice lists the carrier by its Chinese name.
        await Ui.SelectAsync(supplier, "承运商", "顺丰速运");
        // Typed key by key and left with Tab, as a person does, and checked before shipping: the field once bound every
        // keystroke to the server, and under load a re-render put back an older value mid-typing ("SF12567890123", two
        // characters lost; the notice was then saved with a wrong number). It binds when left now.
        var tracking = Ui.Input(supplier, "notice-tracking");
        await Ui.ReplaceAsync(tracking, "SF1234567890123");
        await Assertions.Expect(tracking).ToHaveValueAsync("SF1234567890123");
        await supplier.GetByTestId("notice-submit").ClickAsync();
        await Assertions.Expect(supplier.GetByTestId("shipping-notice")).ToContainTextAsync("顺丰速运");
        await Assertions.Expect(supplier.GetByTestId("shipping-notice")).ToContainTextAsync("SF1234567890123");
        await supplier.Context.CloseAsync();

        // The purchaser sees the confirmation and receives everything.
        await purchaser.GotoAsync(poUrl);
        await Assertions.Expect(purchaser.GetByTestId("po-status")).ToHaveTextAsync("Confirmed");
        await Assertions.Expect(purchaser.GetByTestId("confirmed-at")).ToBeVisibleAsync();
        await Assertions.Expect(purchaser.GetByTestId("shipping-notice")).ToContainTextAsync("SF Express");
        await purchaser.GetByTestId("po-action-Receive").ClickAsync();
        await Assertions.Expect(Ui.Input(purchaser, "arrived-1")).ToHaveValueAsync("48");
        await purchaser.GetByTestId("receive-submit").ClickAsync();
        await Assertions.Expect(purchaser.GetByTestId("po-status")).ToHaveTextAsync("Received");
        await Assertions.Expect(purchaser.GetByTestId("line-open")).ToHaveTextAsync("0");
        await Assertions.Expect(purchaser.GetByTestId("receipt-line")).ToHaveCountAsync(1);
        await OrderlyServer.ScreenshotAsync(purchaser, "purchase-order-received");
        await purchaser.Context.CloseAsync();
    }

    [Fact]
    public async Task TrackingEvents_ShowOnTheOrderPage_AndOnTheCustomersStatusPage()
    {
        var setup = await SetupAsync();
        var manager = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        await manager.GotoAsync($"/orders/{setup.ShippedOrderId}");
        await manager.GetByTestId("shipments").WaitForAsync();
        await OrderlyServer.ScreenshotAsync(manager, "order-tracking");
        var tracking = manager.GetByTestId("shipment-tracking");
        await Assertions.Expect(tracking).ToContainTextAsync("YTO Express");
        await Assertions.Expect(tracking).ToContainTextAsync(setup.TrackingNumber);
        await Assertions.Expect(tracking.GetByTestId("tracking-event").First).ToContainTextAsync("快件已到达 上海转运中心");
        await Assertions.Expect(tracking.GetByTestId("tracking-state")).ToHaveTextAsync("In transit");
        await tracking.GetByTestId("shipment-link").ClickAsync();
        await Assertions.Expect(manager.GetByTestId("shipment-carrier")).ToHaveTextAsync("YTO Express");
        await Assertions.Expect(manager.GetByTestId("tracking-event")).ToHaveCountAsync(2);
        await manager.Context.CloseAsync();

        var visitor = await server.NewPageAsync("zh-CN");
        await visitor.GotoAsync(setup.StatusUrl);
        await Assertions.Expect(visitor.Locator("body")).ToContainTextAsync("圆通速递");
        await Assertions.Expect(visitor.Locator("ul.track li").First).ToContainTextAsync("快件已到达 上海转运中心");
        await Assertions.Expect(visitor.Locator("ul.track li")).ToHaveCountAsync(2);
        await visitor.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US", 1366)]
    [InlineData("en-US", 390)]
    [InlineData("zh-CN", 1366)]
    [InlineData("zh-CN", 390)]
    public async Task SupplyPages_HaveNoSeriousViolations(string language, int width)
    {
        var setup = await SetupAsync();
        var staff = await server.LoginAsync(setup.PurchaserEmail, Password, language);
        await staff.SetViewportSizeAsync(width, 900);
        foreach (var (path, ready) in new[]
        {
            ("/purchase-orders", "[data-testid=po-table] tbody tr"),
            ($"/purchase-orders/{setup.PurchaseOrderId}", "[data-testid=po-lines]"),
            ("/purchase-orders/suggestions", "[data-testid=suggestions]"),
            ("/suppliers", "[data-testid=suppliers-table] tbody tr"),
            ($"/suppliers/{setup.SupplierId}", "[data-testid=scorecard-periods]"),
            ($"/shipments/{setup.ShipmentId}", "[data-testid=tracking-events]"),
            ("/shipments/late", "[data-testid=late-table]"),
        })
        {
            await CheckAsync(staff, path, ready, language, width);
        }

        await staff.Context.CloseAsync();

        var supplier = await PortalLoginAsync(setup.SupplierEmail, language);
        await supplier.SetViewportSizeAsync(width, 900);
        await CheckAsync(supplier, "/portal", "[data-testid=portal-table] tbody tr", language, width);
        await CheckAsync(supplier, $"/portal/{setup.PurchaseOrderId}", "[data-testid=notice-form]", language, width);
        await supplier.Context.CloseAsync();
    }

    private static async Task CheckAsync(IPage page, string path, string ready, string language, int width)
    {
        await page.GotoAsync(path);
        await page.Locator(ready).First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Axe.AssertWcag22AaAsync(page, $"{path} ({language}, {width}px)");
        // Nothing wider than the window: the page scrolls vertically only.
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 1, $"{path} ({language}, {width}px) is {overflow}px wider than the window");
    }

    private async Task<IPage> PortalLoginAsync(string email, string language)
    {
        var page = await server.NewPageAsync(language);
        await page.GotoAsync("/login?returnUrl=%2Fportal");
        await page.GetByLabel(language.StartsWith("zh", StringComparison.Ordinal) ? "电子邮箱" : "E-mail").FillAsync(email);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/portal", StringComparison.Ordinal));
        try
        {
            await page.GetByTestId("portal-table").WaitForAsync();
        }
        catch (TimeoutException)
        {
            await OrderlyServer.ScreenshotAsync(page, "portal-failed");
            throw;
        }

        return page;
    }

    private sealed record Setup(
        string PurchaserEmail, string SupplierEmail, string Sku, Guid SupplierId, Guid PurchaseOrderId, Guid ShippedOrderId, Guid ShipmentId, string TrackingNumber, string StatusUrl);

    /// <summary>
    /// Once per server, through the API as the admin: a product of its own in a warehouse of its own, below its reorder
    /// point; a supplier with price tiers, preferred for it; a purchaser and a supplier login; one sent purchase order
    /// for the portal pages; a shipped order with two Kuaidi100 tracking events.
    /// </summary>
    private async Task<Setup> SetupAsync()
    {
        await Once.WaitAsync();
        try
        {
            return _setup ??= await CreateSetupAsync();
        }
        finally
        {
            Once.Release();
        }
    }

    private async Task<Setup> CreateSetupAsync()
    {
        using var api = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var token = await PostAsync(api, "/api/auth/token", new { email = "admin@orderly.local", password = OrderlyServer.AdminPassword });
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["accessToken"]!.GetValue<string>());
        var tag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var sku = $"SUP-{tag}";
        var warehouse = Id(await PostAsync(api, "/api/warehouses", new { code = $"WS{tag}", name = "苏州采购测试仓", region = "East" }));
        var product = Id(await PostAsync(api, "/api/products", new
        {
            sku, name = "不锈钢法兰 DN50", unit = "pcs", listPrice = 60m, minPrice = 50m, cost = 25m, currency = "CNY", isWholeUnit = true, isActive = true,
        }));
        await PostAsync(api, "/api/inventory/receipts", new { warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 30m } } });
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/inventory/policies/{product}/{warehouse}") { Content = JsonContent.Create(new { mode = "Manual", safetyStock = 5m, reorderPoint = 50m }) })
        {
            put.Headers.TryAddWithoutValidation("If-Match", "*");
            using var policy = await api.SendAsync(put);
            Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync());
        }

        var supplier = Id(await PostAsync(api, "/api/suppliers", new
        {
            code = $"S{tag}", name = "无锡华东法兰有限公司", leadTimeDays = 10, paymentTermsDays = 60, email = "sales@flange.test",
            contacts = new[] { new { name = "周经理", phone = "13900000000", role = "销售" } },
            products = new[] { new { productId = product, dropShip = false, minOrderQuantity = 48m, packSize = 12m } },
        }));
        using (var prices = await api.PutAsJsonAsync($"/api/suppliers/{supplier}/prices", new
        {
            prices = new object[] { new { productId = product, minQuantity = 0m, unitPrice = 25m }, new { productId = product, minQuantity = 100m, unitPrice = 22m } },
        }))
        {
            Assert.True(prices.IsSuccessStatusCode, await prices.Content.ReadAsStringAsync());
        }

        await PostAsync(api, $"/api/suppliers/{supplier}/preferred", new { productId = product, warehouseId = warehouse });
        var purchaserEmail = $"buyer-{tag.ToLowerInvariant()}@orderly.local";
        var supplierEmail = $"portal-{tag.ToLowerInvariant()}@flange.test";
        await PostAsync(api, "/api/users", new { email = purchaserEmail, password = Password, displayName = "采购 吴敏", roles = PurchasingRole });
        var supplierUser = Id(await PostAsync(api, "/api/users", new { email = supplierEmail, password = Password, displayName = "周经理", roles = SupplierRole }));
        using (var tie = await api.PostAsJsonAsync($"/api/suppliers/{supplier}/users", new { userId = supplierUser }))
        {
            Assert.True(tie.IsSuccessStatusCode, await tie.Content.ReadAsStringAsync());
        }

        // A sent purchase order of another product line, so the portal and the detail pages have something to show.
        var po = Id(await PostAsync(api, "/api/purchase-orders", new { supplierId = supplier, warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 12m } } }));
        await PostAsync(api, $"/api/purchase-orders/{po}/approve", new { });
        await PostAsync(api, $"/api/purchase-orders/{po}/send", new { });

        // An order shipped with YTO, and Kuaidi100's push of two events (signed with the configured salt).
        var customer = Id(await PostAsync(api, "/api/customers", new { code = $"CS{tag}", name = "杭州西湖机电有限公司", region = "East", currency = "CNY" }));
        var order = await PostAsync(api, "/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 2m } }, submit = true });
        var lineId = Id(order["lines"]![0]!);
        var trackingNumber = "YT" + Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999).ToString(CultureInfo.InvariantCulture);
        var shipped = await PostAsync(api, $"/api/orders/{Id(order)}/shipments", new { lines = new[] { new { lineId, quantity = 2m } }, carrier = "圆通速递", trackingNumber });
        var day = DateTime.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var param = $$$"""{"status":"polling","message":"","lastResult":{"message":"ok","state":"0","status":"200","ischeck":"0","com":"yuantong","nu":"{{{trackingNumber}}}","data":[{"time":"{{{day}}} 00:10:00","ftime":"{{{day}}} 00:10:00","context":"【杭州市】圆通速递 已揽收","areaName":"杭州市","status":"揽收"},{"time":"{{{day}}} 00:40:00","ftime":"{{{day}}} 00:40:00","context":"快件已到达 上海转运中心","areaName":"上海市","status":"在途"}]}}""";
#pragma warning disable CA5351 // Kuaidi100 signs pushes with MD5.
        var sign = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(param + OrderlyServer.Kuaidi100Salt)));
#pragma warning restore CA5351
        using (var push = await api.PostAsync("/api/integrations/kuaidi100/callback", new FormUrlEncodedContent(new Dictionary<string, string> { ["param"] = param, ["sign"] = sign })))
        {
            Assert.Contains("\"result\":true", await push.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var link = await PostAsync(api, $"/api/orders/{Id(order)}/status-link", new { });
        var statusUrl = new Uri(link["url"]!.GetValue<string>()).PathAndQuery;
        return new Setup(purchaserEmail, supplierEmail, sku, supplier, po, Id(order), Id(shipped["shipments"]![0]!), trackingNumber, statusUrl);
    }

    private static Guid Id(JsonNode node) => node["id"]!.GetValue<Guid>();

    private static async Task<JsonNode> PostAsync(HttpClient api, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }
}
