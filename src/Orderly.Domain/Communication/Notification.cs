using Orderly.Domain.Common;

namespace Orderly.Domain.Communication;

/// <summary>An in-app notice to one user (an order to approve, a mention, a task due); read or not.</summary>
public sealed class Notification
{
    private Notification()
    {
    }

    public Notification(Guid userId, string kind, string title, string? body, string? link, string sourceKey, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        UserId = userId;
        Kind = kind;
        Title = Text.Normalize(title) is { Length: > 200 } t ? t[..200] : Text.Normalize(title);
        Body = body is { Length: > 2000 } ? body[..2000] : body;
        Link = link;
        SourceKey = sourceKey;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    /// <summary>ApprovalNeeded, OrderApproved, OrderRejected, ShipmentDelayed, Mention, TaskAssigned, TaskDue.</summary>
    public string Kind { get; private set; } = "";
    public string Title { get; private set; } = "";
    public string? Body { get; private set; }
    public string? Link { get; private set; }
    /// <summary>What caused it (event id, task id); one notice per user and source.</summary>
    public string SourceKey { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ReadAt { get; private set; }

    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;
}

/// <summary>What a user does not want to be told in the app (by notification kind).</summary>
public sealed class UserNotificationPreference : Common.IVersioned
{
    private UserNotificationPreference()
    {
    }

    public UserNotificationPreference(Guid userId) => UserId = userId;

    public Guid UserId { get; private set; }
    /// <summary>Muted kinds, comma-separated.</summary>
    public string Muted { get; private set; } = "";
    public int Version { get; set; }

    public IReadOnlyList<string> MutedKinds => Muted.Length == 0 ? [] : Muted.Split(',');

    public void Mute(IEnumerable<string> kinds) => Muted = string.Join(',', kinds.Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
