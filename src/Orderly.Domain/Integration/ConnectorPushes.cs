using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Integration;

/// <summary>
/// One vendor push (callback, notification) accepted after its signature or token checked out: the vendor's event id
/// is unique per connector, so a push the vendor repeats (it retries when the answer is slow or lost) is recorded once.
/// The work it asks for (re-reading the records it names) is done later through the outbox.
/// </summary>
public sealed class ConnectorPush
{
    public const int EventIdMaxLength = 100;
    public const int ExternalIdsMaxLength = 2000;

    private ConnectorPush()
    {
    }

    public ConnectorPush(Guid id, string connector, string eventId, string? objectType, IReadOnlyList<string> externalIds, DateTimeOffset receivedAt)
    {
        Id = id;
        Connector = connector;
        EventId = eventId.Length > EventIdMaxLength ? eventId[..EventIdMaxLength] : eventId;
        ObjectType = objectType;
        var ids = string.Join(',', externalIds);
        ExternalIds = ids.Length > ExternalIdsMaxLength ? ids[..ExternalIdsMaxLength] : ids;
        ReceivedAt = receivedAt;
    }

    public Guid Id { get; private set; }
    public string Connector { get; private set; } = "";

    /// <summary>The vendor's id of the event (or, when the vendor sends none, a hash of what identifies the push).</summary>
    public string EventId { get; private set; } = "";

    /// <summary>Orderly's object type the push concerns (product, customer, sales-order), null when the vendor did not say.</summary>
    public string? ObjectType { get; private set; }

    /// <summary>The vendor's record ids the push names, comma separated.</summary>
    public string ExternalIds { get; private set; } = "";

    public DateTimeOffset ReceivedAt { get; private set; }
}

/// <summary>
/// A vendor told Orderly that records changed on its side (raised when a push is accepted, once per vendor event id);
/// the connector's inbound sync reacts by re-reading them.
/// </summary>
public sealed record ConnectorChangeReceived(Guid PushId, string Connector, string VendorEventId, string? ObjectType, IReadOnlyList<string> ExternalIds) : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "ConnectorPush";

    [JsonIgnore]
    public Guid AggregateId => PushId;
}
