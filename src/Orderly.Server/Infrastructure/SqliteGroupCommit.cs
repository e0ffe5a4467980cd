using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Group commit for SQLite: writers commit with <c>synchronous=NORMAL</c> (no fsync per commit) and then wait
/// here until one fsync of the write-ahead log has covered their commit; every commit that lands while an fsync
/// runs is covered by the next one. A commit is acknowledged only once it is on disk, as with
/// <c>synchronous=FULL</c>, but many orders share one fsync. WAL frames are replayed in order after a crash and
/// their checksums are cumulative, so a durable commit implies every earlier commit is durable too. When the WAL
/// has been checkpointed and removed in between, SQLite has already synced the database file itself.
/// </summary>
public sealed class SqliteGroupCommit
{
    private readonly string _wal;
    private readonly string _database;
    private readonly Lock _lock = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _requested;
    private bool _running;
    private long _flushes;

    public SqliteGroupCommit(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        _database = Path.GetFullPath(file);
        _wal = _database + "-wal";
    }

    private static readonly AsyncLocal<bool> Deferring = new();

    /// <summary>True while the caller commits behind the write gate and waits for the fsync after leaving it.</summary>
    public static bool IsDeferred => Deferring.Value;

    /// <summary>Commits inside the returned scope do not wait for the fsync; the caller awaits <see cref="FlushAsync"/> itself.</summary>
    public static IDisposable Defer()
    {
        Deferring.Value = true;
        return new Undefer();
    }

    private long _unsharedRequests;

    /// <summary>Fsyncs asked for by <see cref="AfterNextFlushAsync"/> because no writer's fsync came in time.</summary>
    public long UnsharedRequests => Interlocked.Read(ref _unsharedRequests);

    /// <summary>How many fsyncs have run; with many concurrent writers far fewer than commits.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    private long _requests;

    /// <summary>How many committed writes have waited for an fsync (<see cref="FlushAsync"/> calls).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Completes once an fsync that started after this call has finished.</summary>
    public Task FlushAsync()
    {
        Interlocked.Increment(ref _requests);
        lock (_lock)
        {
            _requested = true;
            if (!_running)
            {
                _running = true;
                _ = Task.Run(Loop);
            }

            return _next.Task;
        }
    }

    /// <summary>
    /// Completes once an fsync that started after this call has finished, riding on the writers' next fsync and
    /// asking for one only when none starts within <paramref name="maxWait"/> (the event dispatcher's wait: under
    /// load it costs no fsync of its own).
    /// </summary>
    public async Task AfterNextFlushAsync(TimeSpan maxWait)
    {
        Task next;
        lock (_lock)
        {
            next = _next.Task;
        }

        if (await Task.WhenAny(next, Task.Delay(maxWait)) != next)
        {
            Interlocked.Increment(ref _unsharedRequests);
            await FlushAsync();
            return;
        }

        await next;
    }

    private void Loop()
    {
        while (true)
        {
            TaskCompletionSource current;
            lock (_lock)
            {
                if (!_requested)
                {
                    _running = false;
                    return;
                }

                _requested = false;
                current = _next;
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            try
            {
                Sync(File.Exists(_wal) ? _wal : _database);
                Interlocked.Increment(ref _flushes);
                current.SetResult();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                current.SetException(e);
            }
        }
    }

    private sealed class Undefer : IDisposable
    {
        public void Dispose() => Deferring.Value = false;
    }

    private static void Sync(string file)
    {
        try
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(handle);
        }
        catch (FileNotFoundException)
        {
            // The WAL was checkpointed into the database and removed between the check and the open: the
            // checkpoint synced the database file.
        }
    }
}

/// <summary>Makes every committed transaction wait for the group fsync before the caller goes on.</summary>
public sealed class SqliteGroupCommitInterceptor(SqliteGroupCommit group) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (!SqliteGroupCommit.IsDeferred)
        {
            group.FlushAsync().GetAwaiter().GetResult();
        }
    }

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!SqliteGroupCommit.IsDeferred)
        {
            await group.FlushAsync();
        }
    }
}

/// <summary>SaveChanges that ran without a transaction (a single statement) committed on its own: wait for the group fsync too.</summary>
public sealed class SqliteGroupCommitSaveInterceptor(SqliteGroupCommit group) : SaveChangesInterceptor
{
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            group.FlushAsync().GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            await group.FlushAsync();
        }

        return result;
    }
}
