using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Inventory;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Tests.Inventory;

/// <summary>Adjustments, transfers, cycle counts and the ledger export through HTTP, with the stock invariants checked after each.</summary>
public abstract class StockOperationsTests(OrderlyApp app)
{
    [Fact]
    public async Task Adjustment_Decrease_BooksAnAdjustmentWithItsReason()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        await data.ReceiveAsync(warehouse, product, 10);

        var adjustment = (await admin.PostAsync("/api/inventory/adjustments", new
        {
            warehouseId = warehouse, reason = "Damage", note = "叉车撞坏", lines = new[] { new { productId = product, quantity = -3 } },
        })).Expect(HttpStatusCode.Created);

        Assert.Matches(@"^ADJ-\d{4}-\d{6}$", adjustment["number"].Str());
        Assert.Equal("Damage", adjustment["reason"].Str());
        Assert.Equal(-3m, adjustment["lines"]![0]!["quantity"].Dec());
        Assert.Equal(7m, (await data.StockAsync(product, warehouse))["onHand"].Dec());
        var entry = Assert.Single(await LedgerAsync(admin, $"productId={product}&kind=Adjustment"));
        Assert.Equal((-3m, 0m, "Adjustment", adjustment.Id()), (entry["onHandDelta"].Dec(), entry["reservedDelta"].Dec(), entry["causeType"].Str(), entry["causeId"]!.GetValue<Guid>()));
        Assert.StartsWith("Damage ", entry["note"].Str(), StringComparison.Ordinal);
        Assert.EndsWith("叉车撞坏", entry["note"].Str(), StringComparison.Ordinal);
        var read = (await admin.GetJsonAsync($"/api/inventory/adjustments/{adjustment.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(adjustment["number"].Str(), read["number"].Str());
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task Adjustment_BelowReserved_Is422_AndNothingIsWritten()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var (a, b) = (await data.ProductAsync(), await data.ProductAsync());
        await data.ReceiveAsync(warehouse, a, 10);
        await data.ReceiveAsync(warehouse, b, 10);
        await ConfirmedOrderAsync(admin, data, (a, 8));
        var ledgerBefore = await app.WithDbAsync(db => db.StockLedger.CountAsync());

        var refused = (await admin.PostAsync("/api/inventory/adjustments", new
        {
            warehouseId = warehouse, reason = "Loss", lines = new[] { new { productId = b, quantity = -2m }, new { productId = a, quantity = -3m } },
        })).Expect(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("InsufficientStock", refused["code"].Str());
        var violation = Assert.Single(refused["violations"]!.AsArray())!;
        Assert.Equal("lines[1].quantity", violation["field"].Str());
        Assert.Equal((10m, 8m), await OnHandAndReservedAsync(data, a, warehouse));
        Assert.Equal((10m, 0m), await OnHandAndReservedAsync(data, b, warehouse));
        Assert.Equal(ledgerBefore, await app.WithDbAsync(db => db.StockLedger.CountAsync()));
        Assert.False(await app.WithDbAsync(db => db.StockAdjustments.AnyAsync(x => x.WarehouseId == warehouse)));

        // Down to exactly what is reserved is allowed.
        (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Loss", lines = new[] { new { productId = a, quantity = -2m } } }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal((8m, 8m), await OnHandAndReservedAsync(data, a, warehouse));
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task Adjustment_Found_ReservesWaitingBackorders()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var order = await ConfirmedOrderAsync(admin, data, (product, 5));
        Assert.Equal(5m, order["lines"]![0]!["backordered"].Dec());

        (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Found", lines = new[] { new { productId = product, quantity = 6 } } }))
            .Expect(HttpStatusCode.Created);

        var line = (await admin.GetJsonAsync($"/api/orders/{order.Id()}")).Expect(HttpStatusCode.OK)["lines"]![0]!;
        Assert.Equal((5m, 0m), (line["reserved"].Dec(), line["backordered"].Dec()));
        Assert.Equal((6m, 5m), await OnHandAndReservedAsync(data, product, warehouse));
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task Adjustment_InvalidRequests_AreRefused()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();

        var wrongWay = (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Found", lines = new[] { new { productId = product, quantity = -1 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("ReasonDirection", wrongWay.Codes());
        var fractional = (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = Guid.NewGuid(), reason = "Damage", lines = new[] { new { productId = product, quantity = -1.5 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["FractionalQuantity", "UnknownWarehouse"], fractional.Codes().Order(StringComparer.Ordinal));
        var count = (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Count", lines = new[] { new { productId = product, quantity = 1 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("InvalidReason", count.Codes());
        (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Theft", lines = new[] { new { productId = product, quantity = 1 } } }))
            .Expect(HttpStatusCode.BadRequest);

        using var viewer = await app.UserAsync("viewer@stockops.test", "Viewer");
        (await viewer.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Found", lines = new[] { new { productId = product, quantity = 1 } } }))
            .Expect(HttpStatusCode.Forbidden);
        Assert.Equal(0m, (await app.WithDbAsync(db => db.StockBalances.Where(x => x.ProductId == product).Select(x => x.OnHand).ToListAsync())).Sum());
    }

    [Fact]
    public async Task Adjustment_WithIdempotencyKey_IsBookedOnce()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var key = TestData.Unique("adj");
        var body = new { warehouseId = warehouse, reason = "Found", lines = new[] { new { productId = product, quantity = 4 } } };

        var first = await admin.PostAsync("/api/inventory/adjustments", body, r => r.Headers.Add("Idempotency-Key", key));
        var second = await admin.PostAsync("/api/inventory/adjustments", body, r => r.Headers.Add("Idempotency-Key", key));

        Assert.Equal(first.Expect(HttpStatusCode.Created).Id(), second.Expect(HttpStatusCode.Created).Id());
        Assert.Equal("true", second.Response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Response.Headers.Location, second.Response.Headers.Location);
        Assert.Equal(4m, (await data.StockAsync(product, warehouse))["onHand"].Dec());
        var other = await admin.PostAsync("/api/inventory/adjustments", body with { reason = "Correction" }, r => r.Headers.Add("Idempotency-Key", key));
        Assert.Contains("IdempotencyKeyReused", other.Expect(HttpStatusCode.UnprocessableEntity).Codes());
    }

    [Fact]
    public async Task Transfer_GoesOutIsIncomingThenReceived_AndFillsBackorders()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var (from, to) = (await data.WarehouseAsync("East"), await data.WarehouseAsync("North"));
        var product = await data.ProductAsync();
        await data.ReceiveAsync(from, product, 20);
        var arrival = Today.AddDays(3);

        var transfer = (await admin.PostAsync("/api/inventory/transfers", new
        {
            fromWarehouseId = from, toWarehouseId = to, expectedArrival = arrival, note = "补货北京", lines = new[] { new { productId = product, quantity = 20 } },
        })).Expect(HttpStatusCode.Created);
        Assert.Equal("InTransit", transfer["status"].Str());
        Assert.Matches(@"^TR-\d{4}-\d{6}$", transfer["number"].Str());
        var id = transfer.Id();

        // In transit: on no warehouse's shelf, incoming at the destination.
        Assert.Equal((0m, 0m), await OnHandAndReservedAsync(data, product, from));
        var destination = await data.StockAsync(product, to);
        Assert.Equal((0m, 20m), (destination["onHand"].Dec(), destination["incoming"].Dec()));
        var availability = (await admin.GetJsonAsync($"/api/inventory/availability?productId={product}&quantity=8")).Expect(HttpStatusCode.OK);
        var atDestination = WarehouseRow(availability, to);
        Assert.Equal(20m, atDestination["incoming"].Dec());
        Assert.Equal((id, arrival), (atDestination["arrivals"]![0]!["transferId"]!.GetValue<Guid>(), DateOnly.Parse(atDestination["arrivals"]![0]!["expectedArrival"].Str())));
        Assert.Equal(arrival.ToString("yyyy-MM-dd"), atDestination["availableToPromise"].Str());
        Assert.Equal("Incoming", atDestination["promiseSource"].Str());
        await AssertInvariantsAsync();

        // An order placed meanwhile waits for the transfer.
        var order = await ConfirmedOrderAsync(admin, data, (product, 8));
        Assert.Equal(8m, order["lines"]![0]!["backordered"].Dec());

        var received = (await admin.PostAsync($"/api/inventory/transfers/{id}/receive")).Expect(HttpStatusCode.OK);
        Assert.Equal("Received", received["status"].Str());
        Assert.NotNull(received["receivedAt"]);
        Assert.Equal((20m, 8m), await OnHandAndReservedAsync(data, product, to));
        Assert.Equal(0m, (await data.StockAsync(product, to))["incoming"].Dec());
        var line = (await admin.GetJsonAsync($"/api/orders/{order.Id()}")).Expect(HttpStatusCode.OK)["lines"]![0]!;
        Assert.Equal((8m, 0m), (line["reserved"].Dec(), line["backordered"].Dec()));
        var kinds = (await LedgerAsync(admin, $"productId={product}")).Where(e => e["causeType"].Str() == "Transfer")
            .Select(e => (e["kind"].Str(), e["warehouseId"]!.GetValue<Guid>(), e["onHandDelta"].Dec())).Order().ToList();
        Assert.Equal([("TransferIn", to, 20m), ("TransferOut", from, -20m)], kinds);

        var again = (await admin.PostAsync($"/api/inventory/transfers/{id}/receive")).Expect(HttpStatusCode.Conflict);
        Assert.Equal("IllegalTransition", again["code"].Str());
        (await admin.PostAsync($"/api/inventory/transfers/{id}/cancel", new { reason = "太晚" })).Expect(HttpStatusCode.Conflict);
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task Transfer_Cancel_PutsTheStockBackAtTheSource()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var (from, to) = (await data.WarehouseAsync(), await data.WarehouseAsync());
        var product = await data.ProductAsync();
        await data.ReceiveAsync(from, product, 10);
        var id = (await admin.PostAsync("/api/inventory/transfers", new { fromWarehouseId = from, toWarehouseId = to, lines = new[] { new { productId = product, quantity = 4 } } }))
            .Expect(HttpStatusCode.Created).Id();
        Assert.Equal(6m, (await data.StockAsync(product, from))["onHand"].Dec());

        var cancelled = (await admin.PostAsync($"/api/inventory/transfers/{id}/cancel", new { reason = "车辆故障" })).Expect(HttpStatusCode.OK);

        Assert.Equal(("Cancelled", "车辆故障"), (cancelled["status"].Str(), cancelled["cancelReason"].Str()));
        Assert.Equal((10m, 0m), await OnHandAndReservedAsync(data, product, from));
        Assert.Equal((0m, 0m), await OnHandAndReservedAsync(data, product, to));
        Assert.Equal(0m, (await data.StockAsync(product, to))["incoming"].Dec());
        var back = Assert.Single(await LedgerAsync(admin, $"productId={product}&kind=TransferIn"));
        Assert.Equal((from, 4m, id), (back["warehouseId"]!.GetValue<Guid>(), back["onHandDelta"].Dec(), back["causeId"]!.GetValue<Guid>()));
        (await admin.PostAsync($"/api/inventory/transfers/{id}/receive")).Expect(HttpStatusCode.Conflict);
        (await admin.PostAsync($"/api/inventory/transfers/{id}/cancel")).Expect(HttpStatusCode.Conflict);
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task Transfer_OfReservedStock_Is422_AndNothingIsWritten()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var (from, to) = (await data.WarehouseAsync(), await data.WarehouseAsync());
        var product = await data.ProductAsync();
        await data.ReceiveAsync(from, product, 10);
        await ConfirmedOrderAsync(admin, data, (product, 8));

        var refused = (await admin.PostAsync("/api/inventory/transfers", new { fromWarehouseId = from, toWarehouseId = to, lines = new[] { new { productId = product, quantity = 3 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("InsufficientStock", refused["code"].Str());
        Assert.Equal("lines[0].quantity", refused["violations"]![0]!["field"].Str());
        Assert.Equal((10m, 8m), await OnHandAndReservedAsync(data, product, from));
        Assert.False(await app.WithDbAsync(db => db.StockTransfers.AnyAsync(t => t.FromWarehouseId == from)));
        var same = (await admin.PostAsync("/api/inventory/transfers", new { fromWarehouseId = from, toWarehouseId = from, lines = new[] { new { productId = product, quantity = 1 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("SameWarehouse", same.Codes());
        var past = (await admin.PostAsync("/api/inventory/transfers", new { fromWarehouseId = from, toWarehouseId = to, expectedArrival = Today.AddDays(-1), lines = new[] { new { productId = product, quantity = 1 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("ExpectedArrivalInPast", past.Codes());
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task Transfers_AreListedByStatusAndWarehouse_WithETags()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var (from, to, elsewhere) = (await data.WarehouseAsync(), await data.WarehouseAsync(), await data.WarehouseAsync());
        var product = await data.ProductAsync();
        await data.ReceiveAsync(from, product, 10);
        var first = (await admin.PostAsync("/api/inventory/transfers", new { fromWarehouseId = from, toWarehouseId = to, lines = new[] { new { productId = product, quantity = 1 } } }))
            .Expect(HttpStatusCode.Created).Id();
        var second = (await admin.PostAsync("/api/inventory/transfers", new { fromWarehouseId = from, toWarehouseId = elsewhere, lines = new[] { new { productId = product, quantity = 2 } } }))
            .Expect(HttpStatusCode.Created).Id();

        var read = await admin.GetJsonAsync($"/api/inventory/transfers/{first}");
        var etag = read.Response.Headers.ETag!.Tag;
        (await admin.SendAsync(HttpMethod.Post, $"/api/inventory/transfers/{first}/receive", null, r => r.Headers.TryAddWithoutValidation("If-Match", "\"99\"")))
            .Expect(HttpStatusCode.PreconditionFailed);
        (await admin.SendAsync(HttpMethod.Post, $"/api/inventory/transfers/{first}/receive", null, r => r.Headers.TryAddWithoutValidation("If-Match", etag)))
            .Expect(HttpStatusCode.OK);

        Assert.Equal([second, first], await TransferIdsAsync(admin, $"warehouseId={from}"));
        Assert.Equal([first], await TransferIdsAsync(admin, $"warehouseId={to}"));
        Assert.Equal([second], await TransferIdsAsync(admin, $"warehouseId={from}&status=InTransit"));
        Assert.Equal([first], await TransferIdsAsync(admin, $"warehouseId={from}&status=Received"));
        var page = (await admin.GetJsonAsync($"/api/inventory/transfers?warehouseId={from}&limit=1")).Expect(HttpStatusCode.OK);
        var next = (await admin.GetJsonAsync($"/api/inventory/transfers?warehouseId={from}&limit=1&cursor={page["nextCursor"].Str()}")).Expect(HttpStatusCode.OK);
        Assert.Equal([second, first], [page["items"]![0]!.Id(), next["items"]![0]!.Id()]);
        (await admin.GetJsonAsync($"/api/inventory/transfers/{Guid.NewGuid()}")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Count_BooksEachDifferenceAsAnAdjustment()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var (a, b, c, d) = (await data.ProductAsync(), await data.ProductAsync(), await data.ProductAsync(), await data.ProductAsync());
        await data.ReceiveAsync(warehouse, a, 10);
        await data.ReceiveAsync(warehouse, b, 5);
        await data.ReceiveAsync(warehouse, d, 3);

        var count = (await admin.PostAsync("/api/inventory/counts", new
        {
            warehouseId = warehouse,
            lines = new[] { new { productId = a, countedQuantity = 8 }, new { productId = b, countedQuantity = 6 }, new { productId = c, countedQuantity = 2 }, new { productId = d, countedQuantity = 3 } },
        })).Expect(HttpStatusCode.Created);

        Assert.Matches(@"^CNT-\d{4}-\d{6}$", count["number"].Str());
        var lines = count["lines"]!.AsArray().Select(l => (l!["bookQuantity"].Dec(), l["countedQuantity"].Dec(), l["difference"].Dec())).ToList();
        Assert.Equal([(10m, 8m, -2m), (5m, 6m, 1m), (0m, 2m, 2m), (3m, 3m, 0m)], lines);
        Assert.Equal(8m, (await data.StockAsync(a, warehouse))["onHand"].Dec());
        Assert.Equal(6m, (await data.StockAsync(b, warehouse))["onHand"].Dec());
        Assert.Equal(2m, (await data.StockAsync(c, warehouse))["onHand"].Dec());
        var entry = Assert.Single(await LedgerAsync(admin, $"productId={a}&kind=Adjustment"));
        Assert.Equal(("Count", count.Id(), -2m), (entry["causeType"].Str(), entry["causeId"]!.GetValue<Guid>(), entry["onHandDelta"].Dec()));
        Assert.Empty(await LedgerAsync(admin, $"productId={d}&kind=Adjustment"));
        var read = (await admin.GetJsonAsync($"/api/inventory/counts/{count.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(4, read["lines"]!.AsArray().Count);
        var asAdjustment = (await admin.GetJsonAsync($"/api/inventory/adjustments?warehouseId={warehouse}&reason=Count")).Expect(HttpStatusCode.OK);
        Assert.Equal(count.Id(), Assert.Single(asAdjustment["items"]!.AsArray())!.Id());
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task Count_BelowReserved_Is422_AndNothingIsWritten()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var (a, b) = (await data.ProductAsync(), await data.ProductAsync());
        await data.ReceiveAsync(warehouse, a, 10);
        await data.ReceiveAsync(warehouse, b, 10);
        await ConfirmedOrderAsync(admin, data, (a, 6));

        var refused = (await admin.PostAsync("/api/inventory/counts", new
        {
            warehouseId = warehouse, lines = new[] { new { productId = b, countedQuantity = 9 }, new { productId = a, countedQuantity = 4 } },
        })).Expect(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("CountBelowReserved", refused["code"].Str());
        Assert.Equal("lines[1].countedQuantity", refused["violations"]![0]!["field"].Str());
        Assert.Equal((10m, 6m), await OnHandAndReservedAsync(data, a, warehouse));
        Assert.Equal(10m, (await data.StockAsync(b, warehouse))["onHand"].Dec());
        Assert.False(await app.WithDbAsync(db => db.StockAdjustments.AnyAsync(x => x.WarehouseId == warehouse)));
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task Ledger_FiltersByKindAndPeriod()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await data.ReceiveAsync(warehouse, product, 10);
        (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Sample", lines = new[] { new { productId = product, quantity = -1 } } }))
            .Expect(HttpStatusCode.Created);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.Equal(2, (await LedgerAsync(admin, $"productId={product}&from={Q(before)}&to={Q(after)}")).Count);
        Assert.Equal("Receipt", Assert.Single(await LedgerAsync(admin, $"productId={product}&kind=Receipt"))["kind"].Str());
        Assert.Empty(await LedgerAsync(admin, $"productId={product}&from={Q(after)}"));
        Assert.Empty(await LedgerAsync(admin, $"productId={product}&to={Q(before)}"));
        var backwards = (await admin.GetJsonAsync($"/api/inventory/ledger?productId={product}&from={Q(after)}&to={Q(before)}")).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("InvalidPeriod", backwards.Codes());
    }

    [Fact]
    public async Task LedgerExport_IsExcelReadyCsv_WithChineseNamesAndQuoting()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var code = TestData.Unique("仓");
        var warehouse = await data.WarehouseAsync("华东", code);
        var sku = TestData.Unique("SKU");
        var product = (await admin.PostAsync("/api/products", new
        {
            sku, name = "特级\"龙井\", 500克", unit = "pcs", listPrice = 100m, minPrice = 80m, cost = 50m, currency = "CNY", isWholeUnit = true, isActive = true,
        })).Expect(HttpStatusCode.Created).Id();
        await data.ReceiveAsync(warehouse, product, 10);
        (await admin.PostAsync("/api/inventory/adjustments", new { warehouseId = warehouse, reason = "Other", note = "=HYPERLINK(\"x\")\n第二行", lines = new[] { new { productId = product, quantity = -2 } } }))
            .Expect(HttpStatusCode.Created);

        var response = await admin.GetAsync($"/api/inventory/ledger/export?productId={product}&warehouseId={warehouse}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var records = text[..^2].Split("\r\n");
        Assert.StartsWith("at_utc,local_time,kind,sku,product_name,warehouse_code,warehouse_name,on_hand_delta,reserved_delta,cause_type,cause_id,note", records[0], StringComparison.Ordinal);
        Assert.Equal(3, records.Length);
        Assert.Contains($",Receipt,{sku},\"特级\"\"龙井\"\", 500克\",{code},仓库 华东,10,0,Receipt,", records[1], StringComparison.Ordinal);
        Assert.Contains($",Adjustment,{sku},", records[2], StringComparison.Ordinal);
        Assert.Contains(",-2,0,Adjustment,", records[2], StringComparison.Ordinal);
        // The line break inside the note stays inside its quoted field; its quotes are doubled.
        Assert.Contains(": =HYPERLINK(\"\"x\"\")\n第二行\",", records[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("上海华联贸易有限公司", "上海华联贸易有限公司")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@cmd, x", "\"'@cmd, x\"")]
    [InlineData("", "")]
    public void CsvText_QuotesPerRfc4180_AndDefusesFormulas(string value, string expected) =>
        Assert.Equal(expected, StockOperationsEndpoints.CsvText(value));

    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);

    private static string Q(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<JsonNode> ConfirmedOrderAsync(HttpClient admin, TestData data, params (Guid ProductId, decimal Quantity)[] lines)
    {
        var customer = await data.CustomerAsync();
        var order = await data.OrderAsync(customer, lines);
        var submitted = (await admin.PostAsync($"/api/orders/{order.Id()}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", submitted["status"].Str());
        return submitted;
    }

    private static async Task<(decimal OnHand, decimal Reserved)> OnHandAndReservedAsync(TestData data, Guid product, Guid warehouse)
    {
        var row = await data.StockAsync(product, warehouse);
        return (row["onHand"].Dec(), row["reserved"].Dec());
    }

    private static async Task<List<JsonNode>> LedgerAsync(HttpClient client, string query) =>
        [.. (await client.GetJsonAsync($"/api/inventory/ledger?{query}&limit=200")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Select(e => e!)];

    private static async Task<List<Guid>> TransferIdsAsync(HttpClient client, string query) =>
        [.. (await client.GetJsonAsync($"/api/inventory/transfers?{query}")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Select(t => t!.Id())];

    private static JsonNode WarehouseRow(JsonNode availability, Guid warehouse) =>
        availability["warehouses"]!.AsArray().Single(w => w!["warehouseId"]!.GetValue<Guid>() == warehouse)!;

    private Task AssertInvariantsAsync() => StockLedgerInvariants.AssertAsync(app);
}

/// <summary>
/// The stock invariants with transfers in the picture: every balance is the sum of its ledger, reserved is the sum of
/// open reservations, and what is in transit is exactly what in-transit transfers carry (their out-entries not yet
/// matched by in-entries), on no warehouse's shelf.
/// </summary>
internal static class StockLedgerInvariants
{
    public static async Task AssertAsync(OrderlyApp app)
    {
        var violations = await app.WithDbAsync(async db =>
        {
            var balances = await db.StockBalances.AsNoTracking().ToListAsync();
            var ledger = await db.StockLedger.AsNoTracking()
                .Select(e => new { e.ProductId, e.WarehouseId, e.OnHandDelta, e.ReservedDelta, e.CauseType, e.CauseId }).ToListAsync();
            var reservations = await db.StockReservations.AsNoTracking().Select(r => new { r.ProductId, r.WarehouseId, r.Quantity }).ToListAsync();
            var transfers = await db.StockTransfers.AsNoTracking().ToListAsync();
            var found = new List<string>();
            foreach (var b in balances)
            {
                var entries = ledger.Where(e => e.ProductId == b.ProductId && e.WarehouseId == b.WarehouseId).ToList();
                var open = reservations.Where(r => r.ProductId == b.ProductId && r.WarehouseId == b.WarehouseId).Sum(r => r.Quantity);
                Check(found, b.OnHand == entries.Sum(e => e.OnHandDelta), $"{b.ProductId}/{b.WarehouseId}: on hand {b.OnHand} != ledger {entries.Sum(e => e.OnHandDelta)}");
                Check(found, b.Reserved == entries.Sum(e => e.ReservedDelta), $"{b.ProductId}/{b.WarehouseId}: reserved {b.Reserved} != ledger {entries.Sum(e => e.ReservedDelta)}");
                Check(found, b.Reserved == open, $"{b.ProductId}/{b.WarehouseId}: reserved {b.Reserved} != open reservations {open}");
                Check(found, b.Reserved >= 0 && b.OnHand >= b.Reserved, $"{b.ProductId}/{b.WarehouseId}: on hand {b.OnHand}, reserved {b.Reserved}");
            }

            foreach (var t in transfers)
            {
                var entries = ledger.Where(e => e.CauseType == StockMovements.TransferCause && e.CauseId == t.Id).ToList();
                var carried = t.Status == StockTransferStatus.InTransit ? t.Lines.Sum(l => l.Quantity) : 0m;
                Check(found, -entries.Sum(e => e.OnHandDelta) == carried, $"{t.Number} ({t.Status}): ledger says {-entries.Sum(e => e.OnHandDelta)} in transit, it carries {carried}");
            }

            return found;
        });
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private static void Check(List<string> violations, bool holds, string violation)
    {
        if (!holds)
        {
            violations.Add(violation);
        }
    }
}

public sealed class StockOperationsTests_Sqlite(SqliteApp app) : StockOperationsTests(app), IClassFixture<SqliteApp>;

public sealed class StockOperationsTests_Postgres(PostgresApp app) : StockOperationsTests(app), IClassFixture<PostgresApp>;
