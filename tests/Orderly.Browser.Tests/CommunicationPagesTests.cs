// Request bodies in tests are literal arrays, built once per call.
#pragma warning disable CA1861
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Orderly.Domain.Common;

namespace Orderly.Browser.Tests;

/// <summary>
/// The communication pages: a call logged on an order's timeline, a task that shows in my tasks, an e-mail written from
/// it, an unknown WeCom sender assigned to a customer under a contact name, the bell counting a new notice, preferences
/// saved and honoured, a survey answered on a phone through its public link that the results page then shows, and axe
/// WCAG 2.2 AA on the pages and public pages in both languages at phone size.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class CommunicationPagesTests(OrderlyServer server)
{
    [Fact]
    public async Task OrderTimeline_LogsACall_AndAddsATaskThatMyTasksShows()
    {
        var api = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var tag = Tag();
        var (customerId, _) = await CustomerAsync(api, tag);
        var orderId = await OrderAsync(api, customerId, deliver: false);

        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        await page.GotoAsync($"/orders/{orderId}");
        await Ui.InteractiveAsync(page);
        var timeline = page.GetByTestId("comm-timeline");
        await timeline.ScrollIntoViewIfNeededAsync();
        // Typed key by key, as a person does, and checked before the click: the summary once bound every keystroke, and
        // under load a re-render could put back an older text mid-typing. It binds when left; the click leaves it.
        var summary = Ui.Input(page, "timeline-summary");
        await summary.PressSequentiallyAsync($"Called about delivery {tag}");
        await Assertions.Expect(summary).ToHaveValueAsync($"Called about delivery {tag}");
        await page.GetByTestId("log-call").ClickAsync();
        await Assertions.Expect(timeline).ToContainTextAsync($"Called about delivery {tag}");
        await Assertions.Expect(timeline.Locator("tr").Filter(new() { HasText = $"Called about delivery {tag}" })).ToContainTextAsync("Phone");
        // The call is on the order's timeline through the API too, once.
        var items = (await GetAsync(api, $"/api/orders/{orderId}/timeline"))["items"]!.AsArray();
        Assert.Single(items, i => (string?)i!["summary"] == $"Called about delivery {tag}");

        await Assertions.Expect(summary).ToHaveValueAsync("");
        await Ui.ReplaceAsync(summary, $"Call back {tag}");
        await Assertions.Expect(summary).ToHaveValueAsync($"Call back {tag}");
        await page.GetByTestId("add-task").ClickAsync();
        await Assertions.Expect(summary).ToHaveValueAsync("");
        await page.GotoAsync("/tasks");
        await Assertions.Expect(page.GetByTestId("tasks")).ToContainTextAsync($"Call back {tag}");
        await OrderlyServer.ScreenshotAsync(page, "my-tasks");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OrderTimeline_WritesAnEmail_ThatArrives_AndShowsAsSent()
    {
        var api = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var tag = Tag();
        var (customerId, _) = await CustomerAsync(api, tag, email: true);
        var orderId = await OrderAsync(api, customerId, deliver: false);
        var number = (string)(await GetAsync(api, $"/api/orders/{orderId}"))["number"]!;

        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        await page.GotoAsync($"/orders/{orderId}");
        await Ui.InteractiveAsync(page);
        var timeline = page.GetByTestId("comm-timeline");
        await timeline.ScrollIntoViewIfNeededAsync();
        await page.GetByTestId("write-email").ClickAsync();
        // The dialog addresses the customer and fills the subject with the order's number.
        var subject = Ui.Input(page, "email-subject");
        await Assertions.Expect(subject).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(number)));
        await Assertions.Expect(page.GetByTestId("email-to")).ToContainTextAsync($"buyer-{tag}@example.test", new() { IgnoreCase = true });
        // Subject and body typed key by key (they bind when left: per keystroke, a re-render under load could put back an
        // older text mid-typing), checked, then sent with a click straight from the body.
        await Ui.ReplaceAsync(subject, $"Delivery date {tag}");
        await Assertions.Expect(subject).ToHaveValueAsync($"Delivery date {tag}");
        var body = page.Locator("textarea[data-testid='email-body'], [data-testid='email-body'] textarea").First;
        await body.PressSequentiallyAsync("Dear buyer,\nyour goods leave on Monday.");
        await Assertions.Expect(body).ToHaveValueAsync("Dear buyer,\nyour goods leave on Monday.");
        await page.GetByTestId("email-send").ClickAsync();
        await Assertions.Expect(timeline).ToContainTextAsync($"Delivery date {tag}");

        // It arrives once, and after a reload the timeline shows it sent.
        for (var i = 0; i < 150 && server.Mail.To($"buyer-{tag}@example.test").All(m => m.Subject != $"Delivery date {tag}"); i++)
        {
            await Task.Delay(200);
        }

        var mail = Assert.Single(server.Mail.To($"buyer-{tag}@example.test"), m => m.Subject == $"Delivery date {tag}");
        Assert.Contains("Dear buyer,\nyour goods leave on Monday.", (mail.TextBody ?? "").ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var row = timeline.Locator("tr").Filter(new() { HasText = $"Delivery date {tag}" });
        for (var i = 0; i < 30 && !System.Text.RegularExpressions.Regex.IsMatch(await row.InnerTextAsync(), "sent|已发送"); i++)
        {
            await Task.Delay(500);
            await page.ReloadAsync();
            await Ui.InteractiveAsync(page);
        }

        await Assertions.Expect(row.GetByTestId("email-state")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(sent|已发送)$"));
        var items = (await GetAsync(api, $"/api/orders/{orderId}/timeline"))["items"]!.AsArray();
        Assert.Equal("Sent", (string?)items.Single(i => ((string?)i!["summary"])!.StartsWith($"Delivery date {tag}", StringComparison.Ordinal))!["state"]);
        await OrderlyServer.ScreenshotAsync(page, "order-email-sent");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnUnknownWeComSender_AssignedToACustomerUnderAContactName_IsThatCustomersContact()
    {
        var api = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var tag = Tag();
        var (customerId, code) = await CustomerAsync(api, tag);
        var sender = $"wmStranger{tag}";
        await WeComMessageAsync(sender, $"你好，我想询价 {tag}");

        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        await page.GotoAsync("/communication/unmatched");
        await Ui.InteractiveAsync(page);
        var row = page.GetByTestId("unmatched-row").Filter(new() { HasText = sender });
        await row.GetByTestId("unmatched-assign").ClickAsync();
        await Ui.PickAsync(page, "assign-customer", code, code);
        // Typed key by key and left with Tab, as a person does, and checked before the click: the name once bound every
        // keystroke, and under load a re-render could put back an older text mid-typing. It binds when left now.
        var contact = Ui.Input(page, "assign-contact");
        await Ui.ReplaceAsync(contact, "王小明 Wang Xiaoming");
        await Assertions.Expect(contact).ToHaveValueAsync("王小明 Wang Xiaoming");
        await page.GetByTestId("assign-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("unmatched-done")).ToBeVisibleAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);

        // The sender is the customer's WeCom contact under the name typed.
        var recipients = (await GetAsync(api, $"/api/customers/{customerId}/communication"))["recipients"]!.AsArray();
        var assigned = Assert.Single(recipients, r => (string?)r!["weComUserId"] == sender);
        Assert.Equal("王小明 Wang Xiaoming", (string?)assigned!["name"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Bell_CountsANewNotice_AndMutedKindsSavedOnThePreferencesPage_StayOut()
    {
        var admin = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var clerkApi = await server.ApiAsync("clerk@orderly.local", OrderlyServer.DemoPassword);
        var managerApi = await server.ApiAsync("manager@orderly.local", OrderlyServer.DemoPassword);
        var tag = Tag();
        var (customerId, _) = await CustomerAsync(admin, tag);

        // The bell: a mention arrives while the clerk is on a page; the count goes up without a reload.
        var clerk = await server.LoginAsync("clerk@orderly.local");
        await clerk.GotoAsync("/tasks");
        await Ui.InteractiveAsync(clerk);
        var bell = clerk.GetByTestId("unread-count");
        var before = int.Parse(await bell.GetAttributeAsync("data-count") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await PostAsync(admin, "/api/notes", new { customerId, text = $"@clerk@orderly.local please check {tag}" });
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-count", (before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        await clerk.Context.CloseAsync();

        // The manager mutes mentions in the app and asks for approvals by e-mail, with quiet hours.
        var manager = await server.LoginAsync("manager@orderly.local");
        await manager.GotoAsync("/preferences");
        await Ui.InteractiveAsync(manager);
        await manager.GetByTestId("inapp-Mention").UncheckAsync();
        await manager.GetByTestId("email-ApprovalNeeded").CheckAsync();
        await Ui.Input(manager, "quiet-from").FillAsync("22:00");
        await Ui.Input(manager, "quiet-to").FillAsync("07:30");
        await manager.GetByTestId("save-preferences").ClickAsync();
        await Assertions.Expect(manager.GetByTestId("preferences-saved")).ToBeVisibleAsync();
        await manager.ReloadAsync();
        await Ui.InteractiveAsync(manager);
        await Assertions.Expect(manager.GetByTestId("inapp-Mention")).Not.ToBeCheckedAsync();
        await Assertions.Expect(manager.GetByTestId("email-ApprovalNeeded")).ToBeCheckedAsync();
        await Assertions.Expect(Ui.Input(manager, "quiet-from")).ToHaveValueAsync("22:00");
        await OrderlyServer.ScreenshotAsync(manager, "notification-preferences");
        var saved = await GetAsync(managerApi, "/api/notifications/preferences");
        Assert.Equal(["Mention"], saved["muted"]!.AsArray().Select(k => (string)k!));
        Assert.Equal("22:00:00", (string?)saved["quietHours"]!["from"]);

        // Honoured: one note mentions both; the clerk's count rises, the manager's does not.
        var clerkBefore = (int)(await GetAsync(clerkApi, "/api/notifications/unread-count"))["count"]!;
        var managerBefore = (int)(await GetAsync(managerApi, "/api/notifications/unread-count"))["count"]!;
        await PostAsync(admin, "/api/notes", new { customerId, text = $"@clerk@orderly.local @manager@orderly.local see {tag}" });
        for (var i = 0; i < 100 && (int)(await GetAsync(clerkApi, "/api/notifications/unread-count"))["count"]! == clerkBefore; i++)
        {
            await Task.Delay(200);
        }

        Assert.Equal(clerkBefore + 1, (int)(await GetAsync(clerkApi, "/api/notifications/unread-count"))["count"]!);
        Assert.Equal(managerBefore, (int)(await GetAsync(managerApi, "/api/notifications/unread-count"))["count"]!);

        await manager.Context.CloseAsync();

        // A customer's contact told on WeCom: saved on the customer's page (reached from its timeline), kept after a reload.
        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        await page.GotoAsync($"/customers/{customerId}");
        await page.GetByTestId("customer-preferences-link").ClickAsync();
        await page.WaitForURLAsync($"**/customers/{customerId}/communication");
        await Ui.InteractiveAsync(page);
        // With nothing chosen the page shows the default recipient (the customer's own e-mail); a new one is added after it.
        await page.GetByTestId("recipient").First.WaitForAsync();
        var existing = await page.GetByTestId("recipient").CountAsync();
        await page.GetByTestId("add-recipient").ClickAsync();
        await Assertions.Expect(page.GetByTestId("recipient")).ToHaveCountAsync(existing + 1);
        var recipient = page.GetByTestId("recipient").Nth(existing);
        await recipient.Locator("input[data-testid=recipient-wecom], [data-testid=recipient-wecom] input").First.FillAsync($"wm{tag}");
        await recipient.GetByTestId("channel-WeCom").CheckAsync();
        await recipient.GetByTestId("event-OrderShipped").CheckAsync();
        await page.GetByTestId("save-customer-preferences").ClickAsync();
        await Assertions.Expect(page.GetByTestId("preferences-saved")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("recipient").Last.Locator("input[data-testid=recipient-wecom], [data-testid=recipient-wecom] input").First).ToHaveValueAsync($"wm{tag}");
        await OrderlyServer.ScreenshotAsync(page, "customer-notification-preferences");
        var customerPrefs = await GetAsync(admin, $"/api/customers/{customerId}/communication");
        var saved1 = customerPrefs["recipients"]!.AsArray().Single(r => (string?)r!["weComUserId"] == $"wm{tag}")!;
        Assert.Contains("WeCom", saved1["channels"]!.AsArray().Select(c => (string)c!));
        Assert.Contains("OrderShipped", saved1["events"]!.AsArray().Select(c => (string)c!));
        await page.Context.CloseAsync();

        // Put the manager's preferences back for the other tests.
        await PutAsync(managerApi, "/api/notifications/preferences", new { muted = Array.Empty<string>() });
    }

    [Fact]
    public async Task Survey_AnsweredOnAPhone_ThroughItsPublicLink_ShowsInTheSurveyResults()
    {
        var api = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var tag = Tag();
        var (customerId, _) = await CustomerAsync(api, tag);
        var orderId = await OrderAsync(api, customerId, deliver: true);
        var link = await PostAsync(api, $"/api/orders/{orderId}/survey-link", new { });

        var phone = await server.NewPageAsync("zh-CN");
        await phone.SetViewportSizeAsync(390, 844);
        await phone.GotoAsync($"/s/{(string)link["token"]!}");
        await Assertions.Expect(phone.Locator("h1")).ToContainTextAsync("满意");
        await phone.Locator("input[name=score][value='4']").CheckAsync();
        await phone.Locator("input[name=nps][value='9']").CheckAsync();
        await phone.Locator("textarea[name=comment]").FillAsync($"送货很快 {tag}");
        await OrderlyServer.ScreenshotAsync(phone, "survey-phone");
        await phone.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(phone.Locator("h1")).ToContainTextAsync("谢谢");
        await phone.Context.CloseAsync();

        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        await page.GotoAsync("/surveys");
        var row = page.GetByTestId("survey-responses").Locator("tr").Filter(new() { HasText = $"送货很快 {tag}" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("4");
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("9");
        await Assertions.Expect(page.GetByTestId("survey-summary")).ToBeVisibleAsync();
        await OrderlyServer.ScreenshotAsync(page, "survey-results");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task CommunicationPages_HaveNoAxeViolations_WideAndAtPhoneSize(string language)
    {
        var api = await server.ApiAsync("admin@orderly.local", OrderlyServer.AdminPassword);
        var tag = Tag();
        var (customerId, _) = await CustomerAsync(api, tag);
        var orderId = await OrderAsync(api, customerId, deliver: true);
        await PostAsync(api, "/api/tasks", new { subject = $"Follow up {tag}", dueAt = DateTimeOffset.UtcNow.AddDays(1), assigneeId = await MyIdAsync(api), customerId, orderId });
        await PutAsync(api, $"/api/customers/{customerId}/communication", new
        {
            language = "zh-CN",
            recipients = new object[] { new { name = "李雷", events = new[] { "OrderShipped" }, channels = new[] { "Sms", "WeCom" }, weComUserId = $"wm{tag}" } },
        });
        var status = await PostAsync(api, $"/api/orders/{orderId}/status-link", new { });
        var survey = await PostAsync(api, $"/api/orders/{orderId}/survey-link", new { });

        (string Path, string Ready)[] pages =
        [
            ("/tasks", "[data-testid=tasks]"),
            ("/surveys", "[data-testid=survey-summary]"),
            ("/preferences", "[data-testid=my-notification-kinds]"),
            ($"/customers/{customerId}/communication", "[data-testid=recipient]"),
            ($"/orders/{orderId}", "[data-testid=comm-timeline] table"),
        ];
        var page = await server.LoginAsync("admin@orderly.local", OrderlyServer.AdminPassword, language);
        foreach (var (path, ready) in pages)
        {
            await page.SetViewportSizeAsync(1366, 900);
            await page.GotoAsync(path);
            await page.Locator(ready).First.WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            if (!path.StartsWith("/orders/", StringComparison.Ordinal))
            {
                await Axe.AssertWcag22AaAsync(page, $"{path} ({language})");
            }

            await page.SetViewportSizeAsync(390, 844);
            await page.WaitForTimeoutAsync(300);
            if (!path.StartsWith("/orders/", StringComparison.Ordinal))
            {
                await Axe.AssertWcag22AaAsync(page, $"{path} ({language}) at 390 px");
            }
        }

        await page.Context.CloseAsync();

        // The public pages, without login, in the language asked for, at phone size.
        var lang = language.StartsWith("zh", StringComparison.Ordinal) ? "zh-CN" : "en";
        var phone = await server.NewPageAsync(language);
        await phone.SetViewportSizeAsync(390, 844);
        foreach (var path in new[] { $"/t/{(string)status["token"]!}?lang={lang}", $"/s/{(string)survey["token"]!}?lang={lang}" })
        {
            await phone.GotoAsync(path);
            await phone.Locator("h1").WaitForAsync();
            Assert.Equal(lang, await phone.Locator("html").GetAttributeAsync("lang"));
            await Axe.AssertWcag22AaAsync(phone, $"{path.Split('?')[0][..3]} ({language}) at 390 px");
        }

        await phone.Context.CloseAsync();
    }

    private static string Tag() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    /// <summary>A text from <paramref name="sender"/> to the WeCom callback, signed and encrypted as WeCom sends it.</summary>
    private async Task WeComMessageAsync(string sender, string text)
    {
        const string nonce = "1372623149";
        var now = DateTimeOffset.UtcNow;
        var seconds = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var message = $"<xml><ToUserName><![CDATA[{OrderlyServer.WeComCorpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{seconds}</CreateTime>"
            + $"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content><MsgId>7{now.ToUnixTimeMilliseconds()}</MsgId><AgentID>1000002</AgentID>"
            + $"<ExternalUserID><![CDATA[{sender}]]></ExternalUserID></xml>";
        var encrypted = CallbackCrypto.Encrypt(CallbackCrypto.Key(OrderlyServer.WeComEncodingAesKey)!, message, OrderlyServer.WeComCorpId, RandomNumberGenerator.GetBytes(16));
        var signature = CallbackCrypto.Signature(OrderlyServer.WeComCallbackToken, seconds, nonce, encrypted);
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var body = new StringContent($"<xml><ToUserName><![CDATA[{OrderlyServer.WeComCorpId}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>", Encoding.UTF8, "text/xml");
        using var response = await http.PostAsync($"/api/integrations/wecom/callback?msg_signature={signature}&timestamp={seconds}&nonce={nonce}", body);
        Assert.True(response.IsSuccessStatusCode, $"WeCom callback: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<Guid> MyIdAsync(HttpClient api)
    {
        var users = await GetAsync(api, "/api/users?q=admin@orderly.local");
        return (Guid)users["items"]!.AsArray().First(u => (string?)u!["email"] == "admin@orderly.local")!["id"]!;
    }

    /// <summary>A customer; without an e-mail address unless asked, so no survey goes out by e-mail and a rep hands over the link.</summary>
    private static async Task<(Guid Id, string Code)> CustomerAsync(HttpClient api, string tag, bool email = false)
    {
        var code = "COMM" + tag;
        var customer = await PostAsync(api, "/api/customers", new { code, name = "苏州园区贸易有限公司 " + code, email = email ? $"buyer-{tag}@example.test" : null, creditLimit = 1_000_000m, paymentTermsDays = 30 });
        return ((Guid)customer["id"]!, code);
    }

    /// <summary>A confirmed order of one fresh product; shipped and delivered when asked.</summary>
    private static async Task<Guid> OrderAsync(HttpClient api, Guid customerId, bool deliver)
    {
        var sku = "COMM-" + Tag();
        var product = await PostAsync(api, "/api/products", new { sku, name = "不锈钢法兰 " + sku, unit = "pcs", listPrice = 100m, minPrice = 80m, cost = 50m });
        var warehouses = await GetAsync(api, "/api/warehouses");
        await PostAsync(api, "/api/inventory/receipts", new
        {
            warehouseId = (Guid)warehouses["items"]![0]!["id"]!, lines = new[] { new { productId = (Guid)product["id"]!, quantity = 5m } },
        });
        var order = await PostAsync(api, "/api/orders", new { customerId, lines = new[] { new { productId = (Guid)product["id"]!, quantity = 2m } } });
        var confirmed = await PostAsync(api, $"/api/orders/{order["id"]}/submit", new { });
        Assert.Equal("Confirmed", (string)confirmed["status"]!);
        if (deliver)
        {
            await PostAsync(api, $"/api/orders/{order["id"]}/shipments", new { lines = new[] { new { lineId = (Guid)confirmed["lines"]![0]!["id"]!, quantity = 2m } } });
            await PostAsync(api, $"/api/orders/{order["id"]}/deliver", new { });
        }

        return (Guid)order["id"]!;
    }

    private static async Task<JsonNode> PostAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> PutAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PutAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> GetAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
