using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Orders;
using Orderly.Server.Audit;
using Orderly.Server.Platform;

namespace Orderly.Server.Fulfillment;

/// <summary>Shipments and deliveries.</summary>
public sealed class FulfillmentModule : IOrderlyModule
{
    public string Name => "Fulfillment";

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Identity.Policies.Fulfil, Name, [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.Warehouse],
            "shipments, deliver"),
    ];

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapShipmentEndpoints();

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<Shipment>("Shipment", s => s.Id, CustomerOf)
        .Owned<ShipmentLine>("Shipment", "lines[{0}].")
        .Owned<ShipmentPackage>("Shipment", "packages[{0}].")
        .Exclude<TrackingEvent>("carrier scans copied from the carrier; the shipment's tracking state change is audited");

    private static Guid? CustomerOf(Shipment shipment, DbContext db) =>
        db.ChangeTracker.Entries<SalesOrder>().FirstOrDefault(o => o.Entity.Id == shipment.OrderId)?.Entity.CustomerId;
}
