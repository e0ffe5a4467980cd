using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Purchasing;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Purchasing;

public sealed record SupplierProductDto(Guid ProductId, bool DropShip, int? LeadTimeDays = null, decimal? MinOrderQuantity = null, decimal? PackSize = null);

public sealed record SupplierContactDto(string Name, string? Email = null, string? Phone = null, string? Role = null);

public sealed record SupplierRequest(string Code, string Name, int LeadTimeDays, SupplierProductDto[]? Products = null, bool? IsActive = null,
    SupplierContactDto[]? Contacts = null, int? PaymentTermsDays = null, string? Currency = null, string? Email = null);

public sealed record SupplierDto(Guid Id, string Code, string Name, int LeadTimeDays, bool IsActive, IReadOnlyList<SupplierProductDto> Products, int Version,
    IReadOnlyList<SupplierContactDto> Contacts, int PaymentTermsDays, string Currency, string? Email)
{
    public static SupplierDto From(Supplier s) => new(s.Id, s.Code, s.Name, s.LeadTimeDays, s.IsActive,
        [.. s.Products.Select(p => new SupplierProductDto(p.ProductId, p.DropShip, p.LeadTimeDays, p.MinOrderQuantity, p.PackSize))], s.Version,
        [.. s.Contacts.Select(c => new SupplierContactDto(c.Name, c.Email, c.Phone, c.Role))], s.PaymentTermsDays, s.Currency, s.Email);
}

/// <summary>Suppliers, kept minimal until purchasing arrives: lead time and which products they drop-ship.</summary>
public static class SupplierEndpoints
{
    public static void MapSupplierEndpoints(this IEndpointRouteBuilder app)
    {
        var suppliers = app.MapGroup("/api/suppliers").WithTags("Purchasing").RequireAuthorization(Policies.Read);
        suppliers.MapPost("/", CreateAsync).WithName("CreateSupplier").WithSummary("Creates a supplier with its lead time and drop-ship products; the code must be unused.").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.ManageCatalog);
        suppliers.MapGet("/", ListAsync).WithName("ListSuppliers").WithSummary("Suppliers, a page at a time.");
        suppliers.MapGet("/{id:guid}", GetAsync).WithName("GetSupplier").WithSummary("One supplier, with its ETag for updates.");
        suppliers.MapSupplierTermsEndpoints();
        suppliers.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateSupplier").WithSummary("Changes a supplier; send the ETag you read in If-Match.").RequiresIfMatch().RequireAuthorization(Policies.ManageCatalog);
    }

    private static async Task<Created<SupplierDto>> CreateAsync(SupplierRequest request, OrderlyDbContext db, Writes writes, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var products = await CheckProductsAsync(db, request, ct);
        var supplier = new Supplier(request.Code, request.Name, request.LeadTimeDays, products, time.GetUtcNow());
        ApplyTerms(supplier, request);
        await writes.RunAsync(async token =>
        {
            await Uniqueness.EnsureFreeAsync(db.Suppliers.AnyAsync(s => s.Code == supplier.Code, token), "code", $"Supplier code '{supplier.Code}' is taken.");
            db.Suppliers.Add(supplier);
        }, ct);
        ETags.Write(http, supplier.Version);
        return TypedResults.Created($"/api/suppliers/{supplier.Id}", SupplierDto.From(supplier));
    }

    private static async Task<Ok<Page<SupplierDto>>> ListAsync(OrderlyDbContext db, Guid? productId, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.Suppliers.AsNoTracking();
        if (productId is { } p)
        {
            query = query.Where(s => s.Products.Any(sp => sp.ProductId == p));
        }

        if (Paging.ParseCursor(cursor) is { } after)
        {
            query = query.Where(s => s.Id.CompareTo(after) > 0);
        }

        var rows = await query.OrderBy(s => s.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(rows.ConvertAll(SupplierDto.From), take, s => s.Id));
    }

    private static async Task<Ok<SupplierDto>> GetAsync(Guid id, OrderlyDbContext db, HttpContext http, CancellationToken ct)
    {
        var supplier = await db.Suppliers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Supplier", id);
        ETags.Write(http, supplier.Version);
        return TypedResults.Ok(SupplierDto.From(supplier));
    }

    private static async Task<Ok<SupplierDto>> UpdateAsync(Guid id, SupplierRequest request, OrderlyDbContext db, Writes writes, HttpContext http, CancellationToken ct)
    {
        var products = await CheckProductsAsync(db, request, ct);
        var supplier = await writes.RunAsync(async token =>
        {
            var supplier = await db.Suppliers.FirstOrDefaultAsync(s => s.Id == id, token) ?? throw new NotFoundException("Supplier", id);
            ETags.RequireMatch(http, supplier);
            supplier.Update(request.Code, request.Name, request.LeadTimeDays, request.IsActive ?? supplier.IsActive, products);
            ApplyTerms(supplier, request);
            await Uniqueness.EnsureFreeAsync(db.Suppliers.AnyAsync(s => s.Code == supplier.Code && s.Id != id, token), "code", $"Supplier code '{supplier.Code}' is taken.");
            return supplier;
        }, ct);
        ETags.Write(http, supplier.Version);
        return TypedResults.Ok(SupplierDto.From(supplier));
    }

    private static async Task<List<SupplierProduct>> CheckProductsAsync(OrderlyDbContext db, SupplierRequest request, CancellationToken ct)
    {
        var given = request.Products ?? [];
        var ids = given.Select(p => p.ProductId).Distinct().ToList();
        var known = await db.ProductRefs().Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct);
        var violations = given.Select((p, i) => (p, i)).Where(x => !known.Contains(x.p.ProductId))
            .Select(x => new RuleViolation($"products[{x.i}].productId", "UnknownProduct", $"Product {x.p.ProductId} does not exist.")).ToList();
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        return [.. given.Select(p => new SupplierProduct(p.ProductId, p.DropShip, p.LeadTimeDays, null, p.MinOrderQuantity, p.PackSize))];
    }

    private static void ApplyTerms(Supplier supplier, SupplierRequest request) => supplier.SetTerms(
        (request.Contacts ?? []).Select(c => new SupplierContact(c.Name, c.Email, c.Phone, c.Role)),
        request.PaymentTermsDays ?? supplier.PaymentTermsDays, request.Currency ?? supplier.Currency, request.Email);
}

public sealed class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
{
    public void Configure(EntityTypeBuilder<Supplier> builder)
    {
        builder.ToTable("suppliers");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Code).HasMaxLength(32);
        builder.HasIndex(s => s.Code).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.Property(s => s.Currency).HasMaxLength(3);
        builder.Property(s => s.Email).HasMaxLength(200);
        builder.OwnsMany(s => s.Contacts, contact =>
        {
            contact.ToTable("supplier_contacts");
            contact.WithOwner().HasForeignKey("supplier_id");
            contact.Property<int>("id");
            contact.HasKey("id");
            contact.Property(c => c.Name).HasMaxLength(100);
            contact.Property(c => c.Email).HasMaxLength(200);
            contact.Property(c => c.Phone).HasMaxLength(50);
            contact.Property(c => c.Role).HasMaxLength(50);
        });
        builder.Navigation(s => s.Contacts).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.OwnsMany(s => s.Products, product =>
        {
            product.Property(p => p.MinOrderQuantity).HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
            product.Property(p => p.PackSize).HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
            product.ToTable("supplier_products");
            product.WithOwner().HasForeignKey("supplier_id");
            product.Property<int>("id");
            product.HasKey("id");
            product.HasIndex(p => p.ProductId);
            product.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Navigation(s => s.Products).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
