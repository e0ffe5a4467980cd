using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>The caller's own notification centre and how they want to be told (muted, e-mailed, quiet hours).</summary>
public sealed class NotificationService(OrderlyDbContext db, Writes writes, Caller caller, TimeProvider time)
{
    private Guid Self => caller.PersonId ?? Guid.Empty;

    public async Task<NotificationListDto> ListAsync(bool unreadOnly, int? limit, CancellationToken ct)
    {
        var self = Self;
        var mine = db.Set<Notification>().AsNoTracking().Where(n => n.UserId == self);
        var rows = await (unreadOnly ? mine.Where(n => n.ReadAt == null) : mine).OrderByDescending(n => n.CreatedAt).Take(Math.Clamp(limit ?? 50, 1, 200))
            .Select(n => new NotificationDto(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt)).ToListAsync(ct);
        return new NotificationListDto(rows, await mine.CountAsync(n => n.ReadAt == null, ct));
    }

    public async Task<int> UnreadAsync(CancellationToken ct)
    {
        var self = Self;
        return await db.Set<Notification>().CountAsync(n => n.UserId == self && n.ReadAt == null, ct);
    }

    public Task MarkReadAsync(Guid id, CancellationToken ct)
    {
        var self = Self;
        return writes.RunAsync(async token =>
        {
            var notification = await db.Set<Notification>().FirstOrDefaultAsync(n => n.Id == id && n.UserId == self, token) ?? throw new NotFoundException("Notification", id);
            notification.MarkRead(time.GetUtcNow());
        }, ct);
    }

    public Task MarkAllReadAsync(CancellationToken ct)
    {
        var self = Self;
        var now = time.GetUtcNow();
        return writes.RunAsync(async token =>
        {
            foreach (var n in await db.Set<Notification>().Where(n => n.UserId == self && n.ReadAt == null).Take(1000).ToListAsync(token))
            {
                n.MarkRead(now);
            }
        }, ct);
    }

    public async Task<NotificationPreferencesDto> PreferencesAsync(CancellationToken ct)
    {
        var self = Self;
        var p = await db.Set<UserNotificationPreference>().AsNoTracking().FirstOrDefaultAsync(x => x.UserId == self, ct);
        return new NotificationPreferencesDto(p?.MutedKinds ?? [], p?.EmailedKinds ?? [], p?.Quiet is { } q ? new QuietHoursDto(q.From, q.To) : null);
    }

    public static readonly IReadOnlyList<string> Kinds = ["ApprovalNeeded", "OrderApproved", "OrderRejected", "ShipmentDelayed", "Mention", "TaskAssigned", "TaskDue", "DemandSignal"];

    public async Task<NotificationPreferencesDto> SetPreferencesAsync(NotificationPreferencesDto request, CancellationToken ct)
    {
        var unknown = (request.Muted ?? []).Concat(request.Emailed ?? []).Where(k => !Kinds.Contains(k)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new Domain.Common.RuleViolationException("muted", "UnknownKind", $"Unknown notification kinds: {string.Join(", ", unknown)}.");
        }

        var self = Self;
        await writes.RunAsync(async token =>
        {
            var p = await db.Set<UserNotificationPreference>().FirstOrDefaultAsync(x => x.UserId == self, token);
            if (p is null)
            {
                p = new UserNotificationPreference(self);
                db.Add(p);
            }

            p.Change(request.Muted ?? [], request.Emailed ?? [], request.QuietHours?.From, request.QuietHours?.To);
        }, ct);
        return await PreferencesAsync(ct);
    }
}
