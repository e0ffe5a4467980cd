using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Platform.Events;

/// <summary>What each handler has applied: one row per (handler, event id), so a redelivered event is applied once.</summary>
public sealed class EventInbox(OrderlyDbContext db, Writes writes, TimeProvider time, IOptions<EventOptions> options)
{
    /// <summary>Records that the handler applied the event (a no-op when it is recorded already).</summary>
    public Task MarkAsync(string handler, Guid eventId, CancellationToken ct) =>
        writes.RunAsync(token => TryInsertAsync(handler, eventId, token), ct);

    /// <summary>
    /// Applies an event's database work exactly once: the inbox row and the work commit in one transaction, and a
    /// second delivery finds the row and does nothing. Returns false when the event was applied before.
    /// </summary>
    public Task<bool> ApplyOnceAsync(string handler, Guid eventId, Func<CancellationToken, Task> work, CancellationToken ct) =>
        writes.RunAsync(async token =>
        {
            if (!await TryInsertAsync(handler, eventId, token))
            {
                return false;
            }

            await work(token);
            return true;
        }, ct);

    /// <summary>
    /// <see cref="ApplyOnceAsync"/> for work that often finds nothing to do and writes only through the context's change
    /// tracker (a notifier with nobody to tell, a planner with no address to write to): the inbox row is written after
    /// the work, and only when it added or changed something. A delivery that did nothing leaves no row, as if it had
    /// not been delivered; a redelivery asks again. Two deliveries racing on two nodes both find no row; the second's
    /// insert then finds the first's and fails its transaction, so the work is applied once. Returns whether it was
    /// applied now.
    /// </summary>
    public Task<bool> ApplyOnceIfAnyAsync(string handler, Guid eventId, Func<CancellationToken, Task> work, CancellationToken ct) =>
        options.Value.InboxRowPerDelivery ? ApplyOnceAsync(handler, eventId, work, ct) : writes.RunAsync(async token =>
        {
            if (await db.Inbox.AsNoTracking().AnyAsync(i => i.Handler == handler && i.EventId == eventId, token))
            {
                return false;
            }

            await work(token);
            if (!db.ChangeTracker.HasChanges())
            {
                return false;
            }

            return await TryInsertAsync(handler, eventId, token)
                ? true
                : throw new InvalidOperationException($"Event {eventId} was applied by {handler} in another delivery at the same time; this one rolls back.");
        }, ct);

    /// <summary>
    /// For a handler that sees from the event alone that it has nothing to do: nothing is written (with
    /// <see cref="EventOptions.InboxRowPerDelivery"/>, the row every delivery once wrote, for the bench's comparison).
    /// </summary>
    public Task NothingToDoAsync(string handler, Guid eventId, CancellationToken ct) =>
        options.Value.InboxRowPerDelivery ? MarkAsync(handler, eventId, ct) : Task.CompletedTask;

    private async Task<bool> TryInsertAsync(string handler, Guid eventId, CancellationToken ct) =>
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO outbox_inbox (handler, event_id, handled_at) VALUES ({0}, {1}, {2}) ON CONFLICT DO NOTHING",
            [handler, eventId, time.GetUtcNow().UtcDateTime], ct) == 1;
}
