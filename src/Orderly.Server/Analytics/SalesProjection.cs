using System.Buffers;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

/// <summary>
/// An exact in-memory columnar projection of the per-customer and per-product daily rollups, per business day and
/// currency: for each day, the ordinals of the customers (products) with a rollup row and their orders (quantity) and
/// value, in flat arrays. A 30-day top list is then a few tens of thousands of array adds and a partial selection.
/// <para>
/// Freshness without messaging between nodes: every transaction that changes a day's rollups bumps the change counter
/// of that day's <see cref="DailySalesRow"/> (one per shard; <see cref="Rollups.ApplyAsync"/>). A read opens one
/// snapshot (a deferred read transaction on SQLite, REPEATABLE READ on PostgreSQL), reads the sum of the counters of
/// each day of its window (days x shards rows), and in the same snapshot reloads only the days whose sum differs from
/// the one the cached day was loaded at (usually today). Counters never go down (a rebuild restarts them above any
/// count, <see cref="RebuildGeneration"/>), so an equal sum means equal rows: every figure equals a GROUP BY over the
/// rollups (and so over the orders) in the read's snapshot, whichever node wrote.
/// </para>
/// <para>
/// Memory: about 28 bytes per rollup row kept (an int ordinal and three longs) plus the ordinal dictionaries (about 40
/// bytes per customer or product ever seen). Days before the newest day read less <see cref="KeepDays"/> are dropped.
/// At the bench's 1M orders (about 2.7k customers and a few thousand products a day) a year is a few tens of MB.
/// </para>
/// </summary>
public sealed class SalesProjection : IDisposable
{
    /// <summary>
    /// Days older than the newest day read less this many are evicted: the longest period is 366 days, and RFM reads a
    /// year up to a day up to a year back (<see cref="CustomerAnalysis"/>).
    /// </summary>
    public const int KeepDays = 740;

    /// <summary>The days of a block of customer sums (<see cref="CustomerHistories"/>): four weeks, so a year is 13 blocks and at most 54 edge days.</summary>
    public const int BlockDays = 28;

    /// <summary>The signature of a day that has no sales rows (and so no customer or product rows).</summary>
    private const long NoRows = -1;

    private readonly Meter _meter = new(Infrastructure.Telemetry.OrderlyMetrics.MeterName);

    private readonly Ordinals _customers = new();
    private readonly Ordinals _products = new();
    private readonly ConcurrentDictionary<(DateOnly Day, string Currency), DaySlice> _days = new();
    private readonly ConcurrentDictionary<(DateOnly Start, string Currency), CustomerBlock> _blocks = new();
    private DateOnly _newest;

    public SalesProjection()
    {
        _meter.CreateObservableGauge("orderly.analytics.projection.bytes", () => MemoryBytes, "By",
            "Memory held by the dashboards' in-memory sales projection (rows and ordinal dictionaries).");
        _meter.CreateObservableGauge("orderly.analytics.projection.days", () => (long)_days.Count, "{day}",
            "Business days (per currency) held by the dashboards' in-memory sales projection.");
    }

    /// <summary>What the projection holds: days, rows, and an estimate of the bytes.</summary>
    public ProjectionStats Stats
    {
        get
        {
            long rows = 0;
            foreach (var slice in _days.Values)
            {
                rows += slice.Customers.Length + slice.Products.Length;
            }

            return new ProjectionStats(_days.Count, rows, _customers.Count, _products.Count, MemoryBytes);
        }
    }

    private long MemoryBytes
    {
        get
        {
            long bytes = (_customers.Count + _products.Count) * 48L;
            foreach (var slice in _days.Values)
            {
                bytes += slice.Bytes;
            }

            return bytes;
        }
    }

    /// <summary>The counter value a rebuild writes: above any count of single bumps, and higher at each later rebuild.</summary>
    public static long RebuildGeneration(DateTimeOffset now) => now.ToUnixTimeMilliseconds();

    /// <summary>
    /// Opens the snapshot a read of the projection and anything that must agree with it run in; null when the context
    /// is already in a transaction (its snapshot is used). Dispose it to end the read (nothing is written).
    /// </summary>
    public static async Task<IAsyncDisposable?> SnapshotAsync(OrderlyDbContext db, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return null;
        }

        if (!db.Database.IsSqlite())
        {
            return await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        }

        // BEGIN (deferred), not BEGIN IMMEDIATE: a reader takes no write lock, and in WAL mode its snapshot is fixed at the first read.
        await db.Database.OpenConnectionAsync(ct);
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, ct);
        return new SqliteReadSnapshot(db, transaction);
    }

    /// <summary>The days of a period in one currency, each as it is in the caller's snapshot (see <see cref="SnapshotAsync"/>).</summary>
    public async Task<IReadOnlyList<DaySlice>> DaysAsync(OrderlyDbContext db, DateOnly first, DateOnly last, string currency, CancellationToken ct)
    {
        var signatures = await db.Set<DailySalesRow>().AsNoTracking()
            .Where(r => r.Currency == currency && r.Day >= first && r.Day <= last)
            .GroupBy(r => r.Day).Select(g => new { Day = g.Key, Changes = g.Sum(r => r.Changes) })
            .ToDictionaryAsync(x => x.Day, x => x.Changes, ct);
        var slices = new List<DaySlice>(last.DayNumber - first.DayNumber + 1);
        var stale = new List<DateOnly>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var changes = signatures.TryGetValue(day, out var sum) ? sum : NoRows;
            if (_days.TryGetValue((day, currency), out var slice) && slice.Changes == changes)
            {
                slices.Add(slice);
            }
            else
            {
                stale.Add(day);
            }
        }

        if (stale.Count > 0)
        {
            var customers = await db.Set<DailyCustomerSalesRow>().AsNoTracking()
                .Where(r => r.Currency == currency && stale.Contains(r.Day))
                .Select(r => new { r.Day, r.CustomerId, r.Orders, r.ValueMinor, r.Lines }).ToListAsync(ct);
            var products = await db.Set<DailyProductSalesRow>().AsNoTracking()
                .Where(r => r.Currency == currency && stale.Contains(r.Day))
                .Select(r => new { r.Day, r.ProductId, r.QuantityThousandths, r.ValueMinor, r.Lines }).ToListAsync(ct);
            var customersByDay = customers.ToLookup(r => r.Day);
            var productsByDay = products.ToLookup(r => r.Day);
            foreach (var day in stale)
            {
                var c = customersByDay[day].ToList();
                var p = productsByDay[day].ToList();
                var slice = new DaySlice(
                    day, currency, signatures.TryGetValue(day, out var sum) ? sum : NoRows,
                    [.. c.Select(r => _customers.Of(r.CustomerId))], [.. c.Select(r => r.Orders)], [.. c.Select(r => r.ValueMinor)], [.. c.Select(r => r.Lines)],
                    [.. p.Select(r => _products.Of(r.ProductId))], [.. p.Select(r => r.QuantityThousandths)], [.. p.Select(r => r.ValueMinor)], [.. p.Select(r => r.Lines)]);
                slices.Add(slice);
                // A reader with an older snapshot may finish later: keep the newer of the two (counters only grow).
                _days.AddOrUpdate((day, currency), slice, (_, old) => old.Changes > slice.Changes ? old : slice);
            }
        }

        Evict(last);
        return slices;
    }

    /// <summary>Customers by value over the days (then by id, as the SQL orders them), with their orders; only <paramref name="visible"/> when given.</summary>
    public List<Total> TopCustomers(IReadOnlyList<DaySlice> days, int limit, IReadOnlyCollection<Guid>? visible) =>
        Top(days, limit, _customers, visible, static s => (s.Customers, s.CustomerOrders, s.CustomerValue));

    /// <summary>Products by value over the days (then by id), with their quantity in thousandths.</summary>
    public List<Total> TopProducts(IReadOnlyList<DaySlice> days, int limit) =>
        Top(days, limit, _products, null, static s => (s.Products, s.ProductQuantity, s.ProductValue));

    /// <summary>
    /// Each customer's counted orders, value and buying days (first, last, how many, and the sum of the squared gaps
    /// between consecutive ones) over <paramref name="first"/>..<paramref name="last"/>, from the customer rows of
    /// <paramref name="days"/> (a row with no orders left, all of a day's orders cancelled, is no purchase); only
    /// <paramref name="visible"/> customers when given (the others' sums are left out of the mask returned, null for all).
    /// <para>
    /// Whole blocks of <see cref="BlockDays"/> days inside the period are summed per customer once and kept while every
    /// day of the block is the same slice (a changed day is a new slice), so a year is about 13 block merges and the
    /// edge days, not 365 days of rows; the sums are the same integers either way.
    /// </para>
    /// </summary>
    internal (BuyingSums Sums, bool[]? Allowed) CustomerSums(IReadOnlyList<DaySlice> days, DateOnly first, DateOnly last, IReadOnlyCollection<Guid>? visible)
    {
        var byDay = new DaySlice?[Math.Max(0, last.DayNumber - first.DayNumber + 1)];
        foreach (var slice in days)
        {
            if (slice.Day >= first && slice.Day <= last)
            {
                byDay[slice.Day.DayNumber - first.DayNumber] = slice;
            }
        }

        var sums = new BuyingSums(_customers.Count);
        for (var day = first.DayNumber; day <= last.DayNumber;)
        {
            if (day % BlockDays == 0 && day + BlockDays - 1 <= last.DayNumber && Block(byDay, day - first.DayNumber) is { } block)
            {
                sums.Add(block);
                day += BlockDays;
            }
            else
            {
                if (byDay[day - first.DayNumber] is { } slice)
                {
                    sums.Add(slice);
                }

                day++;
            }
        }

        bool[]? allowed = null;
        if (visible is not null)
        {
            allowed = new bool[sums.Count];
            foreach (var id in visible)
            {
                if (_customers.TryGet(id, out var ordinal) && ordinal < allowed.Length)
                {
                    allowed[ordinal] = true;
                }
            }
        }

        return (sums, allowed);
    }

    /// <summary>The sums of the block of days starting at <paramref name="at"/> in <paramref name="byDay"/>, kept while its slices are; null when a day is missing.</summary>
    private BuyingSums.Sparse? Block(DaySlice?[] byDay, int at)
    {
        var slices = new DaySlice[BlockDays];
        for (var i = 0; i < BlockDays; i++)
        {
            if (byDay[at + i] is not { } slice)
            {
                return null;
            }

            slices[i] = slice;
        }

        var key = (slices[0].Day, slices[0].Currency);
        if (_blocks.TryGetValue(key, out var kept) && Enumerable.Range(0, BlockDays).All(i => ReferenceEquals(kept.Slices[i], slices[i])))
        {
            return kept.Sums;
        }

        var sums = new BuyingSums(_customers.Count);
        foreach (var slice in slices)
        {
            sums.Add(slice);
        }

        var block = new CustomerBlock(slices, sums.ToSparse());
        _blocks[key] = block;
        return block.Sums;
    }

    /// <summary>How many customers have been numbered so far (every ordinal in a slice is below it).</summary>
    public int CustomerOrdinals => _customers.Count;

    /// <summary>How many products have been numbered so far.</summary>
    public int ProductOrdinals => _products.Count;

    public Guid CustomerIdOf(int ordinal) => _customers.IdOf(ordinal);

    public Guid ProductIdOf(int ordinal) => _products.IdOf(ordinal);

    /// <summary>The ordinal of a customer seen in any slice; false when no slice ever held them.</summary>
    public bool TryGetCustomerOrdinal(Guid id, out int ordinal) => _customers.TryGet(id, out ordinal);

    /// <summary>The customer's ordinal, numbering them now if no slice held them yet (kept per customer, like the slices').</summary>
    public int CustomerOrdinalOf(Guid id) => _customers.Of(id);

    /// <summary>Drops every cached day, e.g. for a test; the next reads load them again.</summary>
    public void Clear()
    {
        _days.Clear();
        _blocks.Clear();
    }

    public void Dispose() => _meter.Dispose();

    private static List<Total> Top(
        IReadOnlyList<DaySlice> days, int limit, Ordinals ordinals, IReadOnlyCollection<Guid>? visible, Func<DaySlice, (int[] Keys, long[] Counts, long[] Values)> columns)
    {
        var n = ordinals.Count;
        var counts = ArrayPool<long>.Shared.Rent(n);
        var values = ArrayPool<long>.Shared.Rent(n);
        var seen = ArrayPool<bool>.Shared.Rent(n);
        bool[]? allowed = null;
        try
        {
            Array.Clear(seen, 0, n);
            if (visible is not null)
            {
                allowed = ArrayPool<bool>.Shared.Rent(n);
                Array.Clear(allowed, 0, n);
                foreach (var id in visible)
                {
                    if (ordinals.TryGet(id, out var ordinal) && ordinal < n)
                    {
                        allowed[ordinal] = true;
                    }
                }
            }

            var touched = new List<int>();
            foreach (var day in days)
            {
                var (keys, dayCounts, dayValues) = columns(day);
                for (var i = 0; i < keys.Length; i++)
                {
                    var k = keys[i];
                    if (allowed is not null && !allowed[k])
                    {
                        continue;
                    }

                    if (!seen[k])
                    {
                        seen[k] = true;
                        counts[k] = 0;
                        values[k] = 0;
                        touched.Add(k);
                    }

                    counts[k] += dayCounts[i];
                    values[k] += dayValues[i];
                }
            }

            // Partial selection: the best `limit` kept sorted, each candidate compared with the worst kept.
            var top = new List<Total>(limit + 1);
            foreach (var k in touched)
            {
                var candidate = new Total(ordinals.IdOf(k), counts[k], values[k]);
                if (top.Count == limit && Total.Before(top[^1], candidate))
                {
                    continue;
                }

                var at = top.Count;
                while (at > 0 && Total.Before(candidate, top[at - 1]))
                {
                    at--;
                }

                top.Insert(at, candidate);
                if (top.Count > limit)
                {
                    top.RemoveAt(limit);
                }
            }

            return top;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(counts);
            ArrayPool<long>.Shared.Return(values);
            ArrayPool<bool>.Shared.Return(seen);
            if (allowed is not null)
            {
                ArrayPool<bool>.Shared.Return(allowed);
            }
        }
    }

    private void Evict(DateOnly last)
    {
        if (last <= _newest)
        {
            return;
        }

        _newest = last;
        var oldest = last.AddDays(-KeepDays);
        foreach (var key in _days.Keys)
        {
            if (key.Day < oldest)
            {
                _days.TryRemove(key, out _);
            }
        }

        foreach (var key in _blocks.Keys)
        {
            if (key.Start < oldest)
            {
                _blocks.TryRemove(key, out _);
            }
        }
    }

    /// <summary>A customer's or product's sums over a period: orders (or quantity in thousandths) and value in minor units.</summary>
    public readonly record struct Total(Guid Id, long Count, long ValueMinor)
    {
        /// <summary>Higher value first, then the id in the databases' order (uuid bytes / upper-case text alike).</summary>
        public static bool Before(Total a, Total b) => a.ValueMinor != b.ValueMinor ? a.ValueMinor > b.ValueMinor : CompareIds(a.Id, b.Id) < 0;

        /// <summary>The id as a number ordered as <see cref="CompareIds"/> orders ids (its big-endian bytes).</summary>
        public static UInt128 SortKey(Guid id)
        {
            Span<byte> bytes = stackalloc byte[16];
            id.TryWriteBytes(bytes, bigEndian: true, out _);
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        }

        public static int CompareIds(Guid a, Guid b) => SortKey(a).CompareTo(SortKey(b));
    }

    /// <summary>One business day in one currency as loaded at counter sum <see cref="Changes"/>: columns of customer and product sums.</summary>
    public sealed record DaySlice(
        DateOnly Day, string Currency, long Changes,
        int[] Customers, long[] CustomerOrders, long[] CustomerValue, long[] CustomerLines,
        int[] Products, long[] ProductQuantity, long[] ProductValue, long[] ProductLines)
    {
        /// <summary>The day's counted orders over every customer row, summed once when loaded (an all-customer figure adds these, not the rows).</summary>
        public long OrdersTotal { get; } = CustomerOrders.Sum();

        /// <summary>The day's order lines over every customer row.</summary>
        public long LinesTotal { get; } = CustomerLines.Sum();

        /// <summary>The day's value over every customer row, in minor units.</summary>
        public long ValueTotal { get; } = CustomerValue.Sum();

        public long Bytes => 120 + (28L * Customers.Length) + (28L * Products.Length);
    }

    /// <summary>A block's customer sums and the day slices they were summed from (kept while every slice is the same).</summary>
    private sealed record CustomerBlock(DaySlice[] Slices, BuyingSums.Sparse Sums);

    /// <summary>A process-wide, grow-only numbering of ids, so days can hold ints and sums can go in flat arrays.</summary>
    private sealed class Ordinals
    {
        private readonly ConcurrentDictionary<Guid, int> _index = new();
        private readonly Lock _gate = new();
        private Guid[] _ids = new Guid[1024];
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool TryGet(Guid id, out int ordinal) => _index.TryGetValue(id, out ordinal);

        public Guid IdOf(int ordinal) => Volatile.Read(ref _ids)[ordinal];

        public int Of(Guid id)
        {
            if (_index.TryGetValue(id, out var ordinal))
            {
                return ordinal;
            }

            lock (_gate)
            {
                if (_index.TryGetValue(id, out ordinal))
                {
                    return ordinal;
                }

                if (_count == _ids.Length)
                {
                    var grown = new Guid[_ids.Length * 2];
                    _ids.CopyTo(grown, 0);
                    Volatile.Write(ref _ids, grown);
                }

                ordinal = _count;
                _ids[ordinal] = id;
                _index[id] = ordinal;
                Volatile.Write(ref _count, ordinal + 1);
                return ordinal;
            }
        }
    }

    private sealed class SqliteReadSnapshot(OrderlyDbContext db, DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Nothing was written: rolling back only ends the read (and skips the group commit's fsync wait).
            await db.Database.UseTransactionAsync(null);
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await db.Database.CloseConnectionAsync();
        }
    }
}

public sealed record ProjectionStats(int Days, long Rows, int Customers, int Products, long Bytes);
