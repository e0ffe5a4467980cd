using System.Text.Json.Nodes;
using MiniExcelLibs;
using Orderly.Server.Tests.Inventory;
using Orderly.Server.Tests.Security;

namespace Orderly.Server.Tests.Analytics;

/// <summary>The analyses' XLSX and CSV exports read back: the same rows and figures as the JSON, in the same scope.</summary>
public abstract class AnalyticsExportTests(AnalysisApp app)
{
    [Fact]
    public async Task Exports_ReadBack_EqualTheJson_AndARepExportsOnlyTheirCustomers()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var cheap = await data.ProductAsync(listPrice: 10m);
        var dear = await data.ProductAsync(listPrice: 100m);
        await data.ReceiveAsync(warehouse, cheap, 1_000);
        await data.ReceiveAsync(warehouse, dear, 1_000);
        using var rep = await app.UserNowAsync("rep@exports.test", "SalesRep");
        var repId = await app.UserIdAsync("rep@exports.test");
        var east = (await SecurityKit.CustomerAsync(admin, "导出东方客户", repId)).Id();
        var west = await data.CustomerAsync(region: "West");
        var eastOrder = (await data.OrderAsync(east, (cheap, 8), (dear, 2))).Id();
        (await admin.PostAsync($"/api/orders/{eastOrder}/submit")).Expect(HttpStatusCode.OK);
        var westOrder = (await data.OrderAsync(west, (dear, 3))).Id();
        (await admin.PostAsync($"/api/orders/{westOrder}/submit")).Expect(HttpStatusCode.OK);

        var query = $"from={app.Today:yyyy-MM-dd}&to={app.Today:yyyy-MM-dd}&by=customer";
        var json = (await admin.GetJsonAsync($"/api/analytics/orders?{query}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var sheet = await XlsxAsync(admin, $"/api/analytics/orders/export?format=xlsx&{query}");
        Assert.Equal(json.Count, sheet.Count);
        for (var i = 0; i < json.Count; i++)
        {
            Assert.Equal((json[i]!["key"].Str(), json[i]!["label"].Str()), ((string)sheet[i]["Key"]!, (string)sheet[i]["Item"]!));
            Assert.Equal(json[i]!["figures"]!["value"].Dec(), Dec(sheet[i]["Value"]));
            Assert.Equal(json[i]!["figures"]!["lines"]!.GetValue<long>(), (long)Dec(sheet[i]["Lines"]));
            Assert.Equal(json[i]!["share"].Dec(), Dec(sheet[i]["Share"]));
        }

        // East: 8 x 10 + 2 x 100 = 280 in 2 lines; west 3 x 100 = 300.
        var eastRow = sheet.Single(r => (string)r["Key"]! == east.ToString());
        Assert.Equal((280m, 2m), (Dec(eastRow["Value"]), Dec(eastRow["Lines"])));
        Assert.Equal(300m, Dec(sheet.Single(r => (string)r["Key"]! == west.ToString())["Value"]));

        var mine = await XlsxAsync(rep, $"/api/analytics/orders/export?{query}");
        Assert.Equal([east.ToString()], mine.Select(r => (string)r["Key"]!));

        var csv = await admin.GetAsync($"/api/analytics/orders/export?format=csv&{query}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(json.Count + 1, lines.Length);
        Assert.StartsWith("Key,Item,Orders,Lines,Quantity,Value", lines[0], StringComparison.Ordinal);
        var eastLabel = json.Single(i => i!["key"].Str() == east.ToString())!["label"].Str();
        Assert.Contains("导出东方客户", eastLabel, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith($"{east},{eastLabel},1,2,,280,", StringComparison.Ordinal));

        var asOf = app.Today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var rfm = (await rep.GetJsonAsync($"/api/analytics/customers/rfm?asOf={asOf}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var rfmSheet = await XlsxAsync(rep, $"/api/analytics/customers/rfm/export?asOf={asOf}");
        Assert.Equal(rfm.Select(c => (c!["code"].Str(), c["segment"].Str(), c["monetary"].Dec())),
            rfmSheet.Select(r => ((string)r["Code"]!, (string)r["Segment"]!, Dec(r["Monetary"]))));
        Assert.Single(rfmSheet);
        Assert.Equal(280m, Dec(rfmSheet[0]["Monetary"]));

        var inventory = (await admin.GetJsonAsync("/api/analytics/inventory")).Expect(HttpStatusCode.OK)["products"]!.AsArray();
        var inventorySheet = await XlsxAsync(admin, "/api/analytics/inventory/export");
        Assert.Equal(inventory.Select(p => (p!["sku"].Str(), p["abc"].Str(), p["figures"]!["onHand"].Dec())),
            inventorySheet.Select(r => ((string)r["SKU"]!, (string)r["ABC"]!, Dec(r["On hand"]))));

        var accuracy = (await admin.GetJsonAsync("/api/forecasts/accuracy")).Expect(HttpStatusCode.OK)["rows"]!.AsArray();
        var accuracySheet = await XlsxAsync(admin, "/api/forecasts/accuracy/export?format=xlsx");
        Assert.Equal(accuracy.Select(r => (r!["class"].Str(), r["method"]?.GetValue<string>() ?? "chosen", r["points"]!.GetValue<long>())),
            accuracySheet.Select(r => ((string)r["Class"]!, (string)r["Method"]!, (long)Dec(r["Points"]))));

        (await admin.GetJsonAsync($"/api/analytics/orders/export?format=pdf&{query}")).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync("/api/analytics/orders/export?by=planet")).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.GetAsync("/api/analytics/inventory/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.GetAsync("/api/forecasts/accuracy/export")).StatusCode);
    }

    [Fact]
    public async Task Export_InChinese_HasChineseHeaders()
    {
        using var admin = await app.AdminNowAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/forecasts/accuracy/export?format=csv");
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = System.Text.Encoding.UTF8.GetString((await response.Content.ReadAsByteArrayAsync())[3..]);
        Assert.StartsWith("分类,方法,序列数,点数,WAPE,MASE,偏差", text, StringComparison.Ordinal);
    }

    private static async Task<List<IDictionary<string, object?>>> XlsxAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        return [.. MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object?>>().Where(r => r.Values.Any(v => v is not null))];
    }

    private static decimal Dec(object? cell) => Convert.ToDecimal(cell, System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class AnalyticsExportTests_Sqlite(AnalysisSqliteApp app) : AnalyticsExportTests(app), IClassFixture<AnalysisSqliteApp>;

public sealed class AnalyticsExportTests_Postgres(AnalysisPostgresApp app) : AnalyticsExportTests(app), IClassFixture<AnalysisPostgresApp>;
