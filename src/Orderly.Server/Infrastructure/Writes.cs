using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// SQLite allows one writer at a time; queueing writers in process is far cheaper than letting them spin on
/// SQLITE_BUSY. On PostgreSQL the gate is open and the database arbitrates.
/// </summary>
public sealed class WriteGate(DatabaseProvider provider) : IDisposable
{
    private readonly SemaphoreSlim _single = new(1, 1);

    public DatabaseProvider Provider { get; } = provider;

    public async ValueTask<IDisposable?> EnterAsync(CancellationToken ct)
    {
        if (Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }

        await _single.WaitAsync(ct);
        return new Releaser(_single);
    }

    public void Dispose() => _single.Dispose();

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}

/// <summary>
/// Runs one unit of work in one transaction with one commit: behind the SQLite write gate, and retried a
/// bounded number of times on PostgreSQL serialization failures and deadlocks (40001, 40P01). With SQLite group
/// commit the unit commits behind the gate and waits for the shared fsync after leaving it, so the next writer
/// works while the disk syncs; the caller hears back only once the commit is durable.
/// </summary>
public sealed class Writes(Data.OrderlyDbContext db, WriteGate gate, ILogger<Writes> log, SqliteGroupCommit? group = null)
{
    private const int MaxAttempts = 8;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            T result;
            try
            {
                result = await RunOnceAsync(work, ct);
            }
            catch (Exception e) when (attempt < MaxAttempts && IsTransient(e))
            {
                log.LogInformation("Retrying a write after a transient conflict (attempt {Attempt}): {Reason}", attempt, e.Message);
                // Exponential backoff with full jitter keeps colliding retries from colliding again.
                await Task.Delay(Random.Shared.Next(1, Math.Min(250, 5 << attempt)), ct);
                continue;
            }

            if (group is not null)
            {
                await group.FlushAsync();
            }

            return result;
        }
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
