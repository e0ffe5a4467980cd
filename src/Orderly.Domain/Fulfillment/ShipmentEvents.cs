using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Fulfillment;

/// <summary>An event of a shipment (aggregate type <c>Shipment</c>), concerning the order's customer.</summary>
public interface IShipmentEvent : IDomainEvent
{
    Guid ShipmentId { get; }

    Guid CustomerId { get; }

    [JsonIgnore]
    string IDomainEvent.AggregateType => "Shipment";

    [JsonIgnore]
    Guid IDomainEvent.AggregateId => ShipmentId;

    [JsonIgnore]
    Guid? IDomainEvent.ConcernsCustomer => CustomerId;
}

/// <summary>New tracking events arrived for a shipment; <paramref name="Status"/> is the newest state (<c>Delivered</c>, ...).</summary>
public sealed record ShipmentTrackingUpdated(Guid ShipmentId, Guid OrderId, Guid CustomerId, string? Carrier, string? TrackingNumber, string Status,
    DateTimeOffset At, string? Location, string? Description) : IShipmentEvent;

/// <summary>A shipment is late: <paramref name="Reason"/> is <c>EtaPassed</c>, <c>NoMovement</c> or <c>ProblemStatus</c>.</summary>
public sealed record ShipmentDelayed(Guid ShipmentId, Guid OrderId, Guid CustomerId, string Reason, string? Carrier, string? TrackingNumber, DateOnly? Eta)
    : IShipmentEvent;
