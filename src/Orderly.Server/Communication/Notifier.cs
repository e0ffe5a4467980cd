using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Microsoft.Extensions.Options;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>
/// Writes in-app notifications, one per user and cause, skipping the kinds a user muted, and queues an e-mail to the
/// users who want that kind by e-mail (held until their quiet hours end); joins the caller's transaction.
/// </summary>
public sealed class Notifier(OrderlyDbContext db, TimeProvider time, BusinessCalendar calendar, IOptions<CommunicationOptions> options)
{
    public async Task NotifyAsync(IEnumerable<Guid> users, string kind, string title, string? body, string? link, string sourceKey, CancellationToken ct)
    {
        var ids = users.Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var muted = await db.Set<UserNotificationPreference>().AsNoTracking().Where(p => ids.Contains(p.UserId)).ToListAsync(ct);
        var already = await db.Set<Notification>().AsNoTracking().Where(n => ids.Contains(n.UserId) && n.SourceKey == sourceKey).Select(n => n.UserId).ToListAsync(ct);
        var now = time.GetUtcNow();
        foreach (var user in ids.Except(already))
        {
            if (muted.FirstOrDefault(p => p.UserId == user)?.MutedKinds.Contains(kind) == true)
            {
                continue;
            }

            db.Add(new Notification(user, kind, title, body, link, sourceKey, now));
        }

        var emailed = muted.Where(p => p.EmailedKinds.Contains(kind)).ToList();
        if (emailed.Count == 0)
        {
            return;
        }

        var emailedIds = emailed.Select(p => p.UserId).ToList();
        var addresses = await db.Users.AsNoTracking().Where(u => emailedIds.Contains(u.Id) && u.Email != null).Select(u => new { u.Id, u.Email }).ToListAsync(ct);
        var cause = OutgoingMessage.DerivedId(Guid.Empty, "notice|" + kind + "|" + sourceKey);
        var url = link is null ? null : options.Value.PublicBaseUrl.TrimEnd('/') + link;
        foreach (var a in addresses)
        {
            if (await db.Set<OutgoingMessage>().AnyAsync(m => m.EventId == cause && m.Channel == MessageChannel.Email && m.Recipient == a.Email!, ct))
            {
                continue;
            }

            var notBefore = emailed.First(p => p.UserId == a.Id).Quiet?.NextAllowed(now, calendar.Zone) ?? now;
            var text = string.Join("\n\n", new[] { title, body, url }.Where(x => !string.IsNullOrWhiteSpace(x)));
            var html = $"<p><strong>{System.Net.WebUtility.HtmlEncode(title)}</strong></p>"
                + (body is null ? "" : $"<p>{System.Net.WebUtility.HtmlEncode(body)}</p>")
                + (url is null ? "" : $"<p><a href=\"{System.Net.WebUtility.HtmlEncode(url)}\">{System.Net.WebUtility.HtmlEncode(url)}</a></p>");
            db.Add(new OutgoingMessage(cause, "Notice:" + kind, MessageChannel.Email, a.Email!, null, null, null, CustomerCommunication.English,
                "[Orderly] " + title, text, html, now, notBefore));
        }
    }

    /// <summary>Users holding any of the roles.</summary>
    public Task<List<Guid>> UsersInRolesAsync(IReadOnlyCollection<string> roles, CancellationToken ct) =>
        (from ur in db.UserRoles
         join r in db.Roles on ur.RoleId equals r.Id
         where roles.Contains(r.Name!)
         select ur.UserId).Distinct().ToListAsync(ct);

    /// <summary>Users by e-mail or user name (for @mentions).</summary>
    public Task<List<Guid>> UsersNamedAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        var upper = names.Select(n => n.ToUpperInvariant()).ToList();
        return db.Users.AsNoTracking().Where(u => upper.Contains(u.NormalizedEmail!) || upper.Contains(u.NormalizedUserName!)).Select(u => u.Id).ToListAsync(ct);
    }
}
