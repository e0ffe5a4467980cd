using Microsoft.EntityFrameworkCore;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Inventory;

/// <summary>Warehouses, stock receipts, balances and the ledger through HTTP.</summary>
public abstract class WarehouseAndStockApiTests(OrderlyApp app)
{
    [Fact]
    public async Task Warehouse_CreateGetAndList_WithTheContractFields()
    {
        using var admin = await app.AdminAsync();
        var code = TestData.Unique("WH");
        var created = (await admin.PostAsync("/api/warehouses", new { code, name = "上海浦东仓", region = "华东" })).Expect(HttpStatusCode.Created);
        var read = (await admin.GetJsonAsync($"/api/warehouses/{created.Id()}")).Expect(HttpStatusCode.OK);
        foreach (var warehouse in new[] { created, read })
        {
            Assert.Equal(code, warehouse["code"].Str());
            Assert.Equal("上海浦东仓", warehouse["name"].Str());
            Assert.Equal("华东", warehouse["region"].Str());
            Assert.True(warehouse["isActive"]!.GetValue<bool>());
        }

        var listed = await AllWarehouseIdsAsync(admin);
        Assert.Contains(created.Id(), listed);
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public async Task Warehouse_WithATakenCode_Answers409_AndUnknownId404()
    {
        using var admin = await app.AdminAsync();
        var code = TestData.Unique("WH");
        (await admin.PostAsync("/api/warehouses", new { code, name = "一号仓" })).Expect(HttpStatusCode.Created);
        var before = await app.WithDbAsync(db => db.Warehouses.CountAsync());

        var conflict = (await admin.PostAsync("/api/warehouses", new { code, name = "二号仓" })).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("DuplicateCode", conflict["code"].Str());
        Assert.Equal(before, await app.WithDbAsync(db => db.Warehouses.CountAsync()));
        (await admin.GetJsonAsync($"/api/warehouses/{Guid.NewGuid()}")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Receipt_RaisesOnHand_AndTheLedgerNamesTheReceipt()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();

        var receipt = (await admin.PostAsync("/api/inventory/receipts", new { warehouseId = warehouse, reference = "采购入库-001", lines = new[] { new { productId = product, quantity = 40 } } }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(warehouse, receipt["warehouseId"]!.GetValue<Guid>());
        Assert.Equal(40m, receipt["lines"]![0]!["quantity"].Dec());

        var stock = await data.StockAsync(product, warehouse);
        Assert.Equal(product, stock["productId"]!.GetValue<Guid>());
        Assert.Equal(warehouse, stock["warehouseId"]!.GetValue<Guid>());
        Assert.Equal(40m, stock["onHand"].Dec());
        Assert.Equal(0m, stock["reserved"].Dec());
        Assert.Equal(40m, stock["available"].Dec());

        var ledger = (await admin.GetJsonAsync($"/api/inventory/ledger?productId={product}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var entry = Assert.Single(ledger)!;
        Assert.Equal("Receipt", entry["kind"].Str());
        Assert.Equal("Receipt", entry["causeType"].Str());
        Assert.Equal(receipt.Id(), entry["causeId"]!.GetValue<Guid>());
        Assert.Equal(40m, entry["onHandDelta"].Dec());
        Assert.Equal(0m, entry["reservedDelta"].Dec());
        Assert.Equal(warehouse, entry["warehouseId"]!.GetValue<Guid>());
        Assert.Equal("采购入库-001", entry["note"].Str());
    }

    [Fact]
    public async Task Receipts_Accumulate_PerWarehouse_AndTheStockFilterSeparatesThem()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var east = await data.WarehouseAsync("East");
        var west = await data.WarehouseAsync("West");
        var product = await data.ProductAsync(isWholeUnit: false);
        await data.ReceiveAsync(east, product, 2.5m);
        await data.ReceiveAsync(east, product, 0.125m);
        await data.ReceiveAsync(west, product, 7m);

        Assert.Equal(2.625m, (await data.StockAsync(product, east))["onHand"].Dec());
        Assert.Equal(7m, (await data.StockAsync(product, west))["onHand"].Dec());
        var all = (await admin.GetJsonAsync($"/api/inventory/stock?productId={product}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal(2, all.Count);
        var ledger = (await admin.GetJsonAsync($"/api/inventory/ledger?productId={product}&warehouseId={east}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal([0.125m, 2.5m], ledger.Select(e => e!["onHandDelta"].Dec()));
    }

    [Fact]
    public async Task Receipt_WithBadLines_Answers422NamingEachLine_AndMovesNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var pieces = await data.ProductAsync(isWholeUnit: true);
        var kilos = await data.ProductAsync(isWholeUnit: false);
        await data.ReceiveAsync(warehouse, pieces, 5);

        var problem = (await admin.PostAsync("/api/inventory/receipts", new
        {
            warehouseId = warehouse,
            lines = new object[]
            {
                new { productId = pieces, quantity = 3 },
                new { productId = Guid.NewGuid(), quantity = 1 },
                new { productId = pieces, quantity = 0 },
                new { productId = pieces, quantity = 1.5m },
                new { productId = kilos, quantity = -2m },
                new { productId = kilos, quantity = 1.0005m },
            },
        })).ExpectViolations(
            ("lines[1].productId", "UnknownProduct"),
            ("lines[2].quantity", "InvalidQuantity"),
            ("lines[3].quantity", "FractionalQuantity"),
            ("lines[4].quantity", "InvalidQuantity"),
            ("lines[5].quantity", "InvalidQuantity"));
        Assert.DoesNotContain(problem.Violations(), v => v.Field.StartsWith("lines[0]", StringComparison.Ordinal));

        Assert.Equal(5m, (await data.StockAsync(pieces, warehouse))["onHand"].Dec());
        Assert.Empty((await admin.GetJsonAsync($"/api/inventory/stock?productId={kilos}")).Expect(HttpStatusCode.OK)["items"]!.AsArray());
        Assert.Single((await admin.GetJsonAsync($"/api/inventory/ledger?productId={pieces}")).Expect(HttpStatusCode.OK)["items"]!.AsArray());
    }

    [Fact]
    public async Task Receipt_IntoAnUnknownWarehouse_OrWithoutLines_Answers422()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var warehouse = await data.WarehouseAsync();

        (await admin.PostAsync("/api/inventory/receipts", new { warehouseId = Guid.NewGuid(), lines = new[] { new { productId = product, quantity = 1 } } }))
            .ExpectViolations(("warehouseId", "UnknownWarehouse"));
        (await admin.PostAsync("/api/inventory/receipts", new { warehouseId = warehouse, lines = Array.Empty<object>() }))
            .ExpectViolations(("lines", "LineCount"));
        Assert.Empty((await admin.GetJsonAsync($"/api/inventory/stock?productId={product}")).Expect(HttpStatusCode.OK)["items"]!.AsArray());
    }

    [Fact]
    public async Task SubmittedOrder_ReservesStock_AndTheLedgerNamesTheOrder()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var order = (await data.OrderAsync(customer, (product, 6))).Id();
        (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK);

        var stock = await data.StockAsync(product, warehouse);
        Assert.Equal(10m, stock["onHand"].Dec());
        Assert.Equal(6m, stock["reserved"].Dec());
        Assert.Equal(4m, stock["available"].Dec());
        var ledger = (await admin.GetJsonAsync($"/api/inventory/ledger?productId={product}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var reservation = Assert.Single(ledger, e => e!["kind"].Str() == "Reservation")!;
        Assert.Equal("SalesOrder", reservation["causeType"].Str());
        Assert.Equal(order, reservation["causeId"]!.GetValue<Guid>());
        Assert.Equal(6m, reservation["reservedDelta"].Dec());
        Assert.Equal(0m, reservation["onHandDelta"].Dec());
    }

    [Fact]
    public async Task Ledger_PagesNewestFirst_WithoutGapsOrRepeats()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        for (var i = 1; i <= 5; i++)
        {
            await data.ReceiveAsync(warehouse, product, i);
        }

        var quantities = new List<decimal>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await admin.GetJsonAsync($"/api/inventory/ledger?productId={product}&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).Expect(HttpStatusCode.OK);
            quantities.AddRange(page["items"]!.AsArray().Select(e => e!["onHandDelta"].Dec()));
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(++pages <= 3, "paging does not end");
        }
        while (cursor is not null);

        Assert.Equal([5m, 4m, 3m, 2m, 1m], quantities);
    }

    [Fact]
    public async Task Receipts_AreForStockRoles()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        using var rep = await app.UserAsync("stock-rep@orderly.test", "SalesRep");
        using var picker = await app.UserAsync("stock-picker@orderly.test", "Warehouse");
        var body = new { warehouseId = warehouse, lines = new[] { new { productId = product, quantity = 3 } } };

        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync("/api/inventory/receipts", body)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync("/api/warehouses", new { code = TestData.Unique("W"), name = "x" })).Status);
        (await picker.PostAsync("/api/inventory/receipts", body)).Expect(HttpStatusCode.Created);
        Assert.Equal(3m, (await data.StockAsync(product, warehouse))["onHand"].Dec());
        (await rep.GetJsonAsync($"/api/inventory/stock?productId={product}")).Expect(HttpStatusCode.OK);
    }

    private static async Task<List<Guid>> AllWarehouseIdsAsync(HttpClient client)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await client.GetJsonAsync($"/api/warehouses?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).Expect(HttpStatusCode.OK);
            ids.AddRange(page["items"]!.AsArray().Select(w => w!.Id()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        return ids;
    }
}

public sealed class WarehouseAndStockApiTests_Sqlite(SqliteApp app) : WarehouseAndStockApiTests(app), IClassFixture<SqliteApp>;

public sealed class WarehouseAndStockApiTests_Postgres(PostgresApp app) : WarehouseAndStockApiTests(app), IClassFixture<PostgresApp>;
