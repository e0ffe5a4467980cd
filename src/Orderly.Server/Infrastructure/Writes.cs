using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// SQLite allows one writer at a time; queueing writers in process is far cheaper than letting them spin on
/// SQLITE_BUSY. On PostgreSQL the gate is open and the database arbitrates. Writers queue in arrival order, except
/// urgent ones (the event dispatcher's short claims), which go before every waiting order: under a full order-entry
/// load the queue is tens of writers long, and events would otherwise wait behind all of them (P12).
/// </summary>
public sealed class WriteGate(DatabaseProvider provider)
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private bool _held;

    public DatabaseProvider Provider { get; } = provider;

    /// <summary>True while a writer holds the gate (so a writer arriving now would wait).</summary>
    public bool IsHeld
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    public async ValueTask<IDisposable?> EnterAsync(CancellationToken ct, bool urgent = false)
    {
        if (Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }

        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return new Releaser(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? _urgent : _waiting).Enqueue(waiter);
        }

        // A cancelled waiter stays queued but can no longer be granted; Release skips it.
        await using (ct.Register(() => waiter.TrySetCanceled(ct)))
        {
            await waiter.Task;
        }

        return new Releaser(this);
    }

    /// <summary>Hands the gate to the next waiter (urgent ones first), or opens it.</summary>
    private void Release()
    {
        lock (_lock)
        {
            while (_urgent.TryDequeue(out var next) || _waiting.TryDequeue(out next))
            {
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _held = false;
        }
    }

    private sealed class Releaser(WriteGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}

/// <summary>
/// Runs one unit of work in one transaction with one commit: behind the SQLite write gate, and retried a
/// bounded number of times on PostgreSQL serialization failures and deadlocks (40001, 40P01). With SQLite group
/// commit the unit commits behind the gate and waits for the shared fsync after leaving it, so the next writer
/// works while the disk syncs; the caller hears back only once the commit is durable.
/// </summary>
public sealed class Writes(
    Data.OrderlyDbContext db, WriteGate gate, ILogger<Writes> log, SqliteGroupCommit? group = null,
    SqliteWriteBatches? batches = null, Platform.Events.OutboxSignal? outbox = null)
{
    private const int MaxAttempts = 8;

    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct) => RunAsync(work, durable: true, ct);

    /// <summary>
    /// One unit of a long run of units (an import's batches): committed as <see cref="RunAsync{T}"/> commits, but
    /// returned without waiting for the fsync that makes it durable, so the next unit is built while the disk syncs;
    /// the caller awaits <see cref="DurableAsync"/> once after the run's last unit. A crash in between loses a suffix
    /// of the run's units (the write-ahead log replays in order), never part of one.
    /// </summary>
    public Task RunBeforeDurableAsync(Func<CancellationToken, Task> work, CancellationToken ct) =>
        RunAsync(async token => { await work(token); return true; }, durable: false, ct);

    /// <summary>Completes once every unit committed so far is on disk (at once where each commit syncs itself).</summary>
    public Task DurableAsync() => group?.FlushAsync() ?? Task.CompletedTask;

    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, bool durable, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            // Inside a unit that is already open (an atomic import booking stock counts through the Inventory's own
            // service): join it. The outer unit holds the write gate, commits once and retries as a whole.
            var joined = await work(ct);
            await db.SaveChangesAsync(ct);
            return joined;
        }

        for (var attempt = 1; ; attempt++)
        {
            T result;
            try
            {
                result = batches is not null && durable && batches.HasCompany && SqliteWriteBatches.CanJoin(db)
                    ? await RunInBatchAsync(work, ct)
                    : await RunOnceAsync(work, ct);
            }
            catch (Exception e) when (attempt < MaxAttempts && IsTransient(e))
            {
                log.LogInformation("Retrying a write after a transient conflict (attempt {Attempt}): {Reason}", attempt, e.Message);
                // Exponential backoff with full jitter keeps colliding retries from colliding again.
                await Task.Delay(Random.Shared.Next(1, Math.Min(250, 5 << attempt)), ct);
                continue;
            }

            if (group is not null && durable)
            {
                await group.FlushAsync();
            }

            return result;
        }
    }

    /// <summary>
    /// The unit in a transaction shared with other units (<see cref="SqliteWriteBatches"/>), under a savepoint of its
    /// own; returns once that transaction has committed. The dispatcher is woken here, as the commit signal
    /// (<see cref="Platform.Events.OutboxCommitSignal"/>) sees only transactions its own context commits.
    /// </summary>
    private async Task<T> RunInBatchAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        db.Database.AutoSavepointsEnabled = false;
        var result = await batches!.RunAsync(db, work, ct);
        if (db.WroteEvents)
        {
            db.WroteEvents = false;
            outbox?.Notify();
        }

        return result;
    }

    private async Task<T> RunOnceAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        using var entered = await gate.EnterAsync(ct);
        using var deferred = group is null ? null : SqliteGroupCommit.Defer();
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var result = await work(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return result;
        }
        catch
        {
            // Disposing the uncommitted transaction rolls it back.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> work, CancellationToken ct) =>
        RunAsync(async token => { await work(token); return true; }, ct);

    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } => true,
        Inventory.AllocationConflictException => true,
        // A row changed between our read and our write inside this unit; the unit re-reads everything, so a retry
        // is sound: a client's stale If-Match is then caught as 412, an order already moved as 409.
        DbUpdateConcurrencyException => true,
        _ when e.InnerException is not null => IsTransient(e.InnerException),
        _ => false,
    };
}
