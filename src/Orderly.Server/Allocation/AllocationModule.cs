using Orderly.Domain.Allocation;
using Orderly.Server.Audit;
using Orderly.Server.Platform;

namespace Orderly.Server.Allocation;

/// <summary>Which warehouse or supplier serves each line, re-allocation, drop-ship and replenishment requests.</summary>
public sealed class AllocationModule : IOrderlyModule
{
    public string Name => "Allocation";

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/allocation/reallocation", "Reallocation", Identity.Policies.ApproveOrders, 140, NavigationGroups.SalesOrders),
    ];

    public void AddServices(ModuleServices capability)
    {
        capability.Services.Configure<AllocationOptions>(capability.Configuration.GetSection("Orderly:Allocation"));
        capability.Services.AddScoped<ReallocationService>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAllocationEndpoints();

    public void ConfigureAudit(AuditMap audit) => audit
        .Exclude<AllocationDecision>("the allocator's reasoning log, written with the audited order change it explains")
        .Exclude<DropShipRequest>("requests derived from allocation of audited order lines")
        .Exclude<ReplenishmentRequest>("requests derived from allocation of audited order lines");
}
