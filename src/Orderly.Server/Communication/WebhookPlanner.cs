using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Communication;

/// <summary>The event types some active webhook wants, kept in memory so other events cost nothing; refreshed on change and every pass.</summary>
public sealed class WebhookTypes
{
    private volatile HashSet<string> _types = [];
    private volatile bool _all;

    public bool Wants(string type) => _all || _types.Contains(type);

    public async Task RefreshAsync(OrderlyDbContext db, CancellationToken ct)
    {
        var lists = await db.Set<WebhookSubscription>().AsNoTracking().Where(w => w.IsActive).Select(w => w.Events).ToListAsync(ct);
        var types = lists.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        _all = lists.Any(l => l.Length == 0) || types.Contains("*");
        _types = types;
    }
}

/// <summary>Queues one delivery per event and subscription wanting it, with the event in the event sinks' JSON shape.</summary>
public sealed class WebhookPlanner(OrderlyDbContext db, EventInbox inbox, WebhookTypes types, TimeProvider time) : ITransactionalSubscriber
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "communication:webhooks";

    public bool Wants(EventEnvelope e) => types.Wants(e.Type);

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            id = e.Id,
            type = e.Type,
            occurredAt = e.OccurredAt,
            aggregateType = e.AggregateType,
            aggregateId = e.AggregateId,
            version = e.PayloadVersion,
            data = JsonDocument.Parse(e.Payload).RootElement,
        }, Json);
        await inbox.ApplyOnceAsync(Name, e.Id, async token =>
        {
            var now = time.GetUtcNow();
            var subscriptions = await db.Set<WebhookSubscription>().AsNoTracking().Where(w => w.IsActive).ToListAsync(token);
            foreach (var hook in subscriptions.Where(w => w.Wants(e.Type)))
            {
                db.Add(new OutgoingMessage(e.Id, e.Type, MessageChannel.Webhook, hook.Id.ToString(), hook.Id.ToString(), e.CustomerId, null, "en", null, body, null, now, now));
            }
        }, ct);
    }
}
