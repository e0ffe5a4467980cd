using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>Webhook subscriptions (checked by the SSRF guard when registered), their delivery log and replays.</summary>
public sealed class WebhookService(OrderlyDbContext db, Writes writes, WebhookGuard guard, WebhookTypes types, IDataProtectionProvider protection, Caller caller, TimeProvider time)
{
    public const int MaxEvents = 100;

    public async Task<WebhookDto> CreateAsync(WebhookRequest request, Func<WebhookDto, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var violations = new List<Domain.Common.RuleViolation>();
        if (request.Url is null || request.Url.Length > 2000)
        {
            violations.Add(new("url", "InvalidUrl", "url is required, at most 2,000 characters."));
        }
        else if (await guard.RefusalAsync(request.Url, ct) is { } refusal)
        {
            violations.Add(new("url", refusal, "The URL must be a public http(s) address (no loopback, private, link-local or metadata addresses)."));
        }

        var events = request.Events ?? [];
        if (events.Length > MaxEvents || events.Any(e => e is null || e.Length is 0 or > 100 || !e.All(c => char.IsAsciiLetterOrDigit(c) || c == '*')))
        {
            violations.Add(new("events", "InvalidEvents", $"events are at most {MaxEvents} event type names."));
        }

        if (request.Secret is { } s && (s.Length < 16 || s.Length > 200))
        {
            violations.Add(new("secret", "InvalidSecret", "secret is 16 to 200 characters."));
        }

        if (violations.Count > 0)
        {
            throw new Domain.Common.RuleViolationException(violations);
        }

        var generated = request.Secret is null ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : null;
        var secret = request.Secret ?? generated!;
        var hook = new WebhookSubscription(request.Url!, events, protection.CreateProtector(WebhookSender.Purpose).Protect(secret), caller.PersonId, time.GetUtcNow());
        var dto = ToDto(hook) with { Secret = generated };
        await writes.RunAsync(async token =>
        {
            db.Add(hook);
            if (beforeCommit is not null)
            {
                await db.SaveChangesAsync(token);
                await beforeCommit(dto, token);
            }
        }, ct);
        await types.RefreshAsync(db, ct);
        return dto;
    }

    public async Task<WebhookListDto> ListAsync(CancellationToken ct) =>
        new([.. (await db.Set<WebhookSubscription>().AsNoTracking().OrderBy(w => w.CreatedAt).Take(500).ToListAsync(ct)).Select(ToDto)]);

    public async Task DeactivateAsync(Guid id, CancellationToken ct)
    {
        await writes.RunAsync(async token =>
        {
            var hook = await db.Set<WebhookSubscription>().FirstOrDefaultAsync(w => w.Id == id, token) ?? throw new NotFoundException("Webhook", id);
            hook.Deactivate();
        }, ct);
        await types.RefreshAsync(db, ct);
    }

    public async Task<DeliveryListDto> DeliveriesAsync(Guid id, int? limit, CancellationToken ct)
    {
        await RequireAsync(id, ct);
        var target = id.ToString();
        var rows = await db.Set<OutgoingMessage>().AsNoTracking().Where(m => m.Channel == MessageChannel.Webhook && m.Target == target)
            .OrderByDescending(m => m.CreatedAt).Take(Math.Clamp(limit ?? 100, 1, 500)).ToListAsync(ct);
        return new DeliveryListDto([.. rows.Select(m => new DeliveryDto(m.Id, m.EventId, m.EventType, m.State.ToString(), m.Attempts, m.CreatedAt, m.SentAt, m.NotBefore, m.LastError))]);
    }

    /// <summary>Sends a delivery again with the same event id (receivers that deduplicate drop it).</summary>
    public async Task ReplayAsync(Guid id, Guid deliveryId, CancellationToken ct)
    {
        var target = id.ToString();
        await writes.RunAsync(async token =>
        {
            var message = await db.Set<OutgoingMessage>().FirstOrDefaultAsync(m => m.Id == deliveryId && m.Channel == MessageChannel.Webhook && m.Target == target, token)
                ?? throw new NotFoundException("Delivery", deliveryId);
            if (message.State == MessageState.Pending)
            {
                throw new ConflictException("DeliveryPending", "The delivery is still queued.");
            }

            message.Replay(time.GetUtcNow());
        }, ct);
    }

    private async Task RequireAsync(Guid id, CancellationToken ct)
    {
        if (!await db.Set<WebhookSubscription>().AnyAsync(w => w.Id == id, ct))
        {
            throw new NotFoundException("Webhook", id);
        }
    }

    private static WebhookDto ToDto(WebhookSubscription w) => new(w.Id, w.Url, w.EventList, w.IsActive, w.CreatedAt);
}
