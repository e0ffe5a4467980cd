using System.Text;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>Exports through HTTP: CSV with BOM, XLSX read back, the list's filters, the caller's scope, and a product export that imports back unchanged.</summary>
public abstract class ExportApiTests(OrderlyApp app)
{
    [Fact]
    public async Task Products_Csv_HasBom_HonoursFilters_AndImportsBackUnchanged()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("EX");
        foreach (var (sku, name) in new[] { ($"{tag}-1", "上海华联, \"特供\""), ($"{tag}-2", "=SUM(A1)"), ($"{tag}-3", "普通 名称") })
        {
            (await admin.PostAsync("/api/products", new { sku, name, unit = "pcs", listPrice = 9.9m, category = tag })).Expect(HttpStatusCode.Created);
        }

        (await admin.PostAsync("/api/products", new { sku = $"{tag}-other", name = "别的", unit = "pcs", listPrice = 1m })).Expect(HttpStatusCode.Created);

        var response = await admin.GetAsync(new Uri($"/api/exports/products.csv?category={tag}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var records = new Domain.Integration.CsvRecordReader(new StringReader(Encoding.UTF8.GetString(bytes[3..]))).Records().ToList();
        Assert.Equal(4, records.Count);
        Assert.Equal([$"{tag}-1", $"{tag}-2", $"{tag}-3"], records.Skip(1).Select(r => r.Fields[0]).Order().ToList());
        Assert.Contains(records, r => r.Fields[1] == "上海华联, \"特供\"");
        Assert.Contains(records, r => r.Fields[1] == "'=SUM(A1)");

        var reimport = await ImportClient.RunAsync(admin, "products", "valid-only", bytes);
        Assert.Equal("Completed", reimport["state"].Str());
        // The formula guard's apostrophe is data on the way back: that one row changes, the other two are unchanged.
        Assert.Equal((0, 1, 2), (reimport["inserted"]!.GetValue<int>(), reimport["updated"]!.GetValue<int>(), reimport["unchanged"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Customers_AreScoped_ARepExportsOnlyTheirOwn()
    {
        using var admin = await app.AdminAsync();
        using var rep = await app.UserAsync("export-rep@orderly.test", "SalesRep");
        var tag = TestData.Unique("SC");
        (await rep.PostAsync("/api/customers", new { code = $"{tag}-mine", name = "我的客户" })).Expect(HttpStatusCode.Created);
        (await admin.PostAsync("/api/customers", new { code = $"{tag}-theirs", name = "别人的客户" })).Expect(HttpStatusCode.Created);

        var repCodes = await CodesAsync(rep, $"/api/exports/customers.csv?q={tag}");
        var adminCodes = await CodesAsync(admin, $"/api/exports/customers.csv?q={tag}");

        Assert.Equal([$"{tag}-mine"], repCodes);
        Assert.Equal([$"{tag}-mine", $"{tag}-theirs"], adminCodes.Order().ToList());
    }

    [Fact]
    public async Task OrdersAndLines_Xlsx_ReadBack_AndStockAndLedger_Csv()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("OX");
        var customer = (await admin.PostAsync("/api/customers", new { code = tag, name = "导出客户" })).Expect(HttpStatusCode.Created).Id();
        var product = (await admin.PostAsync("/api/products", new { sku = tag, name = "导出产品", unit = "pcs", listPrice = 12.5m })).Expect(HttpStatusCode.Created).Id();
        var order = (await admin.PostAsync("/api/orders", new { customerId = customer, currency = "CNY", lines = new[] { new { productId = product, quantity = 4 } } }))
            .Expect(HttpStatusCode.Created);

        var orders = await SheetAsync(admin, $"/api/exports/orders.xlsx?customerId={customer}");
        var row = Assert.Single(orders);
        Assert.Equal(order["number"].Str(), row[0]);
        Assert.Equal("50", row[8]);
        var lines = await SheetAsync(admin, $"/api/exports/order-lines.xlsx?customerId={customer}");
        var line = Assert.Single(lines);
        Assert.Equal((tag, "4"), (line[2], line[5]));

        var warehouse = TestData.Unique("WX");
        (await admin.PostAsync("/api/warehouses", new { code = warehouse, name = "导出仓" })).Expect(HttpStatusCode.Created);
        await ImportClient.RunAsync(admin, "stock", "valid-only", Encoding.UTF8.GetBytes($"warehouse code,sku,on hand\n{warehouse},{tag},30\n"));
        var stock = await CsvAsync(admin, $"/api/exports/stock.csv?productId={product}");
        Assert.Equal([warehouse, tag, "30"], Assert.Single(stock.Skip(1))[..3]);
        var ledger = await CsvAsync(admin, $"/api/exports/ledger.csv?productId={product}");
        Assert.Contains(ledger.Skip(1), r => r[2] == tag && r[5] == "30");
    }

    [Fact]
    public async Task BadFiltersAndUnknownLists_AreProblems()
    {
        using var admin = await app.AdminAsync();
        (await admin.GetJsonAsync("/api/exports/orders.csv?status=Nope")).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync("/api/exports/orders.csv?from=yesterday")).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync("/api/exports/planets.csv")).ExpectProblem(HttpStatusCode.NotFound);
        (await admin.GetJsonAsync("/api/exports/orders.pdf")).ExpectProblem(HttpStatusCode.NotFound);
    }

    private static async Task<List<string[]>> CsvAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        return [.. new Domain.Integration.CsvRecordReader(new StringReader(text)).Records().Where(r => r.Fields.Length > 1).Select(r => r.Fields)];
    }

    private static async Task<List<string>> CodesAsync(HttpClient client, string url) => [.. (await CsvAsync(client, url)).Skip(1).Select(r => r[0])];

    private static async Task<List<string[]>> SheetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = MiniExcel.Query(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), useHeaderRow: false, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object>>()
            .Select(r => r.Values.Select(v => v is IFormattable f ? f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : v?.ToString() ?? "").ToArray())
            .ToList();
        return rows.Skip(1).ToList();
    }
}

public sealed class ExportApiTests_Sqlite(SqliteApp app) : ExportApiTests(app), IClassFixture<SqliteApp>;

public sealed class ExportApiTests_Postgres(PostgresApp app) : ExportApiTests(app), IClassFixture<PostgresApp>;
