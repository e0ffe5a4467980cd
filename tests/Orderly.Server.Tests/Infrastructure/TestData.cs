using System.Net;
using System.Text.Json.Nodes;

namespace Orderly.Server.Tests.Infrastructure;

/// <summary>Creates master data through the API, with unique codes so tests in one class never collide.</summary>
public sealed class TestData(HttpClient admin)
{
    private static int _sequence;

    public static string Unique(string prefix) => $"{prefix}-{Interlocked.Increment(ref _sequence)}-{Guid.NewGuid().ToString("N")[..6]}";

    public async Task<Guid> WarehouseAsync(string? region = "East", string? code = null) =>
        (await admin.PostAsync("/api/warehouses", new { code = code ?? Unique("WH"), name = "仓库 " + (region ?? "any"), region }))
            .Expect(HttpStatusCode.Created).Id();

    public async Task<Guid> ProductAsync(decimal listPrice = 100m, decimal? minPrice = null, bool isWholeUnit = true, string currency = "CNY", bool isActive = true) =>
        (await admin.PostAsync("/api/products", new
        {
            sku = Unique("SKU"), name = "产品 " + Unique("P"), unit = isWholeUnit ? "pcs" : "kg", listPrice,
            minPrice = minPrice ?? listPrice * 0.8m, cost = listPrice * 0.5m, currency, isWholeUnit, isActive,
        })).Expect(HttpStatusCode.Created).Id();

    public async Task<Guid> CustomerAsync(decimal? creditLimit = null, string region = "East", string currency = "CNY", bool isBlocked = false, string? name = null) =>
        (await admin.PostAsync("/api/customers", new
        {
            code = Unique("C"), name = name ?? "上海华联贸易有限公司 " + Unique("n"), creditLimit, region, currency, isBlocked,
        })).Expect(HttpStatusCode.Created).Id();

    public async Task ReceiveAsync(Guid warehouseId, Guid productId, decimal quantity) =>
        (await admin.PostAsync("/api/inventory/receipts", new { warehouseId, lines = new[] { new { productId, quantity } } }))
            .Expect(HttpStatusCode.Created);

    public async Task<JsonNode> OrderAsync(Guid customerId, params (Guid ProductId, decimal Quantity)[] lines) =>
        (await admin.PostAsync("/api/orders", new { customerId, lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) }))
            .Expect(HttpStatusCode.Created);

    public async Task<JsonNode> StockAsync(Guid productId, Guid warehouseId)
    {
        var body = (await admin.GetJsonAsync($"/api/inventory/stock?productId={productId}&warehouseId={warehouseId}")).Expect(HttpStatusCode.OK);
        return body["items"]!.AsArray().Single()!;
    }
}
