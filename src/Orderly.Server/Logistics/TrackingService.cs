using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Logistics;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Logistics;

/// <summary>
/// Follows shipments: applies tracking results (Kuaidi100 push or poll) once, raises ShipmentTrackingUpdated for
/// new events, records delivery on 签收 (configurable), and reports late shipments (ShipmentDelayed) once per reason.
/// </summary>
public sealed class TrackingService(
    OrderlyDbContext db, Writes writes, EventBuffer events, BusinessCalendar calendar, Kuaidi100Client kuaidi100, SfExpressClient sf, IOptionsMonitor<LogisticsOptions> options,
    ILogger<TrackingService> log)
{
    public const string EtaPassed = "EtaPassed";
    public const string NoMovement = "NoMovement";
    public const string ProblemStatus = "ProblemStatus";

    /// <summary>Applies a result to the open shipments with that tracking number; returns how many new events were recorded.</summary>
    public Task<int> ApplyAsync(string trackingNumber, Kuaidi100Result result, CancellationToken ct) => writes.RunAsync(async token =>
    {
        var shipments = await db.Shipments.Where(s => s.TrackingNumber == trackingNumber).ToListAsync(token);
        var added = 0;
        foreach (var shipment in shipments)
        {
            added += await ApplyToAsync(shipment, result.Events(), result.CurrentState, token);
        }

        return added;
    }, ct);

    /// <summary>
    /// Queries the carriers for every open shipment of a known carrier: SF's own route API for SF waybills when an SF
    /// account is configured, Kuaidi100 for the rest; returns the new events recorded.
    /// </summary>
    public async Task<int> PollAsync(CancellationToken ct)
    {
        if (!kuaidi100.Configured && !sf.Configured)
        {
            return 0;
        }

        var open = await db.Shipments.AsNoTracking()
            .Where(s => s.DeliveredAt == null && s.TrackingNumber != null && s.CarrierCode != null && s.TrackingState != TrackingState.Delivered && s.TrackingState != TrackingState.Returned)
            .Select(s => new { s.Id, s.CarrierCode, s.TrackingNumber }).Take(500).ToListAsync(ct);
        var added = 0;
        var bySf = sf.Configured ? open.Where(s => s.CarrierCode == "SF").ToList() : [];
        foreach (var batch in bySf.Chunk(10))
        {
            try
            {
                var routes = await sf.RoutesAsync([.. batch.Select(s => s.TrackingNumber!)], null, ct);
                foreach (var s in batch)
                {
                    if (routes.FirstOrDefault(r => string.Equals(r.MailNo, s.TrackingNumber, StringComparison.OrdinalIgnoreCase)) is { Events.Count: > 0 } found)
                    {
                        added += await writes.RunAsync(async token => await ApplyToAsync(await db.Shipments.FirstAsync(x => x.Id == s.Id, token), found.Events, found.CurrentState, token), ct);
                    }
                }
            }
            catch (HttpRequestException e)
            {
                log.LogWarning(e, "SF route query for {Count} shipments failed; the next poll tries again", batch.Length);
            }
        }

        foreach (var s in open.Except(bySf))
        {
            if (!kuaidi100.Configured || Carriers.Find(s.CarrierCode) is not { Kuaidi100Code: { } com })
            {
                continue;
            }

            try
            {
                if (await kuaidi100.QueryAsync(com, s.TrackingNumber!, null, ct) is { } result)
                {
                    added += await writes.RunAsync(async token => await ApplyToAsync(await db.Shipments.FirstAsync(x => x.Id == s.Id, token), result.Events(), result.CurrentState, token), ct);
                }
            }
            catch (HttpRequestException e)
            {
                log.LogWarning(e, "Kuaidi100 query for shipment {Shipment} failed; the next poll tries again", s.Id);
            }
        }

        return added;
    }

    /// <summary>Raises ShipmentDelayed for open shipments past their ETA, without movement for too long, or in a problem state.</summary>
    public Task<int> DetectDelaysAsync(CancellationToken ct) => writes.RunAsync(async token =>
    {
        var now = calendar.Now;
        var today = calendar.Today;
        var stalledBefore = now.AddHours(-options.CurrentValue.NoMovementHours);
        var open = (await db.Shipments.Where(s => s.DeliveredAt == null).Take(2000).ToListAsync(token)).Where(s => s.IsOpen).ToList();
        var raised = 0;
        foreach (var shipment in open)
        {
            string? reason = TrackingStates.IsProblem(shipment.TrackingState) ? ProblemStatus
                : shipment.Eta is { } eta && eta < today ? EtaPassed
                : (shipment.LastEventAt ?? shipment.ShippedAt) < stalledBefore ? NoMovement
                : null;
            if (reason is not null && shipment.MarkDelayed(reason, now))
            {
                var order = await db.OrderRefs().FirstAsync(o => o.Id == shipment.OrderId, token);
                events.Raise(new ShipmentDelayed(shipment.Id, shipment.OrderId, order.CustomerId, reason, shipment.Carrier, shipment.TrackingNumber, shipment.Eta));
                raised++;
            }
        }

        return raised;
    }, ct);

    private async Task<int> ApplyToAsync(Shipment shipment, IReadOnlyList<TrackingEvent> tracked, TrackingState? state, CancellationToken ct)
    {
        var added = shipment.ApplyTracking(tracked, state, calendar.Now);
        if (added.Count == 0)
        {
            return 0;
        }

        var newest = added[^1];
        if (options.CurrentValue.SignedRecordsDelivery && shipment.TrackingState == TrackingState.Delivered)
        {
            shipment.RecordDelivered(newest.At);
        }

        var order = await db.OrderRefs().FirstAsync(o => o.Id == shipment.OrderId, ct);
        events.Raise(new ShipmentTrackingUpdated(shipment.Id, shipment.OrderId, order.CustomerId, shipment.Carrier, shipment.TrackingNumber,
            shipment.TrackingState.ToString(), newest.At, newest.Location, newest.Description));
        return added.Count;
    }
}
