using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>
/// The four daily journeys of #11, walked in both languages and counted: every click and keystroke a person makes
/// goes through <see cref="Effort"/>, and the counts are written to test-results/journeys.md (and, with
/// ORDERLY_DOC_SCREENSHOTS=1, docs/journeys.md). Typed text counts one keystroke per character (a Chinese character
/// typed through an input method costs more; the table says so).
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class JourneyTests(OrderlyServer server)
{
    private static readonly Lock Gate = new();
    private static readonly SortedDictionary<string, string> Rows = new(StringComparer.Ordinal);

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task Clerk_EntersFiveLines_WithTheKeyboardOnly(string language)
    {
        var page = await server.LoginAsync("clerk@orderly.local", language: language);
        await page.GotoAsync("/orders/new");
        await Ui.InteractiveAsync(page);
        var effort = new Effort(page);
        var customer = Ui.Input(page, "customer");
        await Assertions.Expect(customer).ToBeFocusedAsync();
        // Down opens the customer list (what a person sees before typing); typing into it then filters it.
        await effort.PressAsync("ArrowDown");
        await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync();
        await effort.TypeAsync(Chinese(language) ? "京城" : "C3001");
        await effort.PressAsync("Enter");
        await Assertions.Expect(customer).ToHaveValueAsync(new Regex("^C3001 · "));

        var product = Ui.Input(page, "product");
        await Assertions.Expect(product).ToBeEnabledAsync();
        for (var tabs = 0; !await IsFocusedAsync(product); tabs++)
        {
            Assert.True(tabs < 12, "The product field is more than 12 Tabs after the customer.");
            await effort.PressAsync("Tab");
        }

        string[] skus = ["FAS-HB-M8-25", "FAS-HB-M8-40", "FAS-HB-M10-30", "FAS-HN-M8", "FAS-FW-M10"];
        foreach (var (sku, i) in skus.Select((s, i) => (s, i)))
        {
            await Assertions.Expect(product).ToBeFocusedAsync();
            await effort.TypeAsync(sku);
            await effort.PressAsync("Tab");
            await Assertions.Expect(product).ToHaveValueAsync(new Regex("^" + Regex.Escape(sku) + " · "));
            await Assertions.Expect(Ui.Input(page, "new-quantity")).ToBeFocusedAsync();
            await effort.PressAsync("Control+A");
            await effort.TypeAsync((i + 2).ToString(CultureInfo.InvariantCulture));
            await effort.PressAsync("Enter");
            await Assertions.Expect(page.GetByTestId("lines")).ToContainTextAsync(sku);
            await Assertions.Expect(Ui.Input(page, $"quantity-{i}")).ToHaveValueAsync((i + 2).ToString(CultureInfo.InvariantCulture));
        }

        await Assertions.Expect(page.GetByTestId("submit")).ToBeEnabledAsync();
        await effort.PressAsync("Control+Enter");
        await page.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.GetByTestId("line-sku")).ToHaveCountAsync(5);
        Assert.Equal(0, effort.Clicks);
        Record("1. Clerk enters an order of 5 lines", language, effort);
        await OrderlyServer.ScreenshotAsync(page, $"journey-entry-{language}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US", "a discount above the limit")]
    [InlineData("zh-CN", "折扣超过限额")]
    public async Task Manager_SeesWhyAnOrderWaits_AndApprovesItFromTheQueue(string language, string reason)
    {
        var (url, number) = await Ui.EnterOrderAsync(server, "20", discount: "11");
        var page = await server.LoginAsync("manager@orderly.local", language: language);
        var effort = new Effort(page);
        await effort.ClickAsync(page.GetByTestId("nav").Locator("a[href='orders/approvals'], a[href='/orders/approvals']").First);
        var table = page.GetByTestId("approval-table");
        await table.Locator("tbody tr a").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var row = table.Locator("tbody tr").Filter(new() { HasText = number });
        var paging = 0;
        while (await row.CountAsync() == 0)
        {
            var next = page.Locator(".mud-table-pagination-actions button").Last;
            Assert.True(await next.IsEnabledAsync(), $"{number} is not in the approval queue");
            var first = await table.Locator("tbody tr a").First.InnerTextAsync();
            await next.ClickAsync();
            paging++;
            await Assertions.Expect(table.Locator("tbody tr a").First).Not.ToHaveTextAsync(first);
        }

        await Assertions.Expect(row.GetByTestId("approval-reasons")).ToContainTextAsync(reason);
        await Assertions.Expect(row.GetByTestId("who-may-approve")).ToHaveTextAsync(Chinese(language) ? "您" : "You");
        await effort.ClickAsync(row.Locator("input[type=checkbox]"));
        await effort.ClickAsync(page.GetByTestId("approve-selected"));
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("1");
        await Assertions.Expect(page.GetByTestId("refusal")).ToHaveCountAsync(0);
        await OrderlyServer.ScreenshotAsync(page, $"journey-approval-{language}");
        await page.GotoAsync(url);
        await Assertions.Expect(page.GetByTestId("order-status")).ToHaveTextAsync(Chinese(language) ? "已确认" : "Confirmed");
        Record("2. Manager sees why an order waits and approves it", language, effort, paging > 0 ? $"+{paging} page turns to reach a new order behind older ones" : "");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task Warehouse_ShipsInTwoParts_AndSeesBothShipmentsWithTracking(string language)
    {
        var (url, _) = await Ui.EnterOrderAsync(server, "20", discount: null);
        var page = await server.LoginAsync("warehouse@orderly.local", language: language);
        await page.GotoAsync(url);
        await Ui.InteractiveAsync(page);
        var effort = new Effort(page);
        await effort.ReplaceAsync(Ui.Input(page, "ship-1"), "5");
        await effort.FillAsync(Ui.Input(page, "carrier"), "顺丰速运");
        await effort.FillAsync(Ui.Input(page, "tracking"), "SF1000000000001");
        await effort.ClickAsync(page.GetByTestId("action-Ship"));
        var shipments = page.GetByTestId("shipments").GetByTestId("shipment");
        await Assertions.Expect(shipments).ToHaveCountAsync(1);
        await Assertions.Expect(Ui.Input(page, "ship-1")).ToHaveValueAsync("15");
        await effort.FillAsync(Ui.Input(page, "carrier"), "中通快递");
        await effort.FillAsync(Ui.Input(page, "tracking"), "ZT2000000002");
        await effort.ClickAsync(page.GetByTestId("action-Ship"));
        await Assertions.Expect(shipments).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("order-status")).ToHaveTextAsync(Chinese(language) ? "已发货" : "Shipped");
        await Assertions.Expect(shipments.First).ToContainTextAsync(Chinese(language) ? "顺丰速运" : "SF Express");
        await Assertions.Expect(shipments.First).ToContainTextAsync("SF1000000000001");
        await Assertions.Expect(shipments.Nth(1)).ToContainTextAsync("ZT2000000002");
        await Assertions.Expect(shipments.Nth(1)).ToContainTextAsync("FAS-HB-M8-25 × 15");
        Record("3. Warehouse ships in two parts with carrier and tracking", language, effort);
        await OrderlyServer.ScreenshotAsync(page, $"journey-shipments-{language}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task Orders_AreFoundByCustomerFragment_Number_StatusAndDate(string language)
    {
        var page = await server.LoginAsync("manager@orderly.local", language: language);
        await page.GotoAsync("/orders");
        // The prerendered list shows its rows before the circuit is up; what is typed before that is lost.
        await Ui.InteractiveAsync(page);
        var table = page.GetByTestId("orders-table");
        await table.Locator("tbody tr").First.WaitForAsync();
        var effort = new Effort(page);
        var search = Ui.Input(page, "order-search");

        await effort.ReplaceAsync(search, "华联");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("q=%E5%8D%8E%E8%81%94|q=华联"));
        await Assertions.Expect(table.Locator("tbody tr").Filter(new() { HasNotText = "华联" })).ToHaveCountAsync(0);
        await Assertions.Expect(table.Locator("tbody tr a").First).ToBeVisibleAsync();

        var number = (await table.Locator("tbody tr a").First.InnerTextAsync()).Trim();
        await effort.ReplaceAsync(search, number);
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(table.Locator("tbody tr").First).ToContainTextAsync(number);

        await effort.ReplaceAsync(search, "");
        var statusLabel = Chinese(language) ? "状态" : "Status";
        await effort.ClickAsync(page.Locator(".mud-select").Filter(new() { Has = page.Locator("label", new() { HasTextRegex = new Regex("^" + statusLabel + "$") }) }).First.Locator(".mud-input").First);
        var confirmed = Chinese(language) ? "已确认" : "Confirmed";
        await effort.ClickAsync(page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex("^" + confirmed + "$") }).First);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("status=Confirmed"));
        await effort.ReplaceAsync(Ui.Input(page, "from-date"), Chinese(language) ? "2026-11-20" : "11/20/2026");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("from=2026-11-20"));
        await Assertions.Expect(table.Locator("tbody tr .mud-chip").Filter(new() { HasNotTextRegex = new Regex("^\\s*" + confirmed + "\\s*$") })).ToHaveCountAsync(0);
        await Assertions.Expect(table.Locator("tbody tr .mud-chip").First).ToBeVisibleAsync();
        Record("4. Search by customer fragment, number, status and date", language, effort);
        await page.Context.CloseAsync();
    }

    private static bool Chinese(string language) => language.StartsWith("zh", StringComparison.Ordinal);

    private static async Task<bool> IsFocusedAsync(ILocator input) => await input.EvaluateAsync<bool>("e => e === document.activeElement");

    private static void Record(string journey, string language, Effort effort, string note = "")
    {
        lock (Gate)
        {
            Rows[$"{journey} | {language}"] = $"| {journey} | {language} | {effort.Clicks} | {effort.Keys} | {note} |";
            var text = new StringBuilder()
                .AppendLine("# Journeys: clicks and keystrokes, measured by the browser tests (JourneyTests)")
                .AppendLine()
                .AppendLine("Typed text counts one keystroke per character; a Chinese character typed through a pinyin input method costs more.")
                .AppendLine()
                .AppendLine("| Journey | Language | Clicks | Keystrokes | Note |")
                .AppendLine("|---|---|---:|---:|---|");
            foreach (var row in Rows.Values)
            {
                text.AppendLine(row);
            }

            File.WriteAllText(Path.Combine(OrderlyServer.ResultsFolder, "journeys.md"), text.ToString());
            if (Environment.GetEnvironmentVariable("ORDERLY_DOC_SCREENSHOTS") == "1")
            {
                File.WriteAllText(Path.Combine(OrderlyServer.RepositoryRoot, "docs", "journeys.md"), text.ToString());
            }
        }
    }

    /// <summary>Every click and keystroke of a journey goes through here and is counted.</summary>
    private sealed class Effort(IPage page)
    {
        public int Clicks { get; private set; }

        public int Keys { get; private set; }

        public async Task ClickAsync(ILocator target)
        {
            Clicks++;
            await target.ClickAsync();
        }

        public async Task TypeAsync(string text)
        {
            Keys += new StringInfo(text).LengthInTextElements;
            await page.Keyboard.TypeAsync(text, new() { Delay = 10 });
        }

        public async Task PressAsync(string key)
        {
            Keys++;
            await page.Keyboard.PressAsync(key);
        }

        /// <summary>Click into a field and type (what a person does in an empty field).</summary>
        public async Task FillAsync(ILocator input, string text)
        {
            await ClickAsync(input);
            await TypeAsync(text);
        }

        /// <summary>Click into a field, select what is there, type over it and Tab out.</summary>
        public async Task ReplaceAsync(ILocator input, string text)
        {
            await ClickAsync(input);
            await PressAsync("Control+A");
            if (text.Length > 0)
            {
                await TypeAsync(text);
            }
            else
            {
                await PressAsync("Delete");
            }

            await PressAsync("Tab");
        }
    }
}
