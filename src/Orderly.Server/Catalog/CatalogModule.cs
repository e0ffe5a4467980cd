using Orderly.Domain.Catalog;
using Orderly.Server.Audit;
using Orderly.Server.Platform;

namespace Orderly.Server.Catalog;

/// <summary>Products, units and prices.</summary>
public sealed class CatalogModule : IOrderlyModule
{
    public string Name => "Catalog";

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/products", "Products", Identity.Policies.Read, 320, NavigationGroups.MasterData),
    ];

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Identity.Policies.ManageCatalog, Name, [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.Purchasing],
            "create, update products and suppliers"),
    ];

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapCatalogEndpoints();

    public void ConfigureAudit(AuditMap audit) => audit.Root<Product>("Product", p => p.Id);
}
