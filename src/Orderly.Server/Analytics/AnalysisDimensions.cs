using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

public sealed record CustomerDim(Guid Id, string Code, string Name, string? Region, Guid? OwnerUserId);

public sealed record ProductDim(Guid Id, string Sku, string Name, string? Category, long CostMinor);

/// <summary>
/// The customers and products as the analyses label, group and cost them (code, name, region, owner; SKU, name,
/// category, current cost), kept in memory per node and reloaded when a read sees another signature: the row count and
/// the sum of the row versions (every save of a customer or product bumps its version), one small aggregate query each.
/// So an answer always uses the current cost and labels, without reading thousands of rows per call.
/// </summary>
public sealed class AnalysisDimensions
{
    private volatile Loaded<ProductDim>? _products;
    private volatile Loaded<CustomerDim>? _customers;

    public async Task<IReadOnlyDictionary<Guid, ProductDim>> ProductsAsync(OrderlyDbContext db, CancellationToken ct)
    {
        var signature = await db.Products.AsNoTracking().GroupBy(_ => 1)
            .Select(g => new Signature(g.Count(), g.Sum(p => (long)p.Version))).FirstOrDefaultAsync(ct) ?? new Signature(0, 0);
        if (_products is { } loaded && loaded.Signature == signature)
        {
            return loaded.Rows;
        }

        var rows = await db.Products.AsNoTracking()
            .Select(p => new ProductDim(p.Id, p.Sku, p.Name, p.Category, p.CostMinor)).ToDictionaryAsync(p => p.Id, ct);
        _products = new Loaded<ProductDim>(signature, rows);
        return rows;
    }

    public async Task<IReadOnlyDictionary<Guid, CustomerDim>> CustomersAsync(OrderlyDbContext db, CancellationToken ct)
    {
        var signature = await db.Customers.AsNoTracking().GroupBy(_ => 1)
            .Select(g => new Signature(g.Count(), g.Sum(c => (long)c.Version))).FirstOrDefaultAsync(ct) ?? new Signature(0, 0);
        if (_customers is { } loaded && loaded.Signature == signature)
        {
            return loaded.Rows;
        }

        var rows = await db.Customers.AsNoTracking()
            .Select(c => new CustomerDim(c.Id, c.Code, c.Name, c.Region, c.OwnerUserId)).ToDictionaryAsync(c => c.Id, ct);
        _customers = new Loaded<CustomerDim>(signature, rows);
        return rows;
    }

    private sealed record Signature(int Rows, long Versions);

    private sealed record Loaded<T>(Signature Signature, Dictionary<Guid, T> Rows);
}
