using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Telemetry;

namespace Orderly.Server.Platform.Events;

/// <summary>
/// Delivers outbox events to the registered <see cref="IEventSubscriber"/>s, at least once each. Nodes claim batches
/// with a lease (on PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, so nodes never claim the same event; on SQLite behind
/// the single write gate); a handler's success is recorded in the inbox, so a retried event skips the handlers that
/// already applied it. Failures retry with exponential backoff and jitter and are dead-lettered after
/// <see cref="EventOptions.MaxAttempts"/>. A node's own commits wake it at once; other nodes' are found by polling.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, OutboxSignal signal, WriteGate gate, IOptions<EventOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<OutboxDispatcher> log, SqliteGroupCommit? group = null) : BackgroundService
{
    /// <summary>This process, as it appears in <c>locked_by</c>.</summary>
    public static readonly string Node = $"{Environment.MachineName[..Math.Min(100, Environment.MachineName.Length)]}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    private readonly Random _jitter = new();
    private DateTimeOffset _nextCleanup;
    private DateTimeOffset _nextBacklog;
    private OrderlyMetrics.OutboxBacklog _backlog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.DispatcherEnabled)
        {
            return;
        }

        try
        {
            await lifetime.WhenStartedAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var delivered = 0;
                try
                {
                    delivered = await DispatchOnceAsync(stoppingToken);
                    OrderlyMetrics.DispatcherRun(delivered > 0 ? "delivered" : "idle");
                    await CleanUpIfDueAsync(stoppingToken);
                    await MeasureBacklogIfDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    OrderlyMetrics.DispatcherRun("failed");
                    log.LogError(e, "The event dispatcher failed; it tries again after its poll interval");
                }

                if (delivered < settings.BatchSize)
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: claimed events return to the pool when their lease expires.
        }
    }

    /// <summary>
    /// How long one shared transaction of database-only subscribers may run: on SQLite it holds the write gate, so
    /// order entry waits at most this long for it; many events share it instead of one gate pass per call.
    /// </summary>
    private static readonly TimeSpan SharedTransactionBudget = TimeSpan.FromMilliseconds(20);

    /// <summary>Claims one batch of due events and delivers it; returns how many events it claimed.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        var claimed = await ClaimAsync(db, settings, ct);
        if (claimed.Count == 0)
        {
            return 0;
        }

        if (group is not null)
        {
            // An event goes out only once the commit that wrote it is durable (the fsync after the claim covers it).
            await group.AfterNextFlushAsync(TimeSpan.FromMilliseconds(20));
        }

        var handlers = scope.ServiceProvider.GetServices<IEventSubscriber>().ToList();
        var eventIds = claimed.Select(e => e.Id).ToList();
        var applied = (await db.Inbox.AsNoTracking().Where(i => eventIds.Contains(i.EventId)).Select(i => new { i.Handler, i.EventId }).ToListAsync(ct))
            .Select(i => (i.Handler, i.EventId)).ToHashSet();
        var delivery = new Delivery(applied);
        if (handlers.Any(h => h is ITransactionalSubscriber))
        {
            await DeliverInSharedTransactionsAsync(claimed, delivery, ct);
        }

        // Subscribers that call out: each call in a scope (and transactions) of its own, unless the subscriber is idle.
        var idle = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var e in claimed)
        {
            foreach (var handler in handlers)
            {
                if (handler is ITransactionalSubscriber || !handler.Wants(e) || applied.Contains((handler.Name, e.Id)))
                {
                    continue;
                }

                if (handler is IIdleAwareSubscriber aware && await IsIdleAsync(aware, idle, ct))
                {
                    delivery.Marks.Add(new Mark(handler.Name, e.Id, OnlyForRetry: true));
                    continue;
                }

                try
                {
                    await HandleAsync(handler.GetType(), handler.Name, e, ct);
                    delivery.Marks.Add(new Mark(handler.Name, e.Id, OnlyForRetry: false));
                }
                catch (Exception failure) when (failure is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    delivery.Errors[e.Id] = Failed(handler.Name, e, failure);
                }
            }
        }

        var done = claimed.Where(e => !delivery.Errors.ContainsKey(e.Id)).ToList();
        var marks = delivery.Marks.Where(m => !m.OnlyForRetry || delivery.Errors.ContainsKey(m.EventId) || settings.InboxRowPerDelivery).Select(m => (m.Handler, m.EventId)).ToList();
        await CompleteAsync(db, marks, [.. done.Select(e => e.Position)], ct);
        foreach (var e in done)
        {
            OrderlyMetrics.EventDispatched(e.Type, (time.GetUtcNow() - e.OccurredAt).TotalMilliseconds);
        }

        foreach (var e in claimed.Where(e => delivery.Errors.ContainsKey(e.Id)))
        {
            await FailAsync(db, e, delivery.Errors[e.Id], settings, ct);
        }

        return claimed.Count;
    }

    /// <summary>Asks a subscriber once per batch whether it is idle; one that cannot tell is not (its calls then say why).</summary>
    private async Task<bool> IsIdleAsync(IIdleAwareSubscriber subscriber, Dictionary<string, bool> answers, CancellationToken ct)
    {
        if (!answers.TryGetValue(subscriber.Name, out var answer))
        {
            try
            {
                answer = await subscriber.IsIdleAsync(ct);
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(failure, "Handler {Handler} could not tell whether it is idle; its events are delivered to it", subscriber.Name);
                answer = false;
            }

            answers[subscriber.Name] = answer;
        }

        return answer;
    }

    /// <summary>What one batch's delivery did: the (handler, event) pairs that succeeded, and the last error per event.</summary>
    private sealed record Delivery(HashSet<(string Handler, Guid EventId)> Applied)
    {
        public List<Mark> Marks { get; } = [];

        public Dictionary<Guid, string> Errors { get; } = [];
    }

    /// <summary>
    /// A handler that succeeded on an event, for the inbox. The inbox keeps a retried event from repeating a handler, and
    /// only an event with a failed handler is retried (dead events only by an admin's retry), so most marks are needed
    /// only when their event failed (<paramref name="OnlyForRetry"/>): a database-only subscriber records the work it
    /// did itself, in the work's own transaction (<see cref="EventInbox"/>), and an idle one did nothing. A subscriber
    /// that called out is recorded even when its event is done: another node that claims the event after this node's
    /// lease ran out then does not call again. The marks and the event's completion commit together, so a crash before
    /// that commit loses both and redelivers the event whole. Before, every (handler, event) pair wrote a row: 8 per
    /// placed order, 2 now (the timeline's).
    /// </summary>
    private sealed record Mark(string Handler, Guid EventId, bool OnlyForRetry);

    /// <summary>
    /// Runs the database-only subscribers over the batch in a few short transactions (each at most
    /// <see cref="SharedTransactionBudget"/>, then committed), one savepoint per call: a call that fails rolls back to
    /// its savepoint and only its event is retried. On SQLite each transaction is one pass through the write gate, in
    /// the urgent lane, instead of one pass per call; none waits for the group fsync (the batch's completion commits
    /// after them, and a crash before it is durable redelivers the events).
    /// </summary>
    private async Task DeliverInSharedTransactionsAsync(List<EventEnvelope> claimed, Delivery delivery, CancellationToken ct)
    {
        var index = 0;
        while (index < claimed.Count)
        {
            var first = index;
            var marks = new List<Mark>();
            var errors = new List<(Guid, string)>();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
            var caller = scope.ServiceProvider.GetRequiredService<Caller>();
            var handlers = scope.ServiceProvider.GetServices<IEventSubscriber>().OfType<ITransactionalSubscriber>().ToList();
            try
            {
                using var entered = await gate.EnterAsync(ct, urgent: true);
                using var deferred = group is null ? null : SqliteGroupCommit.Defer();
                db.Database.AutoSavepointsEnabled = false;
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var started = Stopwatch.GetTimestamp();
                do
                {
                    var e = claimed[index++];
                    foreach (var handler in handlers)
                    {
                        if (!handler.Wants(e) || delivery.Applied.Contains((handler.Name, e.Id)))
                        {
                            continue;
                        }

                        caller.ActAsSystem($"events:{handler.Name}");
                        await transaction.CreateSavepointAsync("delivery", ct);
                        try
                        {
                            await handler.HandleAsync(e, ct);
                            await db.SaveChangesAsync(ct);
                            await transaction.ReleaseSavepointAsync("delivery", ct);
                            marks.Add(new Mark(handler.Name, e.Id, OnlyForRetry: true));
                        }
                        catch (Exception failure) when (failure is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            await transaction.RollbackToSavepointAsync("delivery", ct);
                            errors.Add((e.Id, Failed(handler.Name, e, failure)));
                        }
                        finally
                        {
                            db.ChangeTracker.Clear();
                        }
                    }
                }
                while (index < claimed.Count && Stopwatch.GetElapsedTime(started) < SharedTransactionBudget);

                await transaction.CommitAsync(ct);
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The shared transaction itself failed (begin or commit): nothing of it holds, every event in it is retried.
                log.LogWarning(failure, "A shared delivery transaction of {Count} events failed; they are retried", index - first);
                marks.Clear();
                errors.Clear();
                errors.AddRange(claimed.Skip(first).Take(index - first).Select(e => (e.Id, $"delivery transaction: {failure.GetType().Name}: {failure.Message}")));
            }

            delivery.Marks.AddRange(marks);
            foreach (var (eventId, error) in errors)
            {
                delivery.Errors[eventId] = error;
            }
        }
    }

    /// <summary>Logs a handler's failure on an event and words it for the event's last error.</summary>
    private string Failed(string handler, EventEnvelope e, Exception failure)
    {
        log.LogWarning(failure, "Handler {Handler} failed on event {EventId} ({Type}), attempt {Attempt}", handler, e.Id, e.Type, e.Attempt);
        return $"{handler}: {failure.GetType().Name}: {failure.Message}";
    }

    /// <summary>Runs one handler in a scope of its own, as the dispatcher's system actor; the dispatcher records it in the inbox with the batch.</summary>
    private async Task HandleAsync(Type handlerType, string name, EventEnvelope e, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem($"events:{name}");
        var handler = scope.ServiceProvider.GetServices<IEventSubscriber>().First(h => h.GetType() == handlerType && h.Name == name);
        await handler.HandleAsync(e, ct);
    }

    private async Task<List<EventEnvelope>> ClaimAsync(OrderlyDbContext db, EventOptions settings, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var postgres = db.Database.IsNpgsql();
        var sql = $"""
            UPDATE outbox SET locked_by = @node, locked_until = @until, attempts = attempts + 1
            WHERE position IN (
                SELECT position FROM outbox
                WHERE state = 'Pending' AND available_at <= @now AND (locked_until IS NULL OR locked_until < @now)
                ORDER BY position LIMIT @limit{(postgres ? " FOR UPDATE SKIP LOCKED" : "")})
            RETURNING position, id, type, aggregate_type, aggregate_id, customer_id, payload_version, payload, occurred_at, actor_id, actor_name, correlation_id, attempts
            """;
        using var entered = await gate.EnterAsync(ct, urgent: true);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            Add(command, "node", Node);
            Add(command, "until", now + settings.LeaseFor);
            Add(command, "now", now);
            Add(command, "limit", settings.BatchSize);
            var claimed = new List<EventEnvelope>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                claimed.Add(new EventEnvelope(
                    reader.GetFieldValue<Guid>(1), reader.GetInt64(0), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<Guid>(5), reader.GetInt32(6), reader.GetString(7),
                    new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(8), DateTimeKind.Utc)),
                    reader.IsDBNull(9) ? null : reader.GetFieldValue<Guid>(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetInt32(12)));
            }

            claimed.Sort((a, b) => a.Position.CompareTo(b.Position));
            return claimed;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Records in one transaction what the batch applied (the inbox rows of every successful call, so a retried event
    /// skips them) and marks the delivered events done.
    /// </summary>
    private async Task CompleteAsync(OrderlyDbContext db, List<(string Handler, Guid EventId)> marks, List<long> positions, CancellationToken ct)
    {
        if (marks.Count == 0 && positions.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        using var entered = await gate.EnterAsync(ct, urgent: true);
        using var deferred = group is null ? null : SqliteGroupCommit.Defer();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var chunk in marks.Chunk(300))
        {
            var values = new object[chunk.Length * 3];
            var rows = new string[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                rows[i] = $"({{{i * 3}}}, {{{i * 3 + 1}}}, {{{i * 3 + 2}}})";
                values[i * 3] = chunk[i].Handler;
                values[i * 3 + 1] = chunk[i].EventId;
                values[i * 3 + 2] = now;
            }

            // Only placeholders are joined into the text; every value is a parameter.
            var sql = "INSERT INTO outbox_inbox (handler, event_id, handled_at) VALUES " + string.Join(", ", rows) + " ON CONFLICT DO NOTHING";
            await db.Database.ExecuteSqlRawAsync(sql, values, ct);
        }

        if (positions.Count > 0)
        {
            await db.Outbox.Where(m => positions.Contains(m.Position) && m.LockedBy == Node).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, OutboxState.Done)
                .SetProperty(m => m.ProcessedAt, new DateTimeOffset(now))
                .SetProperty(m => m.LockedBy, (string?)null)
                .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, (string?)null), ct);
        }

        await transaction.CommitAsync(ct);
    }

    private async Task FailAsync(OrderlyDbContext db, EventEnvelope e, string error, EventOptions settings, CancellationToken ct)
    {
        var dead = e.Attempt >= settings.MaxAttempts;
        var next = time.GetUtcNow() + settings.RetryDelay(e.Attempt, _jitter);
        using var entered = await gate.EnterAsync(ct, urgent: true);
        await db.Outbox.Where(m => m.Position == e.Position && m.LockedBy == Node).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.State, dead ? OutboxState.Dead : OutboxState.Pending)
            .SetProperty(m => m.AvailableAt, next)
            .SetProperty(m => m.LockedBy, (string?)null)
            .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.LastError, error.Length > 2000 ? error[..2000] : error), ct);
        if (dead)
        {
            OrderlyMetrics.EventDeadLettered(e.Type);
            log.LogError("Event {EventId} ({Type}) is dead-lettered after {Attempts} attempts: {Error}", e.Id, e.Type, e.Attempt, error);
        }
    }

    /// <summary>Counts what waits in the outbox every 15 s, for the <c>orderly.outbox.pending</c> gauges (a scrape reads the last count).</summary>
    private async Task MeasureBacklogIfDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now < _nextBacklog)
        {
            return;
        }

        _nextBacklog = now.AddSeconds(15);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        var pending = db.Outbox.AsNoTracking().Where(m => m.State == OutboxState.Pending);
        var count = await pending.LongCountAsync(ct);
        var oldest = count == 0 ? (DateTimeOffset?)null : await pending.OrderBy(m => m.Position).Select(m => (DateTimeOffset?)m.OccurredAt).FirstOrDefaultAsync(ct);
        _backlog = new OrderlyMetrics.OutboxBacklog(count, oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0);
        OrderlyMetrics.ObserveOutbox(() => _backlog);
    }

    /// <summary>Deletes delivered events older than <see cref="EventOptions.KeepDelivered"/>, at most hourly.</summary>
    private async Task CleanUpIfDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }

        _nextCleanup = now.AddHours(1);
        var before = now - options.Value.KeepDelivered;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        using var entered = await gate.EnterAsync(ct, urgent: true);
        var ids = db.Outbox.Where(m => m.State == OutboxState.Done && m.OccurredAt < before).Select(m => m.Id);
        await db.Inbox.Where(i => ids.Contains(i.EventId)).ExecuteDeleteAsync(ct);
        await db.Outbox.Where(m => m.State == OutboxState.Done && m.OccurredAt < before).ExecuteDeleteAsync(ct);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
