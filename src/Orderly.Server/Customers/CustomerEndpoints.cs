using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Allocation;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;

namespace Orderly.Server.Customers;

public sealed record ContactDto(string Name, string? Title = null, string? Email = null, string? Phone = null, bool IsPrimary = false);

public sealed record CustomerRequest(
    string Code, string Name, decimal? CreditLimit = null, string? Currency = null, int? PaymentTermsDays = null,
    string? Region = null, string? Email = null, string? Phone = null, Guid? OwnerUserId = null, string? Address = null,
    CustomerTier? Tier = null, bool? IsActive = null, bool? IsBlocked = null, ContactDto[]? Contacts = null,
    ReservationPolicy? ReservationPolicy = null, string? NameEn = null)
{
    public CustomerDetails ToDetails() => new(
        Code, Name, Region, Address, Email, Phone, Currency, CreditLimit, PaymentTermsDays ?? 30, Tier ?? CustomerTier.Standard,
        OwnerUserId, IsActive ?? true, IsBlocked ?? false,
        Contacts?.Select(c => new ContactDetails(c.Name, c.Title, c.Email, c.Phone, c.IsPrimary)).ToList(),
        ReservationPolicy ?? Domain.Allocation.ReservationPolicy.ShipPartial, NameEn);
}

public sealed record CustomerDto(
    Guid Id, string Code, string Name, string? Region, string? Address, string? Email, string? Phone, string Currency,
    decimal? CreditLimit, int PaymentTermsDays, CustomerTier Tier, Guid? OwnerUserId, bool IsActive, bool IsBlocked,
    IReadOnlyList<ContactDto> Contacts, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, decimal? OpenExposure = null,
    ReservationPolicy ReservationPolicy = ReservationPolicy.ShipPartial, string? NameEn = null)
{
    public static CustomerDto From(Customer c, decimal? openExposure = null) => new(
        c.Id, c.Code, c.Name, c.Region, c.Address, c.Email, c.Phone, c.Currency, c.CreditLimit?.Amount, c.PaymentTermsDays,
        c.Tier, c.OwnerUserId, c.IsActive, c.IsBlocked,
        [.. c.Contacts.Select(x => new ContactDto(x.Name, x.Title, x.Email, x.Phone, x.IsPrimary))],
        c.Version, c.CreatedAt, c.UpdatedAt, openExposure, c.ReservationPolicy, c.NameEn);
}

public static class CustomerEndpoints
{
    public static void MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/api/customers").WithTags("Customers").RequireAuthorization(Policies.Read);
        customers.MapPost("/", CreateAsync).WithName("CreateCustomer").WithSummary("Creates a customer account with its contacts; the code must be unused.").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.ManageCustomers);
        customers.MapGet("/{id:guid}", GetAsync).WithName("GetCustomer").WithSummary("One customer, with contacts, credit exposure and its ETag for updates.");
        customers.MapGet("/", ListAsync).WithName("ListCustomers").WithSummary("Customers, filtered by text, region and owner, a page at a time; a sales rep sees their own.");
        customers.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateCustomer").WithSummary("Changes a customer and replaces its contacts; send the ETag you read in If-Match.").RequiresIfMatch().RequireAuthorization(Policies.ManageCustomers);
    }

    private static async Task<Created<CustomerDto>> CreateAsync(
        CustomerRequest request, OrderlyDbContext db, Writes writes, DataScope scope, TimeProvider time, HttpContext http,
        IOptions<CreditTermsOptions> creditTerms, CancellationToken ct)
    {
        var owner = await OwnerWithinScopeAsync(request.OwnerUserId, scope, ct);
        var details = CreditTerms.Apply(request.ToDetails() with { OwnerUserId = owner }, request, null, http.User, creditTerms.Value);
        var customer = new Customer(details, time.GetUtcNow());
        await writes.RunAsync(async token =>
        {
            await Uniqueness.EnsureFreeAsync(db.Customers.AnyAsync(c => c.Code == customer.Code, token), "code", $"Customer code '{customer.Code}' is taken.");
            db.Customers.Add(customer);
        }, ct);
        ETags.Write(http, customer.Version);
        return TypedResults.Created($"/api/customers/{customer.Id}", CustomerDto.From(customer, 0m));
    }

    private static async Task<Ok<CustomerDto>> GetAsync(Guid id, OrderlyDbContext db, DataScope scope, CreditExposure credit, HttpContext http, CancellationToken ct)
    {
        var customer = await (await scope.CustomersAsync(db.Customers.AsNoTracking(), ct)).FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new NotFoundException("Customer", id);
        var exposure = await credit.OpenOrdersMinorAsync(id, customer.Currency, excludeOrderId: null, ct);
        ETags.Write(http, customer.Version);
        return TypedResults.Ok(CustomerDto.From(customer, Domain.Common.Money.FromMinor(exposure, customer.Currency).Amount));
    }

    private static async Task<Ok<Page<CustomerDto>>> ListAsync(
        OrderlyDbContext db, DataScope scope, string? q, string? region, CustomerTier? tier, Guid? ownerUserId, bool? active, bool? blocked,
        int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = await scope.CustomersAsync(db.Customers.AsNoTracking(), ct);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = Domain.Common.Text.Normalize(q).ToLower();
            query = query.Where(c => c.Code.ToLower().Contains(term) || c.Name.ToLower().Contains(term) || (c.NameEn != null && c.NameEn.ToLower().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(region))
        {
            query = query.Where(c => c.Region == region);
        }

        if (tier is { } t)
        {
            query = query.Where(c => c.Tier == t);
        }

        if (ownerUserId is { } owner)
        {
            query = query.Where(c => c.OwnerUserId == owner);
        }

        if (active is { } isActive)
        {
            query = query.Where(c => c.IsActive == isActive);
        }

        if (blocked is { } isBlocked)
        {
            query = query.Where(c => c.IsBlocked == isBlocked);
        }

        if (Paging.ParseCursor(cursor) is { } after)
        {
            query = query.Where(c => c.Id.CompareTo(after) > 0);
        }

        var fetched = await query.OrderBy(c => c.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(fetched.ConvertAll(c => CustomerDto.From(c)), take, c => c.Id));
    }

    /// <summary>A rep's customers are their own; a manager may give one to a member of their team; other roles to anyone.</summary>
    private static async Task<Guid?> OwnerWithinScopeAsync(Guid? requested, DataScope scope, CancellationToken ct)
    {
        if (await scope.OwnersAsync(ct) is not { } owners)
        {
            return requested;
        }

        var owner = requested ?? scope.Self;
        return owner is { } id && owners.Contains(id)
            ? owner
            : throw new Domain.Common.RuleViolationException("ownerUserId", "OwnerOutOfScope", "You can only assign customers to yourself or your team.");
    }

    private static async Task<Ok<CustomerDto>> UpdateAsync(
        Guid id, CustomerRequest request, OrderlyDbContext db, Writes writes, DataScope scope, TimeProvider time, HttpContext http,
        IOptions<CreditTermsOptions> creditTerms, CancellationToken ct)
    {
        var owner = await OwnerWithinScopeAsync(request.OwnerUserId, scope, ct);
        var customer = await writes.RunAsync(async token =>
        {
            var customer = await (await scope.CustomersAsync(db.Customers, token)).FirstOrDefaultAsync(c => c.Id == id, token)
                ?? throw new NotFoundException("Customer", id);
            ETags.RequireMatch(http, customer);
            customer.Update(CreditTerms.Apply(request.ToDetails() with { OwnerUserId = owner }, request, customer, http.User, creditTerms.Value), time.GetUtcNow());
            await Uniqueness.EnsureFreeAsync(db.Customers.AnyAsync(c => c.Code == customer.Code && c.Id != id, token), "code", $"Customer code '{customer.Code}' is taken.");
            return customer;
        }, ct);
        ETags.Write(http, customer.Version);
        return TypedResults.Ok(CustomerDto.From(customer));
    }
}
