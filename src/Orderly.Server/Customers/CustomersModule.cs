using Orderly.Domain.Customers;
using Orderly.Server.Audit;
using Orderly.Server.Platform;

namespace Orderly.Server.Customers;

/// <summary>Customer accounts, their contacts, owners and credit.</summary>
public sealed class CustomersModule : IOrderlyModule
{
    public string Name => "Customers";

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/customers", "Customers", Identity.Policies.Read, 310, NavigationGroups.MasterData, MatchPrefix: true),
    ];

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Identity.Policies.ManageCustomers, Name,
            [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.SalesRep, Identity.Roles.Finance],
            "create, update customers and their contacts within one's scope; credit terms further limited, see below"),
        new(Identity.Policies.SeeAllCustomers, Name,
            [Identity.Roles.Admin, Identity.Roles.OrderClerk, Identity.Roles.Warehouse, Identity.Roles.Purchasing, Identity.Roles.Finance, Identity.Roles.Viewer],
            "see every customer and their orders; without it a sales manager sees their team's, a rep their own (data scope, not an endpoint policy)"),
    ];

    public void AddServices(ModuleServices capability) =>
        capability.Services.Configure<CreditTermsOptions>(capability.Configuration.GetSection("Orderly:CreditTerms"));

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapCustomerEndpoints();

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<Customer>("Customer", c => c.Id, (c, _) => c.Id)
        .Owned<Contact>("Customer", "contacts[{0}].");
}
