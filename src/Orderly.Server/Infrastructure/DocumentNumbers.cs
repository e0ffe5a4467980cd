using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Document numbers. <see cref="NextAsync"/> bumps a counter row inside the caller's transaction: one statement,
/// no MAX()+1, no gaps from rolled-back transactions, unique across server nodes; what gapless series (stock
/// movements, invoices) use. Its cost is that the row stays locked until the caller commits, so every writer of
/// the series waits for the one before it: fine on SQLite (one writer anyway), a convoy on PostgreSQL. Sales order
/// numbers need to be unique, not gapless, so on PostgreSQL they come from a sequence per year (no lock held, a
/// number lost when its transaction rolls back), started above whatever the counter row had reached.
/// </summary>
public static class DocumentNumbers
{
    /// <summary>Any constant: serialises creating a year's order sequence and aligning it with the counter row.</summary>
    private const long SequenceSetupLock = 74_280_002;

    private static readonly ConcurrentDictionary<string, Task> Prepared = new();

    public static async Task<long> NextAsync(OrderlyDbContext db, string series, CancellationToken ct)
    {
        var values = await db.Database.SqlQuery<long>(
            $"INSERT INTO number_sequences (name, last_value) VALUES ({series}, 1) ON CONFLICT (name) DO UPDATE SET last_value = number_sequences.last_value + 1 RETURNING last_value AS \"Value\"")
            .ToListAsync(ct);
        return values.Single();
    }

    public static async Task<string> NextOrderNumberAsync(OrderlyDbContext db, int year, CancellationToken ct)
    {
        var series = $"SO-{year}";
        var value = db.Database.IsNpgsql() ? await NextFromSequenceAsync(db, series, $"order_numbers_{year}", ct) : await NextAsync(db, series, ct);
        return $"{series}-{value:000000}";
    }

    /// <summary>
    /// Takes <paramref name="count"/> consecutive sales order numbers of a year at once (the demo seeder's block) and
    /// returns the first. On PostgreSQL the block comes from the year's sequence, so orders entered meanwhile continue
    /// after it; a plain nextval on another node at the same instant could land inside the block (its insert would
    /// then fail on the unique number and be retried by the client), which is why only seeding uses this.
    /// </summary>
    public static async Task<long> ReserveOrderNumbersAsync(OrderlyDbContext db, int year, long count, CancellationToken ct)
    {
        var series = $"SO-{year}";
        if (!db.Database.IsNpgsql())
        {
            var last = (await db.Database.SqlQuery<long>(
                $"INSERT INTO number_sequences (name, last_value) VALUES ({series}, {count}) ON CONFLICT (name) DO UPDATE SET last_value = number_sequences.last_value + {count} RETURNING last_value AS \"Value\"")
                .ToListAsync(ct)).Single();
            return last - count + 1;
        }

        var sequence = $"order_numbers_{year}";
        await PrepareOnceAsync(db, series, sequence, ct);
        var end = (await db.Database.SqlQuery<long>(
            $"SELECT setval(CAST({sequence} AS regclass), nextval(CAST({sequence} AS regclass)) + {count} - 1) AS \"Value\"").ToListAsync(ct)).Single();
        return end - count + 1;
    }

    private static async Task<long> NextFromSequenceAsync(OrderlyDbContext db, string series, string sequence, CancellationToken ct)
    {
        await PrepareOnceAsync(db, series, sequence, ct);
        var values = await db.Database.SqlQuery<long>($"SELECT nextval(CAST({sequence} AS regclass)) AS \"Value\"").ToListAsync(ct);
        return values.Single();
    }

    private static async Task PrepareOnceAsync(OrderlyDbContext db, string series, string sequence, CancellationToken ct)
    {
        var connectionString = db.Database.GetConnectionString()!;
        var key = $"{new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ConnectionString}|{sequence}";
        var prepare = Prepared.GetOrAdd(key, _ => PrepareSequenceAsync(connectionString, series, sequence));
        try
        {
            await prepare.WaitAsync(ct);
        }
        catch when (prepare.IsFaulted)
        {
            Prepared.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>
    /// Creates the year's sequence on its own connection (not inside an order's transaction) and moves it past the
    /// counter row (numbers reserved by the demo seeder or an import), under a lock so two nodes preparing at once
    /// cannot move it backwards.
    /// </summary>
    private static async Task PrepareSequenceAsync(string connectionString, string series, string sequence)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT pg_advisory_xact_lock({SequenceSetupLock});
            CREATE SEQUENCE IF NOT EXISTS {sequence} AS bigint MINVALUE 1;
            SELECT setval('{sequence}', c.last_value)
            FROM number_sequences c, {sequence} s
            WHERE c.name = @series AND c.last_value > (CASE WHEN s.is_called THEN s.last_value ELSE 0 END);
            """;
        command.Parameters.AddWithValue("series", series);
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
