using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;

namespace Orderly.Server.Communication;

/// <summary>Writes in-app notifications, one per user and cause, skipping the kinds a user muted; joins the caller's transaction.</summary>
public sealed class Notifier(OrderlyDbContext db, TimeProvider time)
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
        foreach (var user in ids.Except(already))
        {
            if (muted.FirstOrDefault(p => p.UserId == user)?.MutedKinds.Contains(kind) == true)
            {
                continue;
            }

            db.Add(new Notification(user, kind, title, body, link, sourceKey, time.GetUtcNow()));
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
