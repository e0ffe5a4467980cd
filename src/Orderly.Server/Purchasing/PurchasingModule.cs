using Orderly.Domain.Purchasing;
using Orderly.Server.Audit;
using Orderly.Server.Platform;

namespace Orderly.Server.Purchasing;

/// <summary>Suppliers and what they supply.</summary>
public sealed class PurchasingModule : IOrderlyModule
{
    public string Name => "Purchasing";

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapSupplierEndpoints();

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<Supplier>("Supplier", s => s.Id)
        .Owned<SupplierProduct>("Supplier", "products[{0}].");
}
