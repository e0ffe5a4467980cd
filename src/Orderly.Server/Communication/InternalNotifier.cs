using Microsoft.EntityFrameworkCore;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Platform;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Communication;

/// <summary>
/// Tells the company's own people in the app: the approvers when an order needs approval, the order's clerk when it is
/// approved or rejected, the rep when their customer's shipment is delayed, the assignee of a task someone else made,
/// and the purchasers (who may manage purchasing) when a product's weekly demand left its forecast's interval.
/// </summary>
public sealed class InternalNotifier(OrderlyDbContext db, EventInbox inbox, Notifier notifier, PermissionTable permissions) : ITransactionalSubscriber
{
    public string Name => "communication:notify";

    public bool Wants(EventEnvelope e) => e.Type is "OrderSubmitted" or "OrderApproved" or "OrderRejected" or "ShipmentDelayed" or "FollowUpTaskCreated"
        or "DemandSpikeDetected" or "DemandDropDetected";

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        var v = MessageTemplates.ValuesOf(e.Payload);
        if (e.Type == "OrderSubmitted" && v.GetValueOrDefault("approvalReasons") is not { Length: > 0 }
            || e.Type == "OrderApproved" && v.GetValueOrDefault("final") == "false")
        {
            // Most orders are submitted without needing approval, and a first of two approvals tells nobody: no work, no inbox row.
            await inbox.NothingToDoAsync(Name, e.Id, ct);
            return;
        }

        await inbox.ApplyOnceIfAnyAsync(Name, e.Id, async token =>
        {
            var orderId = EventValues.OrderOf(e, v);
            var link = orderId is { } o ? $"/orders/{o}" : null;
            var number = v.GetValueOrDefault("number") ?? "";
            var key = e.Id.ToString();
            switch (e.Type)
            {
                case "OrderSubmitted" when v.GetValueOrDefault("approvalReasons") is { Length: > 0 } reasons:
                    var approvers = (await UsersAllowedAsync(Identity.Policies.ApproveOrders, token)).Where(u => u != e.ActorId);
                    await notifier.NotifyAsync(approvers, "ApprovalNeeded", $"{number} needs approval", reasons, link, key, token);
                    break;
                case "OrderApproved" when v.GetValueOrDefault("final") != "false":
                case "OrderRejected":
                    if (orderId is { } order && await db.SalesOrders.AsNoTracking().Where(x => x.Id == order).Select(x => x.CreatedBy).FirstOrDefaultAsync(token) is { } clerk)
                    {
                        var approved = e.Type == "OrderApproved";
                        await notifier.NotifyAsync([clerk], e.Type, approved ? $"{number} approved" : $"{number} rejected", v.GetValueOrDefault("reason"), link, key, token);
                    }

                    break;
                case "ShipmentDelayed":
                    if (EventValues.CustomerOf(e, v) is { } customerId
                        && await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => c.OwnerUserId).FirstOrDefaultAsync(token) is { } rep)
                    {
                        await notifier.NotifyAsync([rep], "ShipmentDelayed", $"Shipment delayed {v.GetValueOrDefault("trackingNumber")}", v.GetValueOrDefault("reason"), link, key, token);
                    }

                    break;
                case "DemandSpikeDetected" or "DemandDropDetected" when EventValues.GuidOf(v, "productId") is { } productId:
                    var buyers = await UsersAllowedAsync(Purchasing.PurchasingPolicies.ManagePurchasing, token);
                    var product = await db.ProductRefs().Where(p => p.Id == productId).Select(p => new { p.Sku, p.Name }).FirstOrDefaultAsync(token);
                    var spike = e.Type == "DemandSpikeDetected";
                    var bound = spike ? v.GetValueOrDefault("high") : v.GetValueOrDefault("low");
                    var where = v.GetValueOrDefault("warehouseId") is { Length: > 0 } ? "one warehouse's shipments" : "ordered";
                    await notifier.NotifyAsync(buyers, "DemandSignal",
                        $"{(spike ? "Demand spike" : "Demand drop")}: {product?.Sku} {product?.Name}".TrimEnd(),
                        $"Week of {v.GetValueOrDefault("weekStart")}: {v.GetValueOrDefault("actual")} {where}, forecast {v.GetValueOrDefault("expected")} ({(spike ? "up to" : "at least")} {bound})",
                        $"/analytics/demand?productId={productId}", key, token);
                    break;
                case "FollowUpTaskCreated":
                    if (EventValues.GuidOf(v, "assigneeId") is { } assignee && assignee != e.ActorId)
                    {
                        await notifier.NotifyAsync([assignee], "TaskAssigned", v.GetValueOrDefault("subject") ?? "Task", v.GetValueOrDefault("dueAt"), "/tasks", key, token);
                    }

                    break;
            }
        }, ct);
    }

    /// <summary>The users whose roles the policy allows.</summary>
    private Task<List<Guid>> UsersAllowedAsync(string policy, CancellationToken ct) =>
        notifier.UsersInRolesAsync([.. permissions.All.FirstOrDefault(p => p.Policy == policy)?.Roles ?? []], ct);
}
