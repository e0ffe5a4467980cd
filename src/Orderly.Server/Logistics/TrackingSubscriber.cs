using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Logistics;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Logistics;

/// <summary>
/// Subscribes a shipment's tracking number at Kuaidi100 when goods leave (OrderShipped with a carrier Kuaidi100 knows),
/// so its pushes arrive at our callback. Once per shipment: a delivery of an event already in the inbox does nothing;
/// otherwise the call is made outside any transaction (never holding SQLite's write gate over the network) and the
/// inbox row written after it. A failed call writes nothing and the dispatcher retries; a repeat that slips between
/// the call and the row is answered 501 (already subscribed) by Kuaidi100, which counts as done.
/// </summary>
public sealed class TrackingSubscriber(
    OrderlyDbContext db, EventInbox inbox, Kuaidi100Client kuaidi100, IOptionsMonitor<LogisticsOptions> options, ILogger<TrackingSubscriber> log) : IEventSubscriber
{
    public string Name => "Logistics.Kuaidi100Subscription";

    public bool Wants(EventEnvelope e) => e.Type == nameof(OrderShipped);

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        var shipped = e.Data<OrderShipped>();
        var o = options.CurrentValue;
        if (!kuaidi100.Configured || string.IsNullOrEmpty(o.Kuaidi100CallbackUrl) || string.IsNullOrEmpty(o.Kuaidi100Salt)
            || shipped.TrackingNumber is not { Length: > 0 } || Carriers.Find(shipped.Carrier) is not { Kuaidi100Code: { } com })
        {
            return;
        }

        // The number as the shipment stored it (spaces out, a known carrier's prefix in capitals).
        var number = Carriers.Resolve(shipped.Carrier, shipped.TrackingNumber).TrackingNumber!;

        if (await db.Set<InboxEntry>().AsNoTracking().AnyAsync(i => i.Handler == Name && i.EventId == e.Id, ct))
        {
            return;
        }

        if (!await kuaidi100.SubscribeAsync(com, number, null, o.Kuaidi100Salt, ct))
        {
            throw new HttpRequestException($"Kuaidi100 refused the subscription of {number}; the dispatcher retries.");
        }

        await inbox.MarkAsync(Name, e.Id, ct);
        log.LogInformation("Subscribed {Carrier} {Number} at Kuaidi100 for order {Order}", com, number, shipped.Number);
    }
}
