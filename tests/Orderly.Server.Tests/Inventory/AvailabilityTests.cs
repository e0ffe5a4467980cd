using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Tests.Inventory;

/// <summary>Availability and available-to-promise per warehouse through HTTP: now, on a transfer's arrival, after a supplier's lead time, or never.</summary>
public abstract class AvailabilityTests(OrderlyApp app)
{
    [Fact]
    public async Task Availability_WhenInStock_PromisesToday()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var empty = await data.WarehouseAsync("West");
        var product = await data.ProductAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        await ConfirmedOrderAsync(admin, data, (product, 4));

        var availability = await AvailabilityAsync(admin, product, 6);

        Assert.Equal(Today.ToString("yyyy-MM-dd"), availability["today"].Str());
        var row = Row(availability, warehouse);
        Assert.Equal((10m, 4m, 6m, 0m), (row["onHand"].Dec(), row["reserved"].Dec(), row["available"].Dec(), row["incoming"].Dec()));
        Assert.Equal("East", row["region"].Str());
        Assert.Equal((Today, "Stock"), (Date(row), row["promiseSource"].Str()));
        Assert.Null(Row(availability, empty)["availableToPromise"]);
        Assert.Equal((Today, warehouse), (DateOnly.Parse(availability["earliestDate"].Str()), availability["earliestWarehouseId"]!.GetValue<Guid>()));

        var more = await AvailabilityAsync(admin, product, 7);
        Assert.Null(Row(more, warehouse)["availableToPromise"]);
        Assert.Equal("None", more["earliestSource"].Str());
        Assert.Null(more["earliestDate"]);
    }

    [Fact]
    public async Task Availability_WhenATransferIsOnItsWay_PromisesItsArrival_AfterBackorders()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var (from, to) = (await data.WarehouseAsync("East"), await data.WarehouseAsync("North"));
        var product = await data.ProductAsync();
        await data.ReceiveAsync(from, product, 10);
        var (early, late) = (Today.AddDays(2), Today.AddDays(5));
        var first = await TransferAsync(admin, from, to, product, 6, early);
        await TransferAsync(admin, from, to, product, 4, late);

        var availability = await AvailabilityAsync(admin, product, 5);

        var row = Row(availability, to);
        Assert.Equal((0m, 10m), (row["available"].Dec(), row["incoming"].Dec()));
        var arrivals = row["arrivals"]!.AsArray().Select(a => (a!["transferId"]!.GetValue<Guid>(), a["quantity"].Dec(), DateOnly.Parse(a["expectedArrival"].Str()))).ToList();
        Assert.Contains((first, 6m, early), arrivals);
        Assert.Equal((early, "Incoming"), (Date(row), row["promiseSource"].Str()));
        Assert.Null(Row(availability, from)["availableToPromise"]);
        Assert.Equal((early, to), (DateOnly.Parse(availability["earliestDate"].Str()), availability["earliestWarehouseId"]!.GetValue<Guid>()));
        Assert.Equal(10m, (await data.StockAsync(product, to))["incoming"].Dec());

        // A backorder of 3 takes the first arrival's stock first: 6 - 3 = 3 is not 5; both arrivals make 7.
        var order = await ConfirmedOrderAsync(admin, data, (product, 3));
        Assert.Equal(3m, order["lines"]![0]!["backordered"].Dec());
        var afterBackorder = await AvailabilityAsync(admin, product, 5);
        Assert.Equal(3m, afterBackorder["backordered"].Dec());
        Assert.Equal(late, Date(Row(afterBackorder, to)));
        Assert.Null(Row(await AvailabilityAsync(admin, product, 8), to)["availableToPromise"]);
    }

    [Fact]
    public async Task Availability_WithASupplier_PromisesTodayPlusTheShortestLeadTime()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        await data.ReceiveAsync(warehouse, product, 2);
        await SupplierAsync(admin, leadTimeDays: 20, product, productLeadTime: 9);
        await SupplierAsync(admin, leadTimeDays: 12, product, productLeadTime: null);

        var availability = await AvailabilityAsync(admin, product, 5);

        Assert.Equal(9, availability["supplierLeadTimeDays"]!.GetValue<int>());
        var row = Row(availability, warehouse);
        Assert.Equal((Today.AddDays(9), "Supplier"), (Date(row), row["promiseSource"].Str()));
        Assert.Equal("Supplier", availability["earliestSource"].Str());
        Assert.Equal("Stock", Row(await AvailabilityAsync(admin, product, 2), warehouse)["promiseSource"].Str());
    }

    [Fact]
    public async Task Availability_WithoutStockTransfersOrSuppliers_PromisesNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();

        var availability = await AvailabilityAsync(admin, product, 1);

        var row = Row(availability, warehouse);
        Assert.Equal((0m, 0m, 0m), (row["onHand"].Dec(), row["available"].Dec(), row["incoming"].Dec()));
        Assert.Null(row["availableToPromise"]);
        Assert.Equal("None", row["promiseSource"].Str());
        Assert.Null(availability["earliestDate"]);
        Assert.Null(availability["supplierLeadTimeDays"]);
    }

    [Fact]
    public async Task Availability_RefusesBadQuantities_AndUnknownProducts()
    {
        using var viewer = await app.UserAsync("viewer@availability.test", "Viewer");
        using var admin = await app.AdminAsync();
        var product = await new TestData(admin).ProductAsync();

        (await viewer.GetJsonAsync($"/api/inventory/availability?productId={product}")).Expect(HttpStatusCode.OK);
        var zero = (await viewer.GetJsonAsync($"/api/inventory/availability?productId={product}&quantity=0")).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("InvalidQuantity", zero.Codes());
        (await viewer.GetJsonAsync($"/api/inventory/availability?productId={product}&quantity=1.0001")).Expect(HttpStatusCode.UnprocessableEntity);
        (await viewer.GetJsonAsync($"/api/inventory/availability?productId={Guid.NewGuid()}")).Expect(HttpStatusCode.NotFound);
        (await viewer.GetJsonAsync("/api/inventory/availability")).Expect(HttpStatusCode.BadRequest);
    }

    private DateOnly Today => app.Services.GetRequiredService<BusinessCalendar>().Today;

    private static DateOnly Date(JsonNode row) => DateOnly.Parse(row["availableToPromise"].Str(), System.Globalization.CultureInfo.InvariantCulture);

    private static JsonNode Row(JsonNode availability, Guid warehouse) =>
        availability["warehouses"]!.AsArray().Single(w => w!["warehouseId"]!.GetValue<Guid>() == warehouse)!;

    private static async Task<JsonNode> AvailabilityAsync(HttpClient client, Guid product, decimal quantity) =>
        (await client.GetJsonAsync($"/api/inventory/availability?productId={product}&quantity={quantity.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))
            .Expect(HttpStatusCode.OK);

    private static async Task<Guid> TransferAsync(HttpClient admin, Guid from, Guid to, Guid product, decimal quantity, DateOnly arrival) =>
        (await admin.PostAsync("/api/inventory/transfers", new
        {
            fromWarehouseId = from, toWarehouseId = to, expectedArrival = arrival, lines = new[] { new { productId = product, quantity } },
        })).Expect(HttpStatusCode.Created).Id();

    private static async Task SupplierAsync(HttpClient admin, int leadTimeDays, Guid product, int? productLeadTime) =>
        (await admin.PostAsync("/api/suppliers", new
        {
            code = TestData.Unique("SUP"), name = "杭州供应商 " + TestData.Unique("s"), leadTimeDays,
            products = new[] { new { productId = product, dropShip = false, leadTimeDays = productLeadTime } },
        })).Expect(HttpStatusCode.Created);

    private static async Task<JsonNode> ConfirmedOrderAsync(HttpClient admin, TestData data, params (Guid ProductId, decimal Quantity)[] lines)
    {
        var order = await data.OrderAsync(await data.CustomerAsync(), lines);
        var submitted = (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", submitted["status"].Str());
        return submitted;
    }
}

public sealed class AvailabilityTests_Sqlite(SqliteApp app) : AvailabilityTests(app), IClassFixture<SqliteApp>;

public sealed class AvailabilityTests_Postgres(PostgresApp app) : AvailabilityTests(app), IClassFixture<PostgresApp>;
