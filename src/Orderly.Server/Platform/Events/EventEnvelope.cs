using System.Text.Json;

namespace Orderly.Server.Platform.Events;

/// <summary>An event as stored and delivered: its id, type, aggregate, payload (JSON) and who caused it.</summary>
public sealed record EventEnvelope(
    Guid Id,
    long Position,
    string Type,
    string AggregateType,
    string AggregateId,
    Guid? CustomerId,
    int PayloadVersion,
    string Payload,
    DateTimeOffset OccurredAt,
    Guid? ActorId,
    string? ActorName,
    string? CorrelationId,
    int Attempt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public T Data<T>() => JsonSerializer.Deserialize<T>(Payload, Json) ?? throw new InvalidOperationException($"Event {Id} has an empty payload.");
}

/// <summary>
/// An in-process receiver of events, registered by a capability's module. The dispatcher calls it at least once
/// per matching event and records in the inbox that it did; a handler that writes to the database applies the
/// event exactly once by doing so through <see cref="EventInbox.ApplyOnceAsync"/>, and one that calls out
/// (e-mail, webhooks) sends the event id so the receiver can drop repeats.
/// </summary>
public interface IEventSubscriber
{
    /// <summary>A stable name: the inbox remembers what this handler applied under it.</summary>
    string Name { get; }

    bool Wants(EventEnvelope e);

    Task HandleAsync(EventEnvelope e, CancellationToken ct);
}

/// <summary>
/// A subscriber that only reads and writes Orderly's database (no calls out, no scopes or transactions of its own): the
/// dispatcher runs it inside a short transaction shared by many events (on SQLite one pass through the write gate for
/// them all), each call under a savepoint, so a failing call rolls back alone. Its <see cref="EventInbox.ApplyOnceAsync"/>
/// then joins that transaction.
/// </summary>
public interface ITransactionalSubscriber : IEventSubscriber;

/// <summary>
/// A subscriber that calls out only when something is configured (a connector enabled with orders going out): the
/// dispatcher asks it once per delivered batch, in the batch's scope, before setting up any call of its own. When it
/// is idle, the dispatcher records the batch's events as applied for it, as a call that found nothing to do would
/// have, without the scope, the subscribers' construction and the query each call would cost. The answer is what each
/// call would have read a moment later.
/// </summary>
public interface IIdleAwareSubscriber : IEventSubscriber
{
    Task<bool> IsIdleAsync(CancellationToken ct);
}
