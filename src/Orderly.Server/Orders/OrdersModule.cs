using Orderly.Domain.Orders;
using Orderly.Server.Audit;
using Orderly.Server.Platform;

namespace Orderly.Server.Orders;

/// <summary>Order entry and its checks, approval and the order's life until delivery.</summary>
public sealed class OrdersModule : IOrderlyModule
{
    public string Name => "Orders";

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/orders", "OrderList", Identity.Policies.Read, 110, NavigationGroups.SalesOrders),
        new("/orders/new", "NewOrder", Identity.Policies.EnterOrders, 120, NavigationGroups.SalesOrders),
        new("/orders/approvals", "ApprovalQueue", Identity.Policies.ApproveOrders, 130, NavigationGroups.SalesOrders),
    ];

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Identity.Policies.EnterOrders, Name,
            [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.SalesRep, Identity.Roles.OrderClerk],
            "create, check, edit draft, submit, cancel orders"),
        new(Identity.Policies.ApproveOrders, Name, [Identity.Roles.Admin, Identity.Roles.SalesManager],
            "approve, reject, hold, release (never one's own order); re-allocation preview `GET` and apply `POST /api/allocation/reallocation`"),
    ];

    public void AddServices(ModuleServices capability)
    {
        capability.Services.Configure<ApprovalRules>(capability.Configuration.GetSection("Orderly:Approval"));
        capability.Services.AddScoped<EntryContextLoader>();
        capability.Services.AddScoped<OrderService>();
        capability.Services.AddScoped<OrderQueries>();
        capability.Services.AddScoped<CreditExposure>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapOrderEndpoints();

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<SalesOrder>("SalesOrder", o => o.Id, (o, _) => o.CustomerId)
        .Part<OrderLine>("SalesOrder", e => ((OrderLine)e.Entity).OrderId, e => $"lines[{((OrderLine)e.Entity).LineNumber}].")
        .Exclude<OrderStatusChange>("the status history is itself a record (who, when, from, to, why); the order's status change is audited");
}
