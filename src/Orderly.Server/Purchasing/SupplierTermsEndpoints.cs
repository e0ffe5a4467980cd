using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Purchasing;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Purchasing;

public sealed record SupplierPriceDto(Guid ProductId, decimal MinQuantity, decimal UnitPrice, string? Currency = null, DateOnly? ValidFrom = null, DateOnly? ValidTo = null);

public sealed record SupplierPricesRequest(SupplierPriceDto[] Prices);

public sealed record PreferredSupplierRequest(Guid ProductId, Guid? WarehouseId = null);

public sealed record PreferredSupplierDto(Guid ProductId, Guid? WarehouseId, Guid SupplierId);

public sealed record SupplierUserRequest(Guid UserId);

/// <summary>A supplier's price list, the products and warehouses it is preferred for, its portal logins and its scorecards.</summary>
public static class SupplierTermsEndpoints
{
    public const int MaxPrices = 2000;

    public static void MapSupplierTermsEndpoints(this RouteGroupBuilder suppliers)
    {
        suppliers.MapGet("/{id:guid}/prices", PricesAsync).WithName("GetSupplierPrices").WithSummary("The supplier's price list: tiers by quantity, with validity dates.");
        suppliers.MapPut("/{id:guid}/prices", PutPricesAsync).WithName("SetSupplierPrices").RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("Replaces the supplier's price list (tiers by minimum quantity, optional validity dates).");
        suppliers.MapGet("/{id:guid}/preferred", PreferredAsync).WithName("GetPreferredFor").WithSummary("The products (and warehouses) this supplier is preferred for.");
        suppliers.MapPost("/{id:guid}/preferred", SetPreferredAsync).WithName("SetPreferredSupplier").RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("Makes this supplier the preferred one for a product, in one warehouse or in all; replaces the previous choice.");
        suppliers.MapPost("/{id:guid}/users", AddUserAsync).WithName("AddSupplierPortalUser").RequireAuthorization(Policies.ManageUsers)
            .WithSummary("Ties a user with the Supplier role to this supplier for the supplier portal.");
        suppliers.MapGet("/{id:guid}/scorecards", ScorecardsAsync).WithName("GetSupplierScorecards")
            .WithSummary("Scorecards per period, newest first: on-time rate, fill rate, quality ppm, price variance, confirmation time, score and standing.");
    }

    private static async Task<Ok<ItemList<SupplierPriceDto>>> PricesAsync(Guid id, OrderlyDbContext db, CancellationToken ct)
    {
        await ExistingAsync(db, id, ct);
        var rows = await db.Set<SupplierPrice>().AsNoTracking().Where(p => p.SupplierId == id).ToListAsync(ct);
        return TypedResults.Ok(new ItemList<SupplierPriceDto>([.. rows.OrderBy(r => r.ProductId).ThenBy(r => r.MinQuantity).ThenBy(r => r.ValidFrom)
            .Select(r => new SupplierPriceDto(r.ProductId, r.MinQuantity, Money.FromMinor(r.UnitPriceMinor, r.Currency).Amount, r.Currency, r.ValidFrom, r.ValidTo))]));
    }

    private static async Task<Ok<ItemList<SupplierPriceDto>>> PutPricesAsync(Guid id, SupplierPricesRequest request, OrderlyDbContext db, Writes writes, CancellationToken ct)
    {
        var supplier = await ExistingAsync(db, id, ct);
        var given = request.Prices ?? [];
        if (given.Length > MaxPrices)
        {
            throw new RuleViolationException("prices", "TooMany", $"A price list has at most {MaxPrices} rows.");
        }

        var ids = given.Select(p => p.ProductId).Distinct().ToList();
        var known = await db.ProductRefs().Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct);
        var violations = new List<RuleViolation>();
        var rows = new List<SupplierPrice>();
        for (var i = 0; i < given.Length; i++)
        {
            var p = given[i];
            var currency = p.Currency ?? supplier.Currency;
            if (!known.Contains(p.ProductId))
            {
                violations.Add(new($"prices[{i}].productId", "UnknownProduct", $"Product {p.ProductId} does not exist."));
            }
            else if (!Currency.IsKnown(currency))
            {
                violations.Add(new($"prices[{i}].currency", "UnknownCurrency", $"Unknown currency {currency}."));
            }
            else if (p.UnitPrice <= 0 || p.UnitPrice > 1_000_000_000m || !new Money(p.UnitPrice, currency).IsWholeMinorUnits)
            {
                violations.Add(new($"prices[{i}].unitPrice", "InvalidPrice", $"A unit price is positive in whole {currency} minor units."));
            }
            else if (!Quantity.HasAtMostMaxDecimals(p.MinQuantity))
            {
                violations.Add(new($"prices[{i}].minQuantity", "InvalidQuantity", "A tier has at most 3 decimals."));
            }
            else
            {
                rows.Add(new SupplierPrice(id, p.ProductId, p.MinQuantity, new Money(p.UnitPrice, currency).MinorUnits, currency, p.ValidFrom, p.ValidTo));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        SupplierPrice.Validate(rows);
        await writes.RunAsync(async token =>
        {
            db.Set<SupplierPrice>().RemoveRange(await db.Set<SupplierPrice>().Where(p => p.SupplierId == id).ToListAsync(token));
            db.Set<SupplierPrice>().AddRange(rows);
        }, ct);
        return await PricesAsync(id, db, ct);
    }

    private static async Task<Ok<ItemList<PreferredSupplierDto>>> PreferredAsync(Guid id, OrderlyDbContext db, CancellationToken ct)
    {
        await ExistingAsync(db, id, ct);
        var rows = await db.Set<PreferredSupplier>().AsNoTracking().Where(p => p.SupplierId == id).ToListAsync(ct);
        return TypedResults.Ok(new ItemList<PreferredSupplierDto>(rows.ConvertAll(r => new PreferredSupplierDto(r.ProductId, r.WarehouseId, r.SupplierId))));
    }

    private static async Task<Ok<PreferredSupplierDto>> SetPreferredAsync(Guid id, PreferredSupplierRequest request, OrderlyDbContext db, PurchaseOrderService service, CancellationToken ct)
    {
        await ExistingAsync(db, id, ct);
        await service.SetPreferredAsync(id, request, ct);
        return TypedResults.Ok(new PreferredSupplierDto(request.ProductId, request.WarehouseId, id));
    }

    private static async Task<NoContent> AddUserAsync(Guid id, SupplierUserRequest request, OrderlyDbContext db, Microsoft.AspNetCore.Identity.UserManager<AppUser> users, Writes writes, CancellationToken ct)
    {
        await ExistingAsync(db, id, ct);
        var user = await users.FindByIdAsync(request.UserId.ToString());
        if (user is null || await users.GetRolesAsync(user) is not [Roles.Supplier])
        {
            throw new RuleViolationException("userId", "NotASupplierUser", "Only a user with the Supplier role (and no other) can be tied to a supplier.");
        }

        await writes.RunAsync(async token =>
        {
            var existing = await db.Set<SupplierUser>().FirstOrDefaultAsync(u => u.UserId == request.UserId, token);
            if (existing is not null && existing.SupplierId != id)
            {
                throw new ConflictException("TiedToAnotherSupplier", "The user is already tied to another supplier.");
            }

            if (existing is null)
            {
                db.Set<SupplierUser>().Add(new SupplierUser(request.UserId, id));
            }
        }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ScorecardDto>> ScorecardsAsync(Guid id, OrderlyDbContext db, ScorecardService scorecards, CancellationToken ct)
    {
        await ExistingAsync(db, id, ct);
        return TypedResults.Ok(await scorecards.HistoryAsync(id, ct));
    }

    private static async Task<Supplier> ExistingAsync(OrderlyDbContext db, Guid id, CancellationToken ct) =>
        await db.Suppliers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Supplier", id);
}
