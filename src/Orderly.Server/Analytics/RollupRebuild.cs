using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Analytics;

/// <summary>
/// Recomputes every rollup from the orders and their status histories, in the caller's transaction: after a bulk
/// insert that bypassed SaveChanges (the demo seeder) or as the <c>rebuild-analytics</c> verb. The sums go to shard 0;
/// readers add the shards up, so the numbers are the same as the incrementally kept ones.
/// </summary>
public sealed class RollupRebuild(OrderlyDbContext db, BusinessCalendar calendar)
{
    private const int RowsPerStatement = 100;

    /// <summary>Fills the rollups of a database whose orders predate them (the migration that added them creates them empty).</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        if (!await db.Set<StatusCountRow>().AnyAsync(ct) && await db.SalesOrders.AnyAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await RunAsync(ct);
            await transaction.CommitAsync(ct);
        }
    }

    public async Task<RebuildResult> RunAsync(CancellationToken ct)
    {
        var counted = string.Join(", ", Rollups.Counted.Select(s => $"'{s}'"));
        // The change counters start again above any count a node may have seen (one bump per transaction), so no cached
        // day of the in-memory projection looks unchanged after a rebuild.
        var generation = SalesProjection.RebuildGeneration(DateTimeOffset.UtcNow);
        // Table names and status literals are constants of this class, not input.
        var sql = $"""
            DELETE FROM {Rollups.DailySalesTable};
            DELETE FROM {Rollups.DailyProductsTable};
            DELETE FROM {Rollups.DailyCustomersTable};
            DELETE FROM {Rollups.StatusCountsTable};
            DELETE FROM {Rollups.StageTimesTable};
            INSERT INTO {Rollups.DailySalesTable} (day, currency, shard, orders, value_minor, changes)
                SELECT order_date, currency, 0, COUNT(*), SUM(total_minor), {generation} FROM sales_orders
                WHERE status IN ({counted}) GROUP BY order_date, currency;
            INSERT INTO {Rollups.DailyCustomersTable} (day, customer_id, currency, orders, value_minor, lines)
                SELECT o.order_date, o.customer_id, o.currency, COUNT(*), SUM(o.total_minor),
                    SUM((SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id)) FROM sales_orders o
                WHERE o.status IN ({counted}) GROUP BY o.order_date, o.customer_id, o.currency;
            INSERT INTO {Rollups.DailyProductsTable} (day, product_id, currency, quantity_thousandths, value_minor, lines)
                SELECT o.order_date, l.product_id, o.currency, SUM(l.quantity), SUM(l.line_total_minor), COUNT(*)
                FROM order_lines l JOIN sales_orders o ON o.id = l.order_id
                WHERE o.status IN ({counted}) GROUP BY o.order_date, l.product_id, o.currency;
            INSERT INTO {Rollups.StatusCountsTable} (status, shard, orders)
                SELECT status, 0, COUNT(*) FROM sales_orders GROUP BY status;
            """;
        await db.Database.ExecuteSqlRawAsync(sql, ct);
        var stages = await StageTimesAsync(ct);
        await InsertStagesAsync(stages, ct);
        var orders = await db.SalesOrders.CountAsync(ct);
        return new RebuildResult(orders, stages.Count);
    }

    /// <summary>
    /// Walks every order's history in time order: each change ends the stay in the status it leaves. Changes of one
    /// instant are put in chain order (each from the status the one before went to), as they were made.
    /// </summary>
    private async Task<Dictionary<(DateOnly Day, OrderStatus Status), (long Exits, long Milliseconds)>> StageTimesAsync(CancellationToken ct)
    {
        var stages = new Dictionary<(DateOnly, OrderStatus), (long, long)>();
        var history = db.OrderStatusChanges.AsNoTracking()
            .OrderBy(h => h.OrderId).ThenBy(h => h.At)
            .Select(h => new Change(h.OrderId, h.From, h.To, h.At))
            .AsAsyncEnumerable();
        var current = new List<Change>();
        await foreach (var change in history.WithCancellation(ct))
        {
            if (current.Count > 0 && current[0].OrderId != change.OrderId)
            {
                AddOrder(current, stages);
                current.Clear();
            }

            current.Add(change);
        }

        AddOrder(current, stages);
        return stages;
    }

    private void AddOrder(List<Change> changes, Dictionary<(DateOnly, OrderStatus), (long, long)> stages)
    {
        OrderStatus? status = null;
        DateTimeOffset? enteredAt = null;
        var rest = new List<Change>(changes);
        while (rest.Count > 0)
        {
            var at = rest[0].At;
            var index = rest.FindIndex(c => c.At == at && c.From == status);
            var change = rest[index < 0 ? 0 : index];
            rest.Remove(change);
            if (change.From is { } from && enteredAt is { } entered)
            {
                var key = (calendar.DateOf(change.At), from);
                var (exits, total) = stages.GetValueOrDefault(key);
                stages[key] = (exits + 1, total + Rollups.MillisecondsBetween(entered, change.At));
            }

            status = change.To;
            enteredAt = change.At;
        }
    }

    private async Task InsertStagesAsync(Dictionary<(DateOnly Day, OrderStatus Status), (long Exits, long Milliseconds)> stages, CancellationToken ct)
    {
        foreach (var chunk in stages.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder($"INSERT INTO {Rollups.StageTimesTable} (day, status, shard, exits, total_milliseconds) VALUES ");
            var parameters = new List<object>();
            sql.AppendJoin(", ", chunk.Select((row, i) => string.Create(CultureInfo.InvariantCulture, $"({{{i * 4}}}, {{{(i * 4) + 1}}}, 0, {{{(i * 4) + 2}}}, {{{(i * 4) + 3}}})")));
            foreach (var ((day, status), (exits, total)) in chunk)
            {
                parameters.AddRange([day, status.ToString(), exits, total]);
            }

            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }
    }

    private sealed record Change(Guid OrderId, OrderStatus? From, OrderStatus To, DateTimeOffset At);
}

public sealed record RebuildResult(int Orders, int StageRows);
