namespace Orderly.Domain.Integration;

/// <summary>
/// A notification channel Orderly holds with a vendor (Zoho CRM's <c>actions/watch</c>): where the vendor posts, which
/// events, and when the vendor drops it. A scheduled job renews it before <see cref="Expiry"/> and subscribes it again
/// when it has lapsed.
/// </summary>
public sealed class ConnectorChannel
{
    public const int NotifyUrlMaxLength = 1000;
    public const int EventsMaxLength = 4000;

    private ConnectorChannel()
    {
    }

    public ConnectorChannel(string connector, string channelId, string notifyUrl, IReadOnlyList<string> events, DateTimeOffset expiry, DateTimeOffset now)
    {
        Connector = connector;
        ChannelId = channelId;
        Registered(notifyUrl, events, expiry, now);
    }

    public string Connector { get; private set; } = "";
    public string ChannelId { get; private set; } = "";
    public string NotifyUrl { get; private set; } = "";

    /// <summary>The vendor's event names, comma separated.</summary>
    public string Events { get; private set; } = "";

    public DateTimeOffset Expiry { get; private set; }
    public DateTimeOffset RenewedAt { get; private set; }

    /// <summary>Why the last renewal failed (null after a success); the job tries again at its next firing.</summary>
    public string? LastError { get; private set; }

    public IReadOnlyList<string> EventList => Events.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public void Registered(string notifyUrl, IReadOnlyList<string> events, DateTimeOffset expiry, DateTimeOffset now)
    {
        NotifyUrl = notifyUrl;
        Events = string.Join(',', events);
        Renewed(expiry, now);
    }

    public void Renewed(DateTimeOffset expiry, DateTimeOffset now)
    {
        Expiry = expiry;
        RenewedAt = now;
        LastError = null;
    }

    public void Failed(string error) => LastError = error.Length > 500 ? error[..500] : error;

    /// <summary>What the channel needs now: nothing, a renewal of its expiry, or a new subscription because it has lapsed.</summary>
    public ChannelAction Due(DateTimeOffset now, TimeSpan renewBefore) =>
        Expiry <= now ? ChannelAction.Resubscribe : Expiry - now <= renewBefore ? ChannelAction.Renew : ChannelAction.None;
}

public enum ChannelAction
{
    None,
    Renew,
    Resubscribe,
}
