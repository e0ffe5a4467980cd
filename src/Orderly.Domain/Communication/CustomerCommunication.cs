using Orderly.Domain.Common;

namespace Orderly.Domain.Communication;

/// <summary>
/// How a customer wants to be told: their language, quiet hours, and per recipient (the customer's own address or a
/// contact) which events arrive on which channels.
/// </summary>
public sealed class CustomerCommunication : Common.IVersioned
{
    public const string Chinese = "zh-CN";
    public const string English = "en";
    public const int MaxRecipients = 20;

    /// <summary>Told by default when a customer has chosen nothing.</summary>
    public static readonly IReadOnlyList<string> DefaultEvents =
        ["OrderConfirmed", "OrderShipped", "OrderDelivered", "ShipmentDelayed", "InvoiceIssued", "PaymentReceived", "InvoiceOverdue", "InvoiceReminderDue"];

    /// <summary>The events a customer may be told about.</summary>
    public static readonly IReadOnlyList<string> CustomerEvents =
        [.. DefaultEvents, "ShipmentTrackingUpdated", "OrderCancelled", "CreditNoteIssued"];

    private readonly List<NotificationRecipient> _recipients = [];

    private CustomerCommunication()
    {
    }

    public CustomerCommunication(Guid customerId) => CustomerId = customerId;

    /// <summary>What a customer who chose nothing gets: Chinese, no quiet hours, the customer's own e-mail for the default events.</summary>
    public static CustomerCommunication Defaults(Guid customerId)
    {
        var defaults = new CustomerCommunication(customerId);
        defaults._recipients.Add(new NotificationRecipient(null, null, null, null, DefaultEvents, [MessageChannel.Email]));
        return defaults;
    }

    public Guid CustomerId { get; private set; }
    public string Language { get; private set; } = Chinese;
    public TimeOnly? QuietFrom { get; private set; }
    public TimeOnly? QuietTo { get; private set; }
    public int Version { get; set; }
    public IReadOnlyList<NotificationRecipient> Recipients => _recipients;

    public QuietHours? Quiet => QuietFrom is { } from && QuietTo is { } to ? new QuietHours(from, to) : null;

    public static string NormalizeLanguage(string? language) =>
        language is not null && language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English : Chinese;

    public void Change(string? language, TimeOnly? quietFrom, TimeOnly? quietTo, IReadOnlyList<NotificationRecipient> recipients)
    {
        var violations = new List<RuleViolation>();
        if (language is not null and not (Chinese or English))
        {
            violations.Add(new RuleViolation("language", "UnsupportedLanguage", "language is zh-CN or en."));
        }

        if (quietFrom.HasValue != quietTo.HasValue)
        {
            violations.Add(new RuleViolation("quietHours", "Incomplete", "Quiet hours need both from and to."));
        }

        if (recipients.Count > MaxRecipients)
        {
            violations.Add(new RuleViolation("recipients", "TooMany", $"At most {MaxRecipients} recipients."));
        }

        for (var i = 0; i < recipients.Count; i++)
        {
            recipients[i].Check($"recipients[{i}]", violations);
        }

        Violations.ThrowIfAny(violations);
        Language = language ?? Chinese;
        QuietFrom = quietFrom;
        QuietTo = quietTo;
        _recipients.Clear();
        _recipients.AddRange(recipients);
    }

    /// <summary>
    /// Knows a WeCom sender as one of this customer's contacts (an unmatched message assigned by a manager): a recipient
    /// who receives no notices until someone chooses events for them, but whose chats land on the timeline. Nothing
    /// changes when a recipient already has that WeCom id.
    /// </summary>
    public bool AddWeComContact(string? name, string weComUserId)
    {
        if (_recipients.Any(r => r.WeComUserId == weComUserId))
        {
            return false;
        }

        var violations = new List<RuleViolation>();
        if (_recipients.Count >= MaxRecipients)
        {
            violations.Add(new RuleViolation("customerId", "TooManyRecipients", $"The customer already has {MaxRecipients} recipients, the most there can be."));
        }

        var contactName = Text.Optional(name, "contactName", 100, violations);
        Violations.ThrowIfAny(violations);
        _recipients.Add(new NotificationRecipient(contactName, null, null, null, [], [MessageChannel.WeCom], weComUserId));
        return true;
    }
}

/// <summary>One recipient of a customer's notices: null e-mail/phone means the customer's own.</summary>
public sealed class NotificationRecipient
{
    private NotificationRecipient()
    {
    }

    public NotificationRecipient(string? name, string? email, string? phone, string? language, IEnumerable<string> events, IEnumerable<MessageChannel> channels, string? weComUserId = null)
    {
        WeComUserId = Text.Optional(weComUserId, "weComUserId", 64);
        Name = Text.Optional(name, "name", 100);
        Email = Text.Optional(email, "email", 254);
        Phone = Text.Optional(phone, "phone", 40);
        Language = language;
        Events = string.Join(',', events.Distinct(StringComparer.Ordinal));
        Channels = string.Join(',', channels.Distinct());
    }

    public string? Name { get; private set; }
    public string? Email { get; private set; }
    public string? Phone { get; private set; }
    public string? Language { get; private set; }
    /// <summary>The contact's WeCom external_userid (from the company's WeCom customer contacts), for the WeCom channel.</summary>
    public string? WeComUserId { get; private set; }
    public string Events { get; private set; } = "";
    public string Channels { get; private set; } = "";

    public IReadOnlyList<string> EventList => Events.Length == 0 ? [] : Events.Split(',');

    public IReadOnlyList<MessageChannel> ChannelList => Channels.Length == 0 ? [] : [.. Channels.Split(',').Select(Enum.Parse<MessageChannel>)];

    internal void Check(string field, List<RuleViolation> violations)
    {
        if (Email is not null && !Email.Contains('@', StringComparison.Ordinal))
        {
            violations.Add(new RuleViolation($"{field}.email", "InvalidEmail", "Not an e-mail address."));
        }

        if (Language is not null and not (CustomerCommunication.Chinese or CustomerCommunication.English))
        {
            violations.Add(new RuleViolation($"{field}.language", "UnsupportedLanguage", "language is zh-CN or en."));
        }

        foreach (var e in EventList.Where(e => !CustomerCommunication.CustomerEvents.Contains(e)))
        {
            violations.Add(new RuleViolation($"{field}.events", "UnknownEvent", $"'{e}' is not an event customers are told about."));
        }

        if (ChannelList.Any(c => c is not (MessageChannel.Email or MessageChannel.Sms or MessageChannel.WeCom)))
        {
            violations.Add(new RuleViolation($"{field}.channels", "UnsupportedChannel", "Customers are told by Email, Sms or WeCom."));
        }

        if (ChannelList.Contains(MessageChannel.WeCom) && WeComUserId is null)
        {
            violations.Add(new RuleViolation($"{field}.weComUserId", "Required", "The WeCom channel needs the contact's WeCom external user id."));
        }
    }
}
