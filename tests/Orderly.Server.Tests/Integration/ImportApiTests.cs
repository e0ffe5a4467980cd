using System.Text.Json.Nodes;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>Imports through HTTP: dry run report, atomic and valid-only commits, re-runs, updates with audit, encodings, kinds, limits.</summary>
public abstract class ImportApiTests(OrderlyApp app)
{
    private const string ProductHeader = "SKU,名称,Unit,List price,Category,最低价\r\n";

    [Fact]
    public async Task PriceAndCustomerImports_ChangeWhatTheFileHas_AndKeepTheEnglishNames()
    {
        using var admin = await app.AdminAsync();
        var sku = TestData.Unique("P");
        var product = (await admin.PostAsync("/api/products", new { sku, name = "平垫圈 M6", nameEn = "Flat washer M6", unit = "box", listPrice = 10m }))
            .Expect(HttpStatusCode.Created).Id();
        var code = TestData.Unique("C");
        var customer = (await admin.PostAsync("/api/customers", new { code, name = "成都蓉城机电", nameEn = "Chengdu Rongcheng M&E" }))
            .Expect(HttpStatusCode.Created).Id();

        var prices = await ImportClient.RunAsync(admin, "prices", "valid-only", ImportClient.Bytes($"sku,listPrice\r\n{sku},12.5\r\n", new UTF8Encoding(false)));
        Assert.Equal("Completed", prices["state"].Str());
        var customers = await ImportClient.RunAsync(admin, "customers", "valid-only", ImportClient.Bytes($"code,name\r\n{code},成都蓉城机电有限公司\r\n", new UTF8Encoding(false)));
        Assert.Equal("Completed", customers["state"].Str());

        var read = (await admin.GetJsonAsync($"/api/products/{product}")).Expect(HttpStatusCode.OK);
        Assert.Equal(12.5m, read["listPrice"].Dec());
        Assert.Equal("Flat washer M6", read["nameEn"].Str());
        var buyer = (await admin.GetJsonAsync($"/api/customers/{customer}")).Expect(HttpStatusCode.OK);
        Assert.Equal("成都蓉城机电有限公司", buyer["name"].Str());
        Assert.Equal("Chengdu Rongcheng M&E", buyer["nameEn"].Str());
    }

    [Fact]
    public async Task DryRun_NamesEachBadRow_ByLineColumnAndCode_AndWritesNothing()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("P");
        var csv = ProductHeader
            + $"{tag}-1,螺丝,pcs,12.50,五金,10\r\n"                    // line 2: good
            + $"{tag}-2,螺母,pcs,abc,五金,\r\n"                         // line 3: bad number
            + $"{tag}-1,螺丝重复,pcs,1,五金,\r\n"                        // line 4: duplicate in file
            + $"{tag}-3,{new string('长', 201)},pcs,1,,\r\n"            // line 5: too long
            + $"{tag}-4,\"多行\r\n名称\",pcs,２０．５,,\r\n"                 // lines 6-7: quoted line break in a one-line name
            + $",无编码,pcs,1,,\r\n"                                     // line 8: missing SKU
            + $"{tag}-5,好,pcs,3,,5\r\n";                               // line 9: min above list
        var before = await app.WithDbAsync(db => db.Products.CountAsync());

        var report = await ImportClient.RunAsync(admin, "products", "dry-run", ImportClient.Bytes(csv, ImportClient.Utf8Bom));

        Assert.Equal("Validated", report["state"].Str());
        Assert.Equal(7, report["rows"]!.GetValue<int>());
        Assert.Equal(1, report["valid"]!.GetValue<int>());
        Assert.Equal(6, report["invalid"]!.GetValue<int>());
        var errors = report["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"].Str(), e["code"].Str())).ToList();
        Assert.Equal(
            [(3, "List price", "BadNumber"), (4, "SKU", "DuplicateInFile"), (5, "名称", "TooLong"), (6, "名称", "ControlCharacter"), (8, "SKU", "MissingRequired"), (9, "最低价", "MinPriceAboveListPrice")],
            errors);
        Assert.Equal(before, await app.WithDbAsync(db => db.Products.CountAsync()));
    }

    [Fact]
    public async Task Atomic_WithABadRow_ImportsNothing_ValidOnly_ImportsExactlyTheGoodRows_AndARerunAddsNothing()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("A");
        var csv = ProductHeader + $"{tag}-1,甲,pcs,1,,\r\n{tag}-2,乙,pcs,x,,\r\n{tag}-3,丙,box,3,,\r\n";
        var file = ImportClient.Bytes(csv, new UTF8Encoding(false));

        var atomic = await ImportClient.RunAsync(admin, "products", "atomic", file);
        Assert.Equal("Rejected", atomic["state"].Str());
        Assert.Equal(0, await CountAsync(tag));

        var validOnly = await ImportClient.RunAsync(admin, "products", "valid-only", file);
        Assert.Equal("Completed", validOnly["state"].Str());
        Assert.Equal(2, validOnly["inserted"]!.GetValue<int>());
        Assert.Equal([$"{tag}-1", $"{tag}-3"], await SkusAsync(tag));

        var rerun = await ImportClient.RunAsync(admin, "products", "valid-only", file);
        Assert.Equal(0, rerun["inserted"]!.GetValue<int>());
        Assert.Equal(0, rerun["updated"]!.GetValue<int>());
        Assert.Equal(2, rerun["unchanged"]!.GetValue<int>());
        Assert.Equal(2, await CountAsync(tag));
    }

    [Fact]
    public async Task DryRunThenCommit_Atomic_ImportsAll_AndAChangedRowUpdatesWithAnAuditRecord()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("U");
        var dry = await ImportClient.RunAsync(admin, "products", "dry-run", ImportClient.Bytes(ProductHeader + $"{tag}-1,旧名,pcs,10,,\r\n{tag}-2,二,pcs,5,,\r\n", Encoding.UTF8));
        var committed = await ImportClient.CommitAsync(admin, dry.Id(), "atomic");
        Assert.Equal("Completed", committed["state"].Str());
        Assert.Equal(2, committed["inserted"]!.GetValue<int>());
        var id = await app.WithDbAsync(db => db.Products.Where(p => p.Sku == tag + "-1").Select(p => p.Id).SingleAsync());
        var auditsBefore = await app.WithDbAsync(db => db.AuditRecords.CountAsync(a => a.EntityId == id.ToString()));

        var changed = await ImportClient.RunAsync(admin, "products", "atomic", ImportClient.Bytes(ProductHeader + $"{tag}-1,新名,pcs,11.5,,\r\n{tag}-2,二,pcs,5,,\r\n", Encoding.UTF8));

        Assert.Equal("Completed", changed["state"].Str());
        Assert.Equal(1, changed["updated"]!.GetValue<int>());
        Assert.Equal(1, changed["unchanged"]!.GetValue<int>());
        var product = await app.WithDbAsync(db => db.Products.SingleAsync(p => p.Id == id));
        Assert.Equal("新名", product.Name);
        Assert.Equal(1150, product.ListPriceMinor);
        Assert.Equal(auditsBefore + 1, await app.WithDbAsync(db => db.AuditRecords.CountAsync(a => a.EntityId == id.ToString())));
    }

    [Fact]
    public async Task Gb18030File_WithEnglishHeaders_IsDetectedAndRoundTripsChinese()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("G");
        var csv = $"sku,name,unit,listprice\r\n{tag}-1,上海华联贸易专用螺丝,个,8\r\n";
        var result = await ImportClient.RunAsync(admin, "products", "valid-only", ImportClient.Bytes(csv, Domain.Integration.TextDecoding.Gb18030));
        Assert.Equal("Completed", result["state"].Str());
        Assert.Equal("gb18030", result["encoding"].Str());
        Assert.Equal("上海华联贸易专用螺丝", await app.WithDbAsync(db => db.Products.Where(p => p.Sku == tag + "-1").Select(p => p.Name).SingleAsync()));
    }

    [Fact]
    public async Task Xlsx_FromTheTemplate_Imports_WithSheetRowNumbersInErrors()
    {
        using var admin = await app.AdminAsync();
        var template = await admin.GetAsync(new Uri("/api/imports/templates/products.xlsx", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, template.StatusCode);
        var headers = MiniExcel.Query(new MemoryStream(await template.Content.ReadAsByteArrayAsync()), useHeaderRow: false).Cast<IDictionary<string, object>>().First()
            .Values.Select(v => v?.ToString() ?? "").ToList();
        Assert.Contains("SKU / 物料编码 *", headers);
        Assert.Contains("List price / 标准价 *", headers);

        var tag = TestData.Unique("X");
        var rows = new[]
        {
            new Dictionary<string, object?> { [headers[0]] = tag + "-1", [headers[1]] = "表格产品", [headers[2]] = "pcs", [headers[3]] = 9.9m },
            new Dictionary<string, object?> { [headers[0]] = tag + "-2", [headers[1]] = "坏价格", [headers[2]] = "pcs", [headers[3]] = "九块" },
        };
        using var sheet = new MemoryStream();
        sheet.SaveAs(rows, excelType: ExcelType.XLSX);

        var result = await ImportClient.RunAsync(admin, "products", "valid-only", sheet.ToArray(), "products.xlsx");

        Assert.Equal("Completed", result["state"].Str());
        Assert.Equal(1, result["inserted"]!.GetValue<int>());
        var error = Assert.Single(result["errors"]!.AsArray())!;
        Assert.Equal(3, error["row"]!.GetValue<int>());
        Assert.Equal("List price / 标准价 *", error["column"].Str());
        Assert.Equal("BadNumber", error["code"].Str());
    }

    [Fact]
    public async Task Stock_UnknownSkuAndWarehouse_AreNamed_AndTheRestBecomesOnHand_Once()
    {
        using var admin = await app.AdminAsync();
        var warehouse = TestData.Unique("WH");
        (await admin.PostAsync("/api/warehouses", new { code = warehouse, name = "导入仓" })).Expect(HttpStatusCode.Created);
        var sku = TestData.Unique("S");
        var product = (await admin.PostAsync("/api/products", new { sku, name = "库存品", unit = "pcs", listPrice = 1m })).Expect(HttpStatusCode.Created).Id();
        var csv = $"仓库编码,物料编码,现有库存\r\n{warehouse},{sku},120\r\n{warehouse},NOPE-{sku},5\r\nNOWH,{sku},5\r\n{warehouse},{sku},7\r\n";
        var file = ImportClient.Bytes(csv, Encoding.UTF8);

        var first = await ImportClient.RunAsync(admin, "stock", "valid-only", file);
        var again = await ImportClient.RunAsync(admin, "stock", "valid-only", file);

        Assert.Equal([(3, "物料编码", "UnknownSku"), (4, "仓库编码", "UnknownWarehouse"), (5, "物料编码", "DuplicateInFile")],
            first["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"].Str(), e["code"].Str())).ToList());
        Assert.Equal(1, first["inserted"]!.GetValue<int>());
        Assert.Equal(1, again["unchanged"]!.GetValue<int>());
        Assert.Equal(120m, await app.WithDbAsync(db => db.StockBalances.Where(b => b.ProductId == product).Select(b => b.OnHand).SingleAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.StockLedger.CountAsync(e => e.ProductId == product)));
    }

    [Fact]
    public async Task Stock_Atomic_WithARowRefusedOnlyWhenBooked_InTheLastBatch_LeavesNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouseId = await data.WarehouseAsync();
        var warehouse = await app.WithDbAsync(db => db.Warehouses.Where(w => w.Id == warehouseId).Select(w => w.Code).SingleAsync());
        var tag = TestData.Unique("OS");
        // More rows than one batch of a tracked kind (1,000), so a commit per batch would have kept the first thousand.
        var products = new StringBuilder(ProductHeader);
        for (var i = 0; i <= ImportRunnerBatch; i++)
        {
            products.Append(CultureInfo.InvariantCulture, $"{tag}-{i:D4},物料 {i},pcs,1,,\r\n");
        }

        Assert.Equal("Completed", (await ImportClient.RunAsync(admin, "products", "valid-only", ImportClient.Bytes(products.ToString(), Encoding.UTF8)))["state"].Str());
        var last = await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-{ImportRunnerBatch:D4}").Select(p => p.Id).SingleAsync());
        await data.ReceiveAsync(warehouseId, last, 10);
        var order = await data.OrderAsync(await data.CustomerAsync(), (last, 5));
        (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);
        var stock = new StringBuilder("仓库编码,物料编码,现有库存\r\n");
        for (var i = 0; i < ImportRunnerBatch; i++)
        {
            stock.Append(CultureInfo.InvariantCulture, $"{warehouse},{tag}-{i:D4},50\r\n");
        }

        // The last row passes the file checks but counts fewer than the 5 reserved: the Inventory refuses it when booked.
        stock.Append(CultureInfo.InvariantCulture, $"{warehouse},{tag}-{ImportRunnerBatch:D4},2\r\n");
        var before = await app.WithDbAsync(db => db.StockLedger.CountAsync(e => e.WarehouseId == warehouseId));

        var atomic = await ImportClient.RunAsync(admin, "stock", "atomic", ImportClient.Bytes(stock.ToString(), Encoding.UTF8));

        Assert.Equal("Rejected", atomic["state"].Str());
        Assert.Equal([(ImportRunnerBatch + 2, "On hand", "CountBelowReserved")],
            atomic["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"].Str(), e["code"].Str())).ToList());
        Assert.Equal(before, await app.WithDbAsync(db => db.StockLedger.CountAsync(e => e.WarehouseId == warehouseId)));
        Assert.Equal([last], await app.WithDbAsync(db => db.StockBalances.Where(b => b.WarehouseId == warehouseId && b.OnHand > 0).Select(b => b.ProductId).ToListAsync()));
        Assert.Equal(10m, (await data.StockAsync(last, warehouseId))["onHand"].Dec());

        var validOnly = await ImportClient.RunAsync(admin, "stock", "valid-only", ImportClient.Bytes(stock.ToString(), Encoding.UTF8));
        Assert.Equal((ImportRunnerBatch, 1), (validOnly["inserted"]!.GetValue<int>(), validOnly["invalid"]!.GetValue<int>()));
        Assert.Equal(50m, (await data.StockAsync(await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-0000").Select(p => p.Id).SingleAsync()), warehouseId))["onHand"].Dec());
    }

    [Fact]
    public async Task Orders_GroupedByReference_GoThroughOrderEntry_WholeOrdersOnly_AndARerunAddsNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var customerId = await data.CustomerAsync();
        var customer = await app.WithDbAsync(db => db.Customers.Where(c => c.Id == customerId).Select(c => c.Code).SingleAsync());
        var skus = new List<string>();
        foreach (var price in new[] { 100m, 40m })
        {
            var id = await data.ProductAsync(listPrice: price);
            skus.Add(await app.WithDbAsync(db => db.Products.Where(p => p.Id == id).Select(p => p.Sku).SingleAsync()));
        }

        var tag = TestData.Unique("OR");
        var csv = "订单参考号,客户编码,物料编码,数量,单价,要求交货日期\r\n"
            + $"{tag}-1,{customer},{skus[0]},2,,2027-01-10\r\n"   // line 2
            + $"{tag}-1,{customer},{skus[1]},1,,\r\n"             // line 3
            + $"{tag}-2,{customer},{skus[0]},x,,\r\n"             // line 4: bad number, refuses order 2
            + $"{tag}-2,{customer},{skus[1]},1,,\r\n"             // line 5: refused with its order when committing
            + $"{tag}-3,NOPE-{tag},{skus[0]},1,,\r\n"            // line 6: unknown customer
            + $"{tag}-4,{customer},{skus[1]},3,,2027/2/1\r\n"     // line 7
            + $"{tag}-1,{customer},{skus[0]},1,,\r\n";            // line 8: order 1 again, not together
        var file = ImportClient.Bytes(csv, Encoding.UTF8);

        var dry = await ImportClient.RunAsync(admin, "orders", "dry-run", file);
        Assert.Equal([(4, "数量", "BadNumber"), (6, "客户编码", "UnknownCustomer"), (8, "订单参考号", "DuplicateInFile")], Errors(dry));
        var atomic = await ImportClient.RunAsync(admin, "orders", "atomic", file);
        Assert.Equal("Rejected", atomic["state"].Str());
        Assert.Empty(await ImportedOrdersAsync(tag));

        var validOnly = await ImportClient.RunAsync(admin, "orders", "valid-only", file);

        Assert.Equal("Completed", validOnly["state"].Str());
        Assert.Equal((3, 3, 4), (validOnly["inserted"]!.GetValue<int>(), validOnly["valid"]!.GetValue<int>(), validOnly["invalid"]!.GetValue<int>()));
        Assert.Equal([(4, "数量", "BadNumber"), (5, "Order reference", "OrderRefused"), (6, "客户编码", "UnknownCustomer"), (8, "订单参考号", "DuplicateInFile")], Errors(validOnly));
        var orders = await ImportedOrdersAsync(tag);
        Assert.Equal([($"{tag}-1", 24000L, 2, new DateOnly(2027, 1, 10), "Draft"), ($"{tag}-4", 12000L, 1, new DateOnly(2027, 2, 1), "Draft")], orders);

        var rerun = await ImportClient.RunAsync(admin, "orders", "valid-only", file);
        Assert.Equal((0, 3), (rerun["inserted"]!.GetValue<int>(), rerun["unchanged"]!.GetValue<int>()));
        Assert.Equal(2, (await ImportedOrdersAsync(tag)).Count);

        using var rep = await app.UserAsync($"import-rep-{tag}@orderly.test", "SalesRep");
        var notYours = await ImportClient.RunAsync(rep, "orders", "dry-run", file);
        Assert.Contains((2, "客户编码", "UnknownCustomer"), Errors(notYours));
    }

    private static List<(int, string, string)> Errors(JsonNode report) =>
        [.. report["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"].Str(), e["code"].Str()))];

    private Task<List<(string, long, int, DateOnly?, string)>> ImportedOrdersAsync(string tag) =>
        app.WithDbAsync(async db =>
        {
            var links = await db.Set<Orderly.Domain.Integration.ExternalLink>().Where(l => l.Connector == "import" && l.ExternalId.StartsWith(tag))
                .Select(l => new { l.ExternalId, l.LocalId }).ToListAsync();
            var ids = links.Select(l => l.LocalId).ToList();
            var orders = await db.SalesOrders.Where(o => ids.Contains(o.Id)).Select(o => new { o.Id, o.TotalMinor, Lines = o.Lines.Count, o.RequestedDeliveryDate, o.Status }).ToListAsync();
            return links.Join(orders, l => l.LocalId, o => o.Id, (l, o) => (l.ExternalId, o.TotalMinor, o.Lines, o.RequestedDeliveryDate, o.Status.ToString()))
                .OrderBy(o => o.ExternalId, StringComparer.Ordinal).ToList();
        });

    [Fact]
    public async Task Customers_WithContacts_ImportAndUpdate_AndSuppliers_Import()
    {
        using var admin = await app.AdminAsync();
        var code = TestData.Unique("CU");
        var csv = $"客户编码,名称,地区,信用额度,联系人,联系人电话\r\n{code},华联贸易,华东,50000,张伟,13800000000\r\n";
        var first = await ImportClient.RunAsync(admin, "customers", "atomic", ImportClient.Bytes(csv, Encoding.UTF8));
        Assert.Equal("Completed", first["state"].Str());
        var changed = await ImportClient.RunAsync(admin, "customers", "atomic", ImportClient.Bytes(csv.Replace("华东", "华南", StringComparison.Ordinal), Encoding.UTF8));
        Assert.Equal(1, changed["updated"]!.GetValue<int>());
        var customer = await app.WithDbAsync(db => db.Customers.SingleAsync(c => c.Code == code));
        Assert.Equal("华南", customer.Region);
        Assert.Equal(5_000_000, customer.CreditLimitMinor);
        Assert.Equal("张伟", Assert.Single(customer.Contacts).Name);

        var supplier = TestData.Unique("SU");
        var suppliers = await ImportClient.RunAsync(admin, "suppliers", "valid-only", ImportClient.Bytes($"供应商编码,名称,交货周期天数\r\n{supplier},宁波五金,12\r\n", Encoding.UTF8));
        Assert.Equal(1, suppliers["inserted"]!.GetValue<int>());
        Assert.Equal(12, await app.WithDbAsync(db => db.Suppliers.Where(s => s.Code == supplier).Select(s => s.LeadTimeDays).SingleAsync()));
    }

    [Fact]
    public async Task RejectExisting_NamesDuplicatesOfExistingRecords()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("E");
        await ImportClient.RunAsync(admin, "products", "atomic", ImportClient.Bytes(ProductHeader + $"{tag}-1,有,pcs,1,,\r\n", Encoding.UTF8));
        var result = await ImportClient.RunAsync(admin, "products", "dry-run", ImportClient.Bytes(ProductHeader + $"{tag}-1,有,pcs,1,,\r\n{tag}-2,新,pcs,1,,\r\n", Encoding.UTF8), extra: "&rejectExisting=true");
        var error = Assert.Single(result["errors"]!.AsArray())!;
        Assert.Equal((2, "DuplicateOfExisting"), (error["row"]!.GetValue<int>(), error["code"].Str()));
    }

    [Fact]
    public async Task MissingRequiredColumn_RejectsTheFile_AtTheHeader()
    {
        using var admin = await app.AdminAsync();
        var result = await ImportClient.RunAsync(admin, "products", "dry-run", ImportClient.Bytes("SKU,名称\r\nA,B\r\n", Encoding.UTF8));
        Assert.Equal("Rejected", result["state"].Str());
        Assert.All(result["errors"]!.AsArray(), e => Assert.Equal((1, "MissingRequired"), (e!["row"]!.GetValue<int>(), e["code"].Str())));
        Assert.Equal(2, result["errors"]!.AsArray().Count);
    }

    [Fact]
    public async Task Kinds_NeedTheRoleThatManagesTheData()
    {
        using var rep = await app.UserAsync("import-rep@orderly.test", "SalesRep");
        using var warehouse = await app.UserAsync("import-wh@orderly.test", "Warehouse");
        using var viewer = await app.UserAsync("import-viewer@orderly.test", "Viewer");
        var file = ImportClient.Bytes(ProductHeader + "Z,Z,pcs,1,,\r\n", Encoding.UTF8);
        (await ImportClient.UploadAsync(rep, "products", "dry-run", file)).ExpectProblem(HttpStatusCode.Forbidden);
        (await ImportClient.UploadAsync(warehouse, "products", "dry-run", file)).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportClient.UploadAsync(viewer, "products", "dry-run", file)).Status);
        var own = (await ImportClient.UploadAsync(rep, "customers", "dry-run", ImportClient.Bytes("code,name\r\nR1,代表客户\r\n", Encoding.UTF8))).Expect(HttpStatusCode.Accepted).Id();
        using var admin = await app.AdminAsync();
        await ImportClient.SettledAsync(rep, own);
        (await warehouse.GetJsonAsync($"/api/imports/{own}")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BadRequests_AreProblems_NeverServerErrors()
    {
        using var admin = await app.AdminAsync();
        var file = ImportClient.Bytes("a\r\n", Encoding.UTF8);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ImportClient.UploadAsync(admin, "planets", "dry-run", file)).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ImportClient.UploadAsync(admin, "products", "sometimes", file)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ImportClient.UploadAsync(admin, "products", "dry-run", file, "data.exe")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ImportClient.UploadAsync(admin, "products", "dry-run", Encoding.UTF8.GetBytes("not a zip"), "data.xlsx")).Status);
        var broken = await ImportClient.RunAsync(admin, "products", "dry-run", ImportClient.Bytes("SKU,name,unit,listPrice\r\n\"never closed,a,b,1\r\n", Encoding.UTF8));
        Assert.Equal("Failed", broken["state"].Str());
        (await admin.GetJsonAsync($"/api/imports/{Guid.NewGuid()}")).ExpectProblem(HttpStatusCode.NotFound);
        (await admin.GetJsonAsync("/api/imports/templates/planets.xlsx")).ExpectProblem(HttpStatusCode.NotFound);
        var done = await ImportClient.RunAsync(admin, "products", "dry-run", ImportClient.Bytes(ProductHeader, Encoding.UTF8));
        (await admin.PostAsync($"/api/imports/{done.Id()}/cancel")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/imports/{done.Id()}/commit")).ExpectProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ImportedProducts_AreWrittenInBulk_ExactlyAsTheApiWritesThem_WithOneLinkedAuditRecordEach()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("B");
        var viaApi = (await admin.PostAsync("/api/products", new { sku = $"{tag}-api", name = "批量 \"对照\", 甲", unit = "box", listPrice = 12.34m, category = "五金", minPrice = 10m }))
            .Expect(HttpStatusCode.Created);
        var rows = new StringBuilder(ProductHeader);
        for (var i = 0; i < ProductBatch + 7; i++)
        {
            rows.Append(System.Globalization.CultureInfo.InvariantCulture, $"{tag}-{i:D5},\"批量 \"\"对照\"\", 甲\",box,12.34,五金,10\r\n");
        }

        var result = await ImportClient.RunAsync(admin, "products", "valid-only", ImportClient.Bytes(rows.ToString(), Encoding.UTF8));
        Assert.Equal(ProductBatch + 7, result["inserted"]!.GetValue<int>());

        // A row written by the bulk insert reads back like the API's: every column but the id, SKU and times.
        var (api, imported) = await app.WithDbAsync(async db => (
            await db.Products.AsNoTracking().SingleAsync(p => p.Sku == $"{tag}-api"),
            await db.Products.AsNoTracking().SingleAsync(p => p.Sku == $"{tag}-00042")));
        Assert.Equal(viaApi.Id(), api.Id);
        Assert.Equal((api.Name, api.Unit, api.ListPriceMinor, api.MinPriceMinor, api.CostMinor, api.Currency, api.Category, api.IsActive, api.IsWholeUnit, api.Version),
            (imported.Name, imported.Unit, imported.ListPriceMinor, imported.MinPriceMinor, imported.CostMinor, imported.Currency, imported.Category, imported.IsActive, imported.IsWholeUnit, imported.Version));
        Assert.True(Math.Abs((imported.CreatedAt - DateTimeOffset.UtcNow).TotalMinutes) < 5, $"created at {imported.CreatedAt:O}");
        Assert.Equal(ProductBatch + 7, await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag + "-0")).Select(p => p.Id).Distinct().CountAsync()));

        // One Create record per product, with the same fields as the API's own, by the importing user; the chain holds.
        var (apiAudit, importAudit, creates) = await app.WithDbAsync(async db => (
            await db.AuditRecords.AsNoTracking().SingleAsync(a => a.EntityId == api.Id.ToString()),
            await db.AuditRecords.AsNoTracking().SingleAsync(a => a.EntityId == imported.Id.ToString()),
            await CreatesAsync(db, tag)));
        Assert.Equal(("Create", apiAudit.EntityType, apiAudit.ActorId), (importAudit.Action, importAudit.EntityType, importAudit.ActorId));
        Assert.Equal(
            Security.SecurityKit.ChangesOf(apiAudit).Select(c => (c.Field, c.Old)).OrderBy(c => c.Field).ToList(),
            Security.SecurityKit.ChangesOf(importAudit).Select(c => (c.Field, c.Old)).OrderBy(c => c.Field).ToList());
        Assert.Contains(Security.SecurityKit.ChangesOf(importAudit), c => c.Field == "name" && c.New == "批量 \"对照\", 甲");
        // Chinese is stored as itself in both records' JSON (not \uXXXX); the quote is still escaped.
        Assert.Contains("\"批量 \\u0022对照\\u0022, 甲\"", importAudit.Changes, StringComparison.Ordinal);
        Assert.Contains("\"五金\"", apiAudit.Changes, StringComparison.Ordinal);
        Assert.Equal(ProductBatch + 7, creates);
        var verification = await app.WithDbAsync(db => Orderly.Server.Audit.AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);
    }

    private static async Task<int> CreatesAsync(Orderly.Server.Data.OrderlyDbContext db, string tag)
    {
        var ids = (await db.Products.Where(p => p.Sku.StartsWith(tag + "-0")).Select(p => p.Id).ToListAsync()).Select(id => id.ToString()).ToList();
        return await db.AuditRecords.CountAsync(a => a.Action == "Create" && ids.Contains(a.EntityId));
    }

    private const int ImportRunnerBatch = Orderly.Server.Integration.ImportOptions.TrackedBatchRows;

    private const int ProductBatch = Orderly.Server.Integration.ImportOptions.DefaultCommitBatchRows;

    private Task<int> CountAsync(string tag) => app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag)));

    private Task<List<string>> SkusAsync(string tag) => app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync());
}

public sealed class ImportApiTests_Sqlite(SqliteApp app) : ImportApiTests(app), IClassFixture<SqliteApp>;

public sealed class ImportApiTests_Postgres(PostgresApp app) : ImportApiTests(app), IClassFixture<PostgresApp>;
