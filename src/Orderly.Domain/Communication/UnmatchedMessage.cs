using Orderly.Domain.Common;
namespace Orderly.Domain.Communication;

/// <summary>
/// A customer message that arrived on a channel but whose sender matches no customer contact: kept for a manager to
/// look at rather than dropped. The same channel message (<see cref="ExternalId"/>) is kept once.
/// </summary>
public sealed class UnmatchedMessage
{
    public const int TextMaxLength = 20_000;

    private UnmatchedMessage()
    {
    }

    public UnmatchedMessage(InteractionChannel channel, string externalId, string sender, string? messageType, string? text, DateTimeOffset? sentAt, DateTimeOffset now)
    {
        Id = Ids.New(now);
        Channel = channel;
        ExternalId = Cut(externalId, Interaction.ExternalIdMaxLength);
        Sender = Cut(sender, 128);
        MessageType = messageType is null ? null : Cut(messageType, 32);
        Text = text is null ? null : Cut(text, TextMaxLength);
        SentAt = sentAt;
        ReceivedAt = now;
    }

    public Guid Id { get; private set; }
    public InteractionChannel Channel { get; private set; }
    public string ExternalId { get; private set; } = "";
    /// <summary>The channel's id of the sender (a WeCom ExternalUserID).</summary>
    public string Sender { get; private set; } = "";
    public string? MessageType { get; private set; }
    public string? Text { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }

    private static string Cut(string value, int max) => value.Length > max ? value[..max] : value;
}
