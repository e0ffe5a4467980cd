using Microsoft.Extensions.Options;
using Orderly.Domain.Logistics;
using Orderly.Domain.Orders;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Logistics;

/// <summary>
/// Subscribes a shipment's tracking number at Kuaidi100 when goods leave (OrderShipped with a carrier Kuaidi100 knows),
/// so its pushes arrive at our callback. Once per shipment: the inbox row and the call go together, a failed call
/// rolls the row back and the dispatcher tries again; a repeat that slips through is answered 501 (already
/// subscribed), which counts as done.
/// </summary>
public sealed class TrackingSubscriber(EventInbox inbox, Kuaidi100Client kuaidi100, IOptionsMonitor<LogisticsOptions> options, ILogger<TrackingSubscriber> log) : IEventSubscriber
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

        await inbox.ApplyOnceAsync(Name, e.Id, async token =>
        {
            if (!await kuaidi100.SubscribeAsync(com, number, null, o.Kuaidi100Salt, token))
            {
                throw new HttpRequestException($"Kuaidi100 refused the subscription of {number}; the dispatcher retries.");
            }

            log.LogInformation("Subscribed {Carrier} {Number} at Kuaidi100 for order {Order}", com, number, shipped.Number);
        }, ct);
    }
}
