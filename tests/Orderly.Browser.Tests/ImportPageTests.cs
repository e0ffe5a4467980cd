using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Orderly.Browser.Tests;

/// <summary>
/// The import flow on the Imports page, as a sales manager runs it: choose a file, read the dry run's report with the
/// bad rows highlighted, commit only the good rows, and find the products in the catalog.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ImportPageTests(OrderlyServer server)
{
    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task DryRun_HighlightsEachBadRow_ThenValidOnlyCommitsExactlyTheGoodRows(string language)
    {
        var prefix = $"IMP-{language[..2].ToUpperInvariant()}-{Random.Shared.Next(100_000, 999_999)}-";
        var (file, name) = ProductFile(prefix, language);
        var page = await server.LoginAsync("manager@orderly.local", language: language);
        await page.GotoAsync("/integration/imports");
        await Ui.InteractiveAsync(page);

        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/csv", Buffer = file });

        // The dry run's report: five rows, two of them bad, each named with its row, column and code, and highlighted.
        var report = page.GetByTestId("import-report");
        // The upload and the dry run take a few seconds on a busy machine (the first import also compiles its code).
        await Assertions.Expect(report).ToContainTextAsync(name, new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("import-commit-valid")).ToBeEnabledAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("import-commit-atomic")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("import-invalid")).ToContainTextAsync("2");
        var bad = page.GetByTestId("import-errors").Locator("tbody tr.import-bad-row");
        await Assertions.Expect(bad).ToHaveCountAsync(2);
        // Rows are counted as a spreadsheet shows them: the header is row 1.
        await Assertions.Expect(bad.Filter(new() { HasText = "BadNumber" }).Locator("td").First).ToHaveTextAsync("4");
        await Assertions.Expect(bad.Filter(new() { HasText = "DuplicateInFile" }).Locator("td").First).ToHaveTextAsync("6");
        await Assertions.Expect(page.GetByTestId("import-download-report")).ToBeVisibleAsync();
        // Each problem is named in the reader's language, its code beside it.
        await Assertions.Expect(bad.Filter(new() { HasText = "BadNumber" })).ToContainTextAsync(language == "zh-CN" ? "不是数字" : "Not a number");
        await Assertions.Expect(bad.Filter(new() { HasText = "DuplicateInFile" })).ToContainTextAsync(language == "zh-CN" ? "文件内重复" : "Repeated in the file");
        if (language == "zh-CN")
        {
            // Excel's Chinese CSV: the file is GB18030, and the report says so.
            await Assertions.Expect(report).ToContainTextAsync("gb18030");
        }

        await OrderlyServer.ScreenshotAsync(page, $"import-dry-run-{language}");

        // Nothing is written by a dry run.
        using var api = await server.ApiAsync("manager@orderly.local");
        Assert.Empty(await ProductsAsync(api, prefix));

        await page.GetByTestId("import-commit-valid").ClickAsync();
        await Assertions.Expect(page.GetByTestId("import-commit-valid")).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("import-progress")).ToBeVisibleAsync();
        var skus = await WaitForProductsAsync(api, prefix, 3);
        Assert.Equal([prefix + "1", prefix + "2", prefix + "4"], skus.Order(StringComparer.Ordinal));
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Five rows under the layout's headers (English or Chinese): row 4 has a price that is not a number, row 6 repeats
    /// row 3's SKU, row 5's name holds a quoted comma. The Chinese file is GB18030, as Excel in Chinese saves a CSV.
    /// </summary>
    private static (byte[] File, string Name) ProductFile(string prefix, string language)
    {
        var chinese = language == "zh-CN";
        var text = new StringBuilder()
            .Append(chinese ? "物料编码,名称,单位,标准价,币种\r\n" : "SKU,Name,Unit,List price,Currency\r\n")
            .Append($"{prefix}1,{(chinese ? "六角螺栓 M10×50" : "Hex bolt M10x50")},pcs,1.20,CNY\r\n")
            .Append($"{prefix}2,{(chinese ? "平垫圈 M10" : "Flat washer M10")},pcs,0.15,CNY\r\n")
            .Append($"{prefix}3,{(chinese ? "弹簧垫圈 M10" : "Spring washer M10")},pcs,12.5x,CNY\r\n")
            .Append($"{prefix}4,\"{(chinese ? "法兰螺母 M10，盒装, 100只" : "Flange nut M10, boxed")}\",box,36.00,CNY\r\n")
            .Append($"{prefix}2,{(chinese ? "平垫圈 M10（重复）" : "Flat washer M10 (again)")},pcs,0.16,CNY\r\n");
        if (!chinese)
        {
            return (Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray(), "products-en.csv");
        }

        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return (Encoding.GetEncoding("GB18030").GetBytes(text.ToString()), "物料清单.csv");
    }

    private static async Task<List<string>> ProductsAsync(HttpClient api, string prefix)
    {
        var page = await api.GetFromJsonAsync<JsonObject>($"/api/products?q={Uri.EscapeDataString(prefix)}&limit=50");
        return [.. page!["items"]!.AsArray().Select(p => (string)p!["sku"]!)];
    }

    private static async Task<List<string>> WaitForProductsAsync(HttpClient api, string prefix, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var skus = await ProductsAsync(api, prefix);
            if (skus.Count >= count || DateTime.UtcNow > deadline)
            {
                return skus;
            }

            await Task.Delay(250);
        }
    }
}
