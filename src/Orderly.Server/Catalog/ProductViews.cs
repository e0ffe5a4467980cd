using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Catalog;

/// <summary>What other capabilities may know of a product: its identity and how it is counted.</summary>
public sealed record ProductRef
{
    public Guid Id { get; init; }
    public string Sku { get; init; } = "";
    public string Name { get; init; } = "";
    public string? NameEn { get; init; }
    public bool IsWholeUnit { get; init; }
    public bool IsActive { get; init; }
}

/// <summary>
/// The Catalog's published read view. Other capabilities join it instead of the products table; it is an
/// <see cref="IQueryable{T}"/> with an initializer projection, so EF composes it into the caller's one statement.
/// </summary>
public static class ProductViews
{
    public static IQueryable<ProductRef> ProductRefs(this OrderlyDbContext db) =>
        db.Products.AsNoTracking().Select(p => new ProductRef { Id = p.Id, Sku = p.Sku, Name = p.Name, NameEn = p.NameEn, IsWholeUnit = p.IsWholeUnit, IsActive = p.IsActive });
}
