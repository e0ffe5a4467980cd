using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Catalog;

public sealed record ProductRequest(
    string Sku, string Name, string Unit, decimal ListPrice, string? Currency = null, string? Category = null,
    decimal? MinPrice = null, decimal? Cost = null, bool? IsWholeUnit = null, bool? IsActive = null, bool? AllowBackorder = null,
    string? NameEn = null)
{
    public ProductDetails ToDetails() => new(
        Sku, Name, Unit, ListPrice, Currency, Category, MinPrice, Cost, IsWholeUnit ?? true, IsActive ?? true, AllowBackorder ?? true, NameEn);
}

public sealed record ProductDto(
    Guid Id, string Sku, string Name, string Unit, bool IsWholeUnit, decimal ListPrice, decimal MinPrice, decimal Cost,
    string Currency, string? Category, bool IsActive, bool AllowBackorder, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? NameEn = null)
{
    public static ProductDto From(Product p) => new(
        p.Id, p.Sku, p.Name, p.Unit, p.IsWholeUnit, p.ListPrice.Amount, p.MinPrice.Amount, p.Cost.Amount,
        p.Currency, p.Category, p.IsActive, p.AllowBackorder, p.Version, p.CreatedAt, p.UpdatedAt, p.NameEn);
}

public static class ProductEndpoints
{
    public static void MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/products").WithTags("Catalog").RequireAuthorization(Policies.Read);
        products.MapPost("/", CreateAsync).WithName("CreateProduct").WithSummary("Adds a product to the catalog; the SKU must be unused.").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.ManageCatalog);
        products.MapGet("/{id:guid}", GetAsync).WithName("GetProduct").WithSummary("One product, with its ETag for updates.");
        products.MapGet("/", ListAsync).WithName("ListProducts").WithSummary("Products, filtered by text, category and status, a page at a time.");
        products.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateProduct").WithSummary("Changes a product; send the ETag you read in If-Match.").RequiresIfMatch().RequireAuthorization(Policies.ManageCatalog);
    }

    private static async Task<Created<ProductDto>> CreateAsync(ProductRequest request, OrderlyDbContext db, Writes writes, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var product = new Product(request.ToDetails(), time.GetUtcNow());
        await writes.RunAsync(async token =>
        {
            await Uniqueness.EnsureFreeAsync(db.Products.AnyAsync(p => p.Sku == product.Sku, token), "sku", $"SKU '{product.Sku}' is already in the catalog.");
            db.Products.Add(product);
        }, ct);
        ETags.Write(http, product.Version);
        return TypedResults.Created($"/api/products/{product.Id}", ProductDto.From(product));
    }

    private static async Task<Ok<ProductDto>> GetAsync(Guid id, OrderlyDbContext db, HttpContext http, CancellationToken ct)
    {
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Product", id);
        ETags.Write(http, product.Version);
        return TypedResults.Ok(ProductDto.From(product));
    }

    private static async Task<Ok<Page<ProductDto>>> ListAsync(
        OrderlyDbContext db, string? q, string? category, bool? active, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = Domain.Common.Text.Normalize(q).ToLower();
            query = query.Where(p => p.Sku.ToLower().Contains(term) || p.Name.ToLower().Contains(term) || (p.NameEn != null && p.NameEn.ToLower().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(p => p.Category == category);
        }

        if (active is { } isActive)
        {
            query = query.Where(p => p.IsActive == isActive);
        }

        if (Paging.ParseCursor(cursor) is { } after)
        {
            query = query.Where(p => p.Id.CompareTo(after) > 0);
        }

        var fetched = await query.OrderBy(p => p.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(fetched.ConvertAll(ProductDto.From), take, p => p.Id));
    }

    private static async Task<Ok<ProductDto>> UpdateAsync(Guid id, ProductRequest request, OrderlyDbContext db, Writes writes, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var product = await writes.RunAsync(async token =>
        {
            var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, token) ?? throw new NotFoundException("Product", id);
            ETags.RequireMatch(http, product);
            product.Update(request.ToDetails(), time.GetUtcNow());
            await Uniqueness.EnsureFreeAsync(db.Products.AnyAsync(p => p.Sku == product.Sku && p.Id != id, token), "sku", $"SKU '{product.Sku}' is already in the catalog.");
            return product;
        }, ct);
        ETags.Write(http, product.Version);
        return TypedResults.Ok(ProductDto.From(product));
    }
}
