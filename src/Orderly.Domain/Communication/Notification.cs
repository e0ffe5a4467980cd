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
        Id = Ids.New(now);
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

/// <summary>
/// How a user wants internal notices: kinds muted in the app, kinds also sent by e-mail, and quiet hours during which
/// those e-mails wait (the in-app notice is silent and always recorded unless muted).
/// </summary>
public sealed class UserNotificationPreference : Common.IVersioned
{
    private UserNotificationPreference()
    {
    }

    public UserNotificationPreference(Guid userId) => UserId = userId;

    public Guid UserId { get; private set; }
    /// <summary>Muted kinds, comma-separated.</summary>
    public string Muted { get; private set; } = "";
    /// <summary>Kinds also sent to the user's e-mail, comma-separated.</summary>
    public string Emailed { get; private set; } = "";
    public TimeOnly? QuietFrom { get; private set; }
    public TimeOnly? QuietTo { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<string> MutedKinds => Muted.Length == 0 ? [] : Muted.Split(',');

    public IReadOnlyList<string> EmailedKinds => Emailed.Length == 0 ? [] : Emailed.Split(',');

    public QuietHours? Quiet => QuietFrom is { } from && QuietTo is { } to ? new QuietHours(from, to) : null;

    public void Mute(IEnumerable<string> kinds) => Muted = Join(kinds);

    public void Change(IEnumerable<string> muted, IEnumerable<string> emailed, TimeOnly? quietFrom, TimeOnly? quietTo)
    {
        if (quietFrom.HasValue != quietTo.HasValue)
        {
            throw new Common.RuleViolationException("quietHours", "Incomplete", "Quiet hours need both from and to.");
        }

        Muted = Join(muted);
        Emailed = Join(emailed);
        QuietFrom = quietFrom;
        QuietTo = quietTo;
    }

    private static string Join(IEnumerable<string> kinds) =>
        string.Join(',', kinds.Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
