using Orderly.Domain.Common;
using Orderly.Domain.Logistics;

namespace Orderly.Domain.Fulfillment;

/// <summary>Goods leaving one warehouse for one order.</summary>
public sealed class Shipment
{
    private readonly List<ShipmentLine> _lines = [];

    private Shipment()
    {
    }

    public Shipment(Guid orderId, Guid warehouseId, string? carrier, string? trackingNumber, IEnumerable<ShipmentLine> lines, DateTimeOffset at, Guid? by)
        : this(orderId, carrier, trackingNumber, lines, at, by)
    {
        WarehouseId = warehouseId;
    }

    /// <summary>A shipment a supplier sent straight to the customer (drop-ship): no stock of ours moved.</summary>
    public static Shipment FromSupplier(Guid orderId, Guid supplierId, string? carrier, string? trackingNumber, IEnumerable<ShipmentLine> lines, DateTimeOffset at, Guid? by) =>
        new(orderId, carrier, trackingNumber, lines, at, by) { SupplierId = supplierId };

    private Shipment(Guid orderId, string? carrier, string? trackingNumber, IEnumerable<ShipmentLine> lines, DateTimeOffset at, Guid? by)
    {
        Id = Ids.New(at);
        OrderId = orderId;
        // Known carriers by code or name (顺丰速运 -> SF), their tracking numbers checked; other text kept as the name.
        var resolved = Carriers.Resolve(carrier, trackingNumber);
        Carrier = resolved.Name;
        CarrierCode = resolved.Code;
        TrackingNumber = resolved.TrackingNumber;
        TrackingState = TrackingState.Pending;
        ShippedAt = at;
        ShippedBy = by;
        _lines.AddRange(lines);
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid? WarehouseId { get; private set; }
    public Guid? SupplierId { get; private set; }
    public string? Carrier { get; private set; }
    public string? TrackingNumber { get; private set; }
    public DateTimeOffset ShippedAt { get; private set; }
    public Guid? ShippedBy { get; private set; }
    public IReadOnlyList<ShipmentLine> Lines => _lines;

    /// <summary>Our code of a known carrier (<see cref="Carriers"/>); null for an unlisted one named in <see cref="Carrier"/>.</summary>
    public string? CarrierCode { get; private set; }
    public DateOnly? Eta { get; private set; }
    public TrackingState TrackingState { get; private set; }
    /// <summary>When the parcel last moved (the newest tracking event), or when it was shipped.</summary>
    public DateTimeOffset? LastEventAt { get; private set; }
    public DateTimeOffset? LastPolledAt { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }
    /// <summary>Why the shipment was reported late (once per reason).</summary>
    public string? DelayReason { get; private set; }
    public DateTimeOffset? DelayedAt { get; private set; }
    public IReadOnlyList<ShipmentPackage> Packages => _packages;
    public IReadOnlyList<TrackingEvent> TrackingEvents => _trackingEvents;

    private readonly List<ShipmentPackage> _packages = [];
    private readonly List<TrackingEvent> _trackingEvents = [];

    public bool IsOpen => DeliveredAt is null && !TrackingStates.IsFinal(TrackingState);

    public void Plan(DateOnly? eta, IEnumerable<ShipmentPackage> packages)
    {
        Eta = eta;
        _packages.Clear();
        _packages.AddRange(packages);
    }

    /// <summary>
    /// Adds the tracking events not seen before (same time and description) and moves the state to the newest
    /// event's; returns the new events, oldest first. The same push or poll applied twice adds nothing.
    /// </summary>
    public IReadOnlyList<TrackingEvent> ApplyTracking(IEnumerable<TrackingEvent> events, TrackingState? state, DateTimeOffset polledAt)
    {
        LastPolledAt = polledAt;
        var added = new List<TrackingEvent>();
        foreach (var e in events.OrderBy(e => e.At))
        {
            if (_trackingEvents.Any(x => x.At == e.At && x.Description == e.Description) || added.Any(x => x.At == e.At && x.Description == e.Description))
            {
                continue;
            }

            added.Add(e);
        }

        _trackingEvents.AddRange(added);
        var newest = _trackingEvents.OrderBy(e => e.At).LastOrDefault();
        if (newest is not null)
        {
            LastEventAt = newest.At;
        }

        var next = state ?? newest?.State;
        if (next is { } s && (added.Count > 0 || s != TrackingState))
        {
            TrackingState = s;
        }

        return added;
    }

    /// <summary>Delivery signed for (签收): records when.</summary>
    public void RecordDelivered(DateTimeOffset at) => DeliveredAt ??= at;

    /// <summary>Marks the shipment late for a reason; false when that reason was already reported.</summary>
    public bool MarkDelayed(string reason, DateTimeOffset at)
    {
        if (DelayReason == reason)
        {
            return false;
        }

        DelayReason = reason;
        DelayedAt = at;
        return true;
    }
}

/// <summary>A parcel of a shipment, with its own tracking number when the carrier gives one per parcel.</summary>
public sealed record ShipmentPackage(int Number, decimal? WeightKg = null, string? TrackingNumber = null);

/// <summary>One scan of the parcel by the carrier.</summary>
public sealed record TrackingEvent(DateTimeOffset At, TrackingState State, string? Status, string? Location, string? Description);

public sealed record ShipmentLine(Guid OrderLineId, Guid ProductId, decimal Quantity);
