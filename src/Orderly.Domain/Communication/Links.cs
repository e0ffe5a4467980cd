using Orderly.Domain.Common;
namespace Orderly.Domain.Communication;

/// <summary>A public link to an order's status page: the token (>= 128 bits) is kept only as its hash; revocable.</summary>
public sealed class StatusLink
{
    private StatusLink()
    {
    }

    public StatusLink(Guid orderId, Guid customerId, string tokenHash, string language, Guid? by, DateTimeOffset now)
    {
        Id = Ids.New(now);
        OrderId = orderId;
        CustomerId = customerId;
        TokenHash = tokenHash;
        Language = language;
        CreatedBy = by;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid CustomerId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public string Language { get; private set; } = "zh-CN";
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}

/// <summary>The reply address of an order's e-mails (<c>reply+TOKEN@domain</c>): a reply to it lands on the order's timeline.</summary>
public sealed class OrderMailbox
{
    private OrderMailbox()
    {
    }

    public OrderMailbox(Guid orderId, Guid customerId, string token, DateTimeOffset now)
    {
        OrderId = orderId;
        CustomerId = customerId;
        Token = token;
        CreatedAt = now;
    }

    public Guid OrderId { get; private set; }
    public Guid CustomerId { get; private set; }
    /// <summary>A routing token, not a credential: it only lets mail reach the order's timeline.</summary>
    public string Token { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}

/// <summary>A system event as the timeline shows it (status change, shipment, invoice, payment, survey, task, message sent).</summary>
public sealed class TimelineEntry
{
    private TimelineEntry()
    {
    }

    public TimelineEntry(Guid sourceId, Guid customerId, Guid? orderId, DateTimeOffset at, string kind, string? channel, string? direction, string summary, string? reference, Guid? by)
    {
        Id = Ids.New(at);
        SourceId = sourceId;
        CustomerId = customerId;
        OrderId = orderId;
        At = at;
        Kind = kind;
        Channel = channel;
        Direction = direction;
        Summary = summary.Length > 500 ? summary[..500] : summary;
        Ref = reference;
        By = by;
    }

    public Guid Id { get; private set; }
    /// <summary>The event or message it shows; each shown once.</summary>
    public Guid SourceId { get; private set; }
    public Guid CustomerId { get; private set; }
    public Guid? OrderId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string Kind { get; private set; } = "";
    public string? Channel { get; private set; }
    public string? Direction { get; private set; }
    public string Summary { get; private set; } = "";
    public string? Ref { get; private set; }
    public Guid? By { get; private set; }
}

/// <summary>A partner system's subscription to events, delivered as signed POSTs; the secret is stored protected.</summary>
public sealed class WebhookSubscription : Common.IVersioned
{
    private WebhookSubscription()
    {
    }

    public WebhookSubscription(string url, IEnumerable<string> events, string protectedSecret, Guid? by, DateTimeOffset now)
    {
        Id = Ids.New(now);
        Url = url;
        Events = string.Join(',', events.Distinct(StringComparer.Ordinal));
        ProtectedSecret = protectedSecret;
        CreatedBy = by;
        CreatedAt = now;
        IsActive = true;
    }

    public Guid Id { get; private set; }
    public string Url { get; private set; } = "";
    public string Events { get; private set; } = "";
    public string ProtectedSecret { get; private set; } = "";
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public bool IsActive { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<string> EventList => Events.Length == 0 ? [] : Events.Split(',');

    public bool Wants(string type) => IsActive && (EventList.Count == 0 || EventList.Contains(type, StringComparer.Ordinal) || EventList.Contains("*", StringComparer.Ordinal));

    public void Deactivate() => IsActive = false;
}
