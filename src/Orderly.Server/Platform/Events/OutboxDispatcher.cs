using System.Data.Common;
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
    ILogger<OutboxDispatcher> log, SqliteGroupCommit? group = null) : BackgroundService
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
        var done = new List<long>();
        foreach (var e in claimed)
        {
            string? error = null;
            foreach (var handler in handlers)
            {
                if (!handler.Wants(e) || applied.Contains((handler.Name, e.Id)))
                {
                    continue;
                }

                try
                {
                    await HandleAsync(handler.GetType(), handler.Name, e, ct);
                }
                catch (Exception failure) when (failure is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    error = $"{handler.Name}: {failure.GetType().Name}: {failure.Message}";
                    log.LogWarning(failure, "Handler {Handler} failed on event {EventId} ({Type}), attempt {Attempt}", handler.Name, e.Id, e.Type, e.Attempt);
                }
            }

            if (error is null)
            {
                done.Add(e.Position);
                OrderlyMetrics.EventDispatched(e.Type, (time.GetUtcNow() - e.OccurredAt).TotalMilliseconds);
            }
            else
            {
                await FailAsync(db, e, error, settings, ct);
            }
        }

        await CompleteAsync(db, done, ct);
        return claimed.Count;
    }

    /// <summary>Runs one handler in a scope of its own, as the dispatcher's system actor, and records it in the inbox.</summary>
    private async Task HandleAsync(Type handlerType, string name, EventEnvelope e, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem($"events:{name}");
        var handler = scope.ServiceProvider.GetServices<IEventSubscriber>().First(h => h.GetType() == handlerType && h.Name == name);
        await handler.HandleAsync(e, ct);
        await scope.ServiceProvider.GetRequiredService<EventInbox>().MarkAsync(name, e.Id, ct);
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

    private async Task CompleteAsync(OrderlyDbContext db, List<long> positions, CancellationToken ct)
    {
        if (positions.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        using var entered = await gate.EnterAsync(ct, urgent: true);
        await db.Outbox.Where(m => positions.Contains(m.Position) && m.LockedBy == Node).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.State, OutboxState.Done)
            .SetProperty(m => m.ProcessedAt, new DateTimeOffset(now))
            .SetProperty(m => m.LockedBy, (string?)null)
            .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.LastError, (string?)null), ct);
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
