using Orderly.Domain.Common;
namespace Orderly.Domain.Communication;

public enum MessageChannel
{
    Email,
    Sms,
    Robot,
    Webhook,
    /// <summary>A WeCom external contact (the customer's WeChat, reached through the company's WeCom).</summary>
    WeCom,
}

public enum MessageState
{
    Pending,
    Sent,
    Dead,
}

/// <summary>
/// One message to one recipient caused by one event: written in the event's handling transaction (once, keyed by
/// event, channel and recipient), then sent by the message dispatcher at least once. A message sent and not yet
/// marked (the process died) is sent again with the same <see cref="MessageId"/>, so receivers can drop the repeat.
/// </summary>
public sealed class OutgoingMessage
{
    private OutgoingMessage()
    {
    }

    public OutgoingMessage(
        Guid eventId, string eventType, MessageChannel channel, string recipient, string? target, Guid? customerId, Guid? orderId,
        string language, string? subject, string text, string? html, DateTimeOffset now, DateTimeOffset notBefore)
    {
        Id = Ids.New(now);
        EventId = eventId;
        EventType = eventType;
        Channel = channel;
        Recipient = recipient;
        Target = target;
        CustomerId = customerId;
        OrderId = orderId;
        Language = language;
        Subject = subject;
        Text = text;
        Html = html;
        CreatedAt = now;
        NotBefore = notBefore;
        State = MessageState.Pending;
        MessageId = MessageIdFor(eventId, channel, recipient);
    }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public string EventType { get; private set; } = "";
    public MessageChannel Channel { get; private set; }
    /// <summary>An e-mail address, a phone number, a robot's or a webhook subscription's name.</summary>
    public string Recipient { get; private set; } = "";
    /// <summary>The robot kind or webhook subscription id the recipient is reached through.</summary>
    public string? Target { get; private set; }
    public Guid? CustomerId { get; private set; }
    public Guid? OrderId { get; private set; }
    public string Language { get; private set; } = "zh-CN";
    public string? Subject { get; private set; }
    public string Text { get; private set; } = "";
    public string? Html { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>Not sent before (quiet hours, the survey delay, the next retry).</summary>
    public DateTimeOffset NotBefore { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }
    public string? LockedBy { get; private set; }
    /// <summary>A document to attach (<c>invoice</c>, <c>purchase-order</c>, ...) and its id, rendered when sent.</summary>
    public string? AttachmentKind { get; private set; }
    public Guid? AttachmentId { get; private set; }
    public MessageState State { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? LastError { get; private set; }
    public string MessageId { get; private set; } = "";

    /// <summary>Derived from the event, so a re-send after a crash carries the same id (e-mail Message-ID, SMS OutId).</summary>
    public static string MessageIdFor(Guid eventId, MessageChannel channel, string recipient)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{channel}|{recipient.ToLowerInvariant()}")))[..12];
        return $"{eventId:N}.{hash}";
    }

    public OutgoingMessage Attach(string kind, Guid id)
    {
        AttachmentKind = kind;
        AttachmentId = id;
        return this;
    }

    /// <summary>A deterministic id for a second message caused by the same event (the survey after a delivery).</summary>
    public static Guid DerivedId(Guid eventId, string purpose)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{eventId:N}|{purpose}"));
        return new Guid(bytes.AsSpan(0, 16));
    }

    public void MarkSent(DateTimeOffset now)
    {
        State = MessageState.Sent;
        SentAt = now;
        LockedUntil = null;
        LockedBy = null;
        LastError = null;
    }

    /// <summary>A failed try: retried after <paramref name="retryAfter"/>, given up (Dead) after <paramref name="maxAttempts"/>.</summary>
    public void Fail(string error, DateTimeOffset now, TimeSpan retryAfter, int maxAttempts)
    {
        LastError = error.Length > 1000 ? error[..1000] : error;
        LockedUntil = null;
        LockedBy = null;
        if (Attempts >= maxAttempts)
        {
            State = MessageState.Dead;
        }
        else
        {
            NotBefore = now + retryAfter;
        }
    }

    /// <summary>Puts a sent or dead message back in the queue (a webhook replay): the same id, so receivers may drop it.</summary>
    public void Replay(DateTimeOffset now)
    {
        State = MessageState.Pending;
        NotBefore = now;
        Attempts = 0;
        LockedUntil = null;
    }
}
