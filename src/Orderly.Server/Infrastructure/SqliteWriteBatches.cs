using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Several units of work per SQLite transaction (group commit of whole units): units that reach the write gate while
/// another batch runs queue here; one leader at a time takes the gate, begins one transaction on its own connection
/// and hands it to the queued units in arrival order. Each unit runs on its own context, switched onto that
/// connection, under a savepoint: a unit that fails rolls back to its savepoint alone and its caller hears the
/// error at once; the others go on. The batch ends when nobody is waiting, after <see cref="MaxUnits"/> units or
/// after <see cref="MaxTime"/>, and commits once. Every unit's caller hears back only after that commit (and, with
/// group commit, its fsync): an acknowledged unit is committed, and a failed commit fails every unit in it.
/// What it buys: a commit writes each changed page to the WAL once, and the pages every order changes (the
/// outbox's and audit trail's last pages, rollups, index tails, stock balances of popular products) are written
/// once per batch instead of once per order (docs/performance.md, "What each design choice bought").
/// </summary>
public sealed class SqliteWriteBatches(
    WriteGate gate, string connectionString, SqlitePragmas pragmas, int maxUnits, TimeSpan maxTime, ILogger<SqliteWriteBatches> log) : IDisposable
{
    private const string Savepoint = "orderly_unit";

    private readonly Lock _lock = new();
    private readonly Queue<Turn> _queue = new();
    private bool _leading;
    private SqliteConnection? _connection;
    private long _batches;
    private long _units;

    /// <summary>At most this many units share one transaction.</summary>
    public int MaxUnits { get; } = maxUnits;

    /// <summary>No unit joins a batch that has run this long; it starts the next one.</summary>
    public TimeSpan MaxTime { get; } = maxTime;

    /// <summary>Transactions committed (or failed) so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Units that have run in a batch so far, failed ones included.</summary>
    public long Units => Interlocked.Read(ref _units);

    /// <summary>
    /// True when a unit arriving now would wait anyway (a batch runs or is queued, or another writer holds the gate),
    /// so it may as well share a transaction. A unit arriving at a free gate runs alone in a transaction of its own:
    /// a batch of one would only add the connection switch and the savepoint to its latency.
    /// </summary>
    public bool HasCompany
    {
        get
        {
            lock (_lock)
            {
                if (_leading || _queue.Count > 0)
                {
                    return true;
                }
            }

            return gate.IsHeld;
        }
    }

    /// <summary>Units queued for the next batch now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// True when <paramref name="db"/> can join a batch: its own connection is closed between queries, as EF leaves
    /// it, so it can be switched onto the batch's connection and back.
    /// </summary>
    public static bool CanJoin(OrderlyDbContext db) =>
        db.Database.CurrentTransaction is null && db.Database.GetDbConnection().State == System.Data.ConnectionState.Closed;

    /// <summary>
    /// Runs <paramref name="work"/> and saves <paramref name="db"/> inside the next batch, under a savepoint; returns
    /// once the batch has committed. Throws the unit's own error (its savepoint rolled back), or the batch's when the
    /// commit failed.
    /// </summary>
    public async Task<T> RunAsync<T>(OrderlyDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var turn = new Turn();
        bool lead;
        lock (_lock)
        {
            _queue.Enqueue(turn);
            lead = !_leading;
            _leading = true;
        }

        if (lead)
        {
            // The leader runs on its own: no request's cancellation or ambient state belongs to the batch.
            _ = Task.Run(LeadAsync, CancellationToken.None);
        }

        Batch batch;
        await using (ct.Register(() => turn.Granted.TrySetCanceled(ct)))
        {
            // A waiter cancelled before its turn is skipped by the leader (its grant fails).
            batch = await turn.Granted.Task;
        }

        T result;
        try
        {
            db.Database.SetDbConnection(batch.Connection, contextOwnsConnection: false);
            await db.Database.UseTransactionAsync(batch.Transaction, ct);
            batch.Transaction.Save(Savepoint);
            try
            {
                result = await work(ct);
                await db.SaveChangesAsync(ct);
                batch.Transaction.Release(Savepoint);
            }
            catch
            {
                db.ChangeTracker.Clear();
                db.WroteEvents = false;
                batch.RollBackUnit(Savepoint);
                throw;
            }
        }
        finally
        {
            // Back onto a connection of its own to the same database (the pool keeps the native handles), for whatever
            // the request reads next.
            await db.Database.UseTransactionAsync(null, CancellationToken.None);
            await db.Database.CloseConnectionAsync();
            db.Database.SetDbConnection(new SqliteConnection(connectionString), contextOwnsConnection: true);
            turn.Done.TrySetResult();
        }

        await turn.Committed.Task;
        return result;
    }

    private async Task LeadAsync()
    {
        while (true)
        {
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _leading = false;
                    return;
                }
            }

            // Between batches the gate passes to whoever waits for it (the dispatcher's claims, imports).
            using (await gate.EnterAsync(CancellationToken.None))
            {
                await RunBatchAsync();
            }
        }
    }

    private async Task RunBatchAsync()
    {
        SqliteTransaction transaction;
        try
        {
            transaction = Connection().BeginTransaction(deferred: false);
        }
        catch (Exception e)
        {
            // The queued units cannot run (the database cannot be written): each hears why.
            log.LogError(e, "Could not begin a write batch");
            ResetConnection();
            lock (_lock)
            {
                while (_queue.TryDequeue(out var waiting))
                {
                    waiting.Granted.TrySetException(e);
                }
            }

            return;
        }

        var batch = new Batch(_connection!, transaction);
        var members = new List<Turn>(MaxUnits);
        var started = Stopwatch.GetTimestamp();
        Exception? failure = null;
        try
        {
            while (members.Count < MaxUnits && Stopwatch.GetElapsedTime(started) < MaxTime)
            {
                Turn? next;
                lock (_lock)
                {
                    _queue.TryDequeue(out next);
                }

                if (next is null)
                {
                    break;
                }

                if (!next.Granted.TrySetResult(batch))
                {
                    continue;
                }

                members.Add(next);
                Interlocked.Increment(ref _units);
                await next.Done.Task;
                if (batch.Broken is { } broken)
                {
                    failure = broken;
                    break;
                }

                if (SQLitePCL.raw.sqlite3_get_autocommit(batch.Connection.Handle) != 0)
                {
                    // No transaction any more: an error inside the unit made SQLite roll back everything.
                    failure = new InvalidOperationException("SQLite rolled back the write batch after a unit's error.");
                    break;
                }
            }

            if (failure is null)
            {
                transaction.Commit();
            }
            else
            {
                RollBack(transaction);
            }
        }
        catch (Exception e)
        {
            failure = e;
            RollBack(transaction);
        }
        finally
        {
            transaction.Dispose();
            Interlocked.Increment(ref _batches);
        }

        Telemetry.OrderlyMetrics.WriteBatch(members.Count, failure is null);
        if (failure is not null)
        {
            log.LogError(failure, "A write batch of {Units} units failed to commit", members.Count);
            ResetConnection();
        }

        foreach (var member in members)
        {
            if (failure is null)
            {
                member.Committed.TrySetResult();
            }
            else
            {
                member.Committed.TrySetException(new WriteBatchFailedException(failure));
            }
        }
    }

    private static void RollBack(SqliteTransaction transaction)
    {
        try
        {
            transaction.Rollback();
        }
        catch (SqliteException)
        {
            // SQLite already rolled the transaction back itself (a full disk, an I/O error).
        }
    }

    private SqliteConnection Connection()
    {
        if (_connection is null)
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            pragmas.Configure(connection);
            _connection = connection;
        }

        return _connection;
    }

    private void ResetConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose() => ResetConnection();

    private sealed class Turn
    {
        public TaskCompletionSource<Batch> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Batch(SqliteConnection connection, SqliteTransaction transaction)
    {
        public SqliteConnection Connection { get; } = connection;

        public SqliteTransaction Transaction { get; } = transaction;

        /// <summary>Set when a unit's failure took the whole transaction with it (SQLite rolls back on some errors).</summary>
        public Exception? Broken { get; private set; }

        public void RollBackUnit(string savepoint)
        {
            try
            {
                Transaction.Rollback(savepoint);
                Transaction.Release(savepoint);
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                Broken = e;
            }
        }
    }
}

/// <summary>The transaction a unit of work shared with others failed to commit: nothing of the unit was written.</summary>
public sealed class WriteBatchFailedException(Exception inner)
    : Exception("The write could not be committed; nothing of it was saved.", inner);
