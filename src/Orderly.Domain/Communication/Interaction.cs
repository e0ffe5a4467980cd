using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Communication;

/// <summary>The ways a customer and the company talk; a note is internal and has none.</summary>
public enum InteractionChannel
{
    Phone,
    Email,
    Chat,
    WeCom,
    Visit,
}

public enum Direction
{
    In,
    Out,
}

/// <summary>
/// A conversation with a customer as someone logged it (a call, a visit, an e-mail in or out, a chat message) or an
/// internal note; the same channel message (<see cref="ExternalId"/>) is recorded once.
/// </summary>
public sealed class Interaction : IHasDomainEvents
{
    public const int SummaryMaxLength = 500;
    public const int BodyMaxLength = 20_000;
    public const int ExternalIdMaxLength = 200;

    private readonly List<IDomainEvent> _events = [];

    private Interaction()
    {
    }

    public Guid Id { get; private set; }
    public Guid CustomerId { get; private set; }
    public Guid? OrderId { get; private set; }
    /// <summary>Null for an internal note.</summary>
    public InteractionChannel? Channel { get; private set; }
    public Direction? Direction { get; private set; }
    public string Summary { get; private set; } = "";
    public string? Body { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }
    public string? ExternalId { get; private set; }
    public Guid? By { get; private set; }
    /// <summary>The users a note mentions, comma-separated ids.</summary>
    public string? Mentions { get; private set; }

    /// <summary>The timeline kind: Call, Email, Chat, Visit or Note.</summary>
    public string Kind => KindOf(Channel);

    public static string KindOf(InteractionChannel? channel) => channel switch
    {
        InteractionChannel.Phone => "Call",
        InteractionChannel.Email => "Email",
        InteractionChannel.Chat or InteractionChannel.WeCom => "Chat",
        InteractionChannel.Visit => "Visit",
        _ => "Note",
    };

    public static Interaction Log(
        Guid customerId, Guid? orderId, InteractionChannel channel, Direction direction, string? summary, string? body,
        DateTimeOffset? occurredAt, string? externalId, Guid? by, DateTimeOffset now)
    {
        var violations = new List<RuleViolation>();
        var interaction = Create(customerId, orderId, summary, body, occurredAt, by, now, violations);
        interaction.Channel = channel;
        interaction.Direction = direction;
        interaction.ExternalId = Text.Optional(externalId, "externalId", ExternalIdMaxLength, violations);
        if (occurredAt is { } at && at > now.AddMinutes(5))
        {
            violations.Add(new RuleViolation("occurredAt", "InFuture", "An interaction cannot have happened in the future."));
        }

        Violations.ThrowIfAny(violations);
        interaction._events.Add(new InteractionLogged(interaction.Id, customerId, orderId, channel.ToString(), direction.ToString()));
        return interaction;
    }

    /// <summary>An internal note; the users it mentions are told.</summary>
    public static Interaction Note(Guid customerId, Guid? orderId, string? text, IReadOnlyCollection<Guid> mentions, Guid? by, DateTimeOffset now)
    {
        var violations = new List<RuleViolation>();
        var interaction = Create(customerId, orderId, text, null, null, by, now, violations);
        interaction.Mentions = mentions.Count == 0 ? null : string.Join(',', mentions);
        Violations.ThrowIfAny(violations);
        return interaction;
    }

    public IReadOnlyList<Guid> MentionedUsers =>
        Mentions is null ? [] : [.. Mentions.Split(',').Select(Guid.Parse)];

    private static Interaction Create(
        Guid customerId, Guid? orderId, string? summary, string? body, DateTimeOffset? occurredAt, Guid? by, DateTimeOffset now, List<RuleViolation> violations) =>
        new()
        {
            Id = Ids.New(now),
            CustomerId = customerId,
            OrderId = orderId,
            Summary = Text.Required(summary, "summary", SummaryMaxLength, violations),
            Body = Text.Optional(body, "body", BodyMaxLength, violations),
            OccurredAt = occurredAt ?? now,
            RecordedAt = now,
            By = by,
        };

    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = _events.ToList();
        _events.Clear();
        return taken;
    }
}

public sealed record InteractionLogged(Guid InteractionId, Guid CustomerId, Guid? OrderId, string Channel, string Direction) : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "Interaction";

    [JsonIgnore]
    public Guid AggregateId => InteractionId;

    [JsonIgnore]
    public Guid? ConcernsCustomer => CustomerId;
}
