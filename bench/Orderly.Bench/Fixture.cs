using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orderly.Bench;

/// <summary>
/// The master data a bench round orders against, created through the API: one warehouse, products with ample
/// stock, customers without a credit limit (so no order waits for approval), and a hot product for the races.
/// </summary>
public sealed record Fixture(Guid WarehouseId, IReadOnlyList<Guid> Products, IReadOnlyList<Guid> Customers, Guid NoBackorderCustomer)
{
    public const int ProductCount = 200;
    public const int CustomerCount = 100;
    public const decimal StockPerProduct = 100_000_000m;
    public const int LinesPerOrder = 10;

    public static async Task<Fixture> CreateAsync(BenchApi api, string tag)
    {
        var warehouse = (await api.PostAsync("/api/warehouses", new { code = $"B{tag}", name = $"Bench {tag}", region = "East" }))["id"]!.GetValue<Guid>();
        var products = new List<Guid>();
        for (var i = 0; i < ProductCount; i++)
        {
            var product = await api.PostAsync("/api/products", new
            {
                sku = $"BENCH-{tag}-{i:0000}",
                name = $"压测商品 {tag} {i}",
                unit = "pcs",
                listPrice = 10m + (i % 50),
                currency = "CNY",
                category = "Bench",
            });
            products.Add(product["id"]!.GetValue<Guid>());
        }

        foreach (var chunk in products.Chunk(100))
        {
            await api.PostAsync("/api/inventory/receipts", new
            {
                warehouseId = warehouse,
                reference = $"bench-{tag}",
                lines = chunk.Select(p => new { productId = p, quantity = StockPerProduct }).ToArray(),
            });
        }

        var customers = new List<Guid>();
        for (var i = 0; i < CustomerCount; i++)
        {
            customers.Add((await api.PostAsync("/api/customers", new { code = $"BC-{tag}-{i:000}", name = $"压测客户 {tag} {i}", currency = "CNY", region = "East" }))["id"]!.GetValue<Guid>());
        }

        var strict = (await api.PostAsync("/api/customers", new { code = $"BC-{tag}-NB", name = $"不欠货客户 {tag}", currency = "CNY", region = "East", reservationPolicy = "NoBackorder" }))["id"]!.GetValue<Guid>();
        return new Fixture(warehouse, products, customers, strict);
    }

    /// <summary>A product with exactly <paramref name="units"/> in stock, for the race for the last units.</summary>
    public async Task<Guid> HotProductAsync(BenchApi api, string tag, decimal units)
    {
        var product = (await api.PostAsync("/api/products", new { sku = $"HOT-{tag}", name = $"热销商品 {tag}", unit = "pcs", listPrice = 99m, currency = "CNY" }))["id"]!.GetValue<Guid>();
        await api.PostAsync("/api/inventory/receipts", new { warehouseId = WarehouseId, reference = $"hot-{tag}", lines = new[] { new { productId = product, quantity = units } } });
        return product;
    }

    /// <summary>Order bodies generated up front from a seed: 10 distinct products, 1 to 5 units each, list prices.</summary>
    public byte[][] OrderBodies(int count, int seed)
    {
        var random = new Random(seed);
        var bodies = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var lines = new HashSet<Guid>();
            while (lines.Count < LinesPerOrder)
            {
                lines.Add(Products[random.Next(Products.Count)]);
            }

            bodies[i] = JsonSerializer.SerializeToUtf8Bytes(new
            {
                customerId = Customers[random.Next(Customers.Count)],
                lines = lines.Select(p => new { productId = p, quantity = random.Next(1, 6) }).ToArray(),
            }, BenchApi.Json);
        }

        return bodies;
    }

    public static byte[] OneLineBody(Guid customer, Guid product, int quantity) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"customerId":"{{customer}}","lines":[{"productId":"{{product}}","quantity":{{quantity}}}]}"""));
}
