using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

/// <summary>
/// The dashboards' read model, kept in the same transaction as the order changes it sums, from the status history
/// rows each change appends: orders count from submission on their business date (drafts do not count; cancelling
/// or rejecting a submitted order takes it out again), each status change moves one order between the status
/// counts, and leaving a status adds the time spent in it to the day it was left. The day and status rows are spread
/// over <see cref="Shards"/> rows picked from the order id, so concurrent orders on PostgreSQL do not queue on one
/// hot row; readers sum the shards.
/// </summary>
public static class Rollups
{
    public const int Shards = 8;
    public const string DailySalesTable = "analytics_daily_sales";
    public const string DailyProductsTable = "analytics_daily_products";
    public const string DailyCustomersTable = "analytics_daily_customers";
    public const string StatusCountsTable = "analytics_status_counts";
    public const string StageTimesTable = "analytics_stage_times";

    /// <summary>The statuses of orders that count in sales: submitted and not cancelled or rejected.</summary>
    public static readonly OrderStatus[] Counted =
        [OrderStatus.PendingApproval, OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.OnHold];

    public static int ShardOf(Guid orderId)
    {
        Span<byte> bytes = stackalloc byte[16];
        orderId.TryWriteBytes(bytes);
        return bytes[15] & (Shards - 1);
    }

    /// <summary>+1 when a status change makes the order count in sales, -1 when it stops counting, else 0.</summary>
    public static int SalesSign(OrderStatus? from, OrderStatus to) => (IsCounted(from), IsCounted(to)) switch
    {
        (false, true) => 1,
        (true, false) => -1,
        _ => 0,
    };

    private static bool IsCounted(OrderStatus? status) => status is { } s && Counted.Contains(s);

    /// <summary>The milliseconds between two instants, each cut to whole milliseconds so stored and in-memory instants agree.</summary>
    public static long MillisecondsBetween(DateTimeOffset from, DateTimeOffset to) => to.ToUnixTimeMilliseconds() - from.ToUnixTimeMilliseconds();

    /// <summary>
    /// The rollup changes of the status history rows about to be inserted, with one query for when each changed order
    /// entered its current status; null when no order changed status.
    /// </summary>
    public static async Task<RollupDelta?> CollectAsync(OrderlyDbContext db, Func<DateTimeOffset, DateOnly> businessDate, CancellationToken ct)
    {
        var added = Platform.Persistence.SaveEntries.Of<OrderStatusChange>(db).Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count == 0)
        {
            return null;
        }

        var delta = new RollupDelta();
        foreach (var changes in added.GroupBy(h => h.OrderId))
        {
            var orderEntry = Platform.Persistence.SaveEntries.Of<SalesOrder>(db).FirstOrDefault(e => e.Entity.Id == changes.Key)
                ?? throw new InvalidOperationException($"Status history of order {changes.Key} is saved without its order.");
            var order = orderEntry.Entity;
            if (!orderEntry.Collection(o => o.Lines).IsLoaded && orderEntry.State != EntityState.Added)
            {
                await orderEntry.Collection(o => o.Lines).LoadAsync(ct);
            }

            // The history list keeps the order the changes were made in; ids made in one millisecond do not.
            var inOrder = order.StatusHistory.Where(changes.Contains).ToList();
            DateTimeOffset? enteredAt = null;
            if (inOrder[0].From is not null)
            {
                enteredAt = await db.OrderStatusChanges.AsNoTracking()
                    .Where(h => h.OrderId == order.Id)
                    .OrderByDescending(h => h.At).Select(h => (DateTimeOffset?)h.At).FirstOrDefaultAsync(ct);
            }

            var shard = ShardOf(order.Id);
            foreach (var change in inOrder)
            {
                delta.AddStatus(change.To, shard, 1);
                if (change.From is { } from)
                {
                    delta.AddStatus(from, shard, -1);
                    if (enteredAt is { } entered)
                    {
                        delta.AddStage(businessDate(change.At), from, shard, MillisecondsBetween(entered, change.At));
                    }
                }

                enteredAt = change.At;
                if (SalesSign(change.From, change.To) is var sign and not 0)
                {
                    delta.AddSales(order, shard, sign);
                }
            }
        }

        return delta;
    }

    /// <summary>Writes the changes as upserts in one command (one round trip), rows in key order so concurrent writers lock alike.</summary>
    public static Task ApplyAsync(OrderlyDbContext db, RollupDelta delta, CancellationToken ct)
    {
        var sql = new StringBuilder();
        var parameters = new List<object>();
        // Every day and shard whose sales, customer or product rows this save touches gets its change counter bumped,
        // even when the sums cancel out (one order in, another out): the in-memory projection relies on it.
        Upsert(sql, parameters, DailySalesTable, ["day", "currency", "shard"], ["orders", "value_minor", "changes"],
            delta.Sales.OrderBy(s => s.Key)
                .Select(s => new object[] { s.Key.Day, s.Key.Currency, s.Key.Shard, s.Value.Orders, s.Value.Minor, 1L }));
        Upsert(sql, parameters, DailyCustomersTable, ["day", "customer_id", "currency"], ["orders", "value_minor", "lines"],
            delta.Customers.Where(s => s.Value.Orders != 0 || s.Value.Minor != 0 || s.Value.Lines != 0).OrderBy(s => s.Key)
                .Select(s => new object[] { s.Key.Day, s.Key.CustomerId, s.Key.Currency, s.Value.Orders, s.Value.Minor, s.Value.Lines }));
        Upsert(sql, parameters, DailyProductsTable, ["day", "product_id", "currency"], ["quantity_thousandths", "value_minor", "lines"],
            delta.Products.Where(s => s.Value.Quantity != 0 || s.Value.Minor != 0 || s.Value.Lines != 0).OrderBy(s => s.Key)
                .Select(s => new object[] { s.Key.Day, s.Key.ProductId, s.Key.Currency, s.Value.Quantity, s.Value.Minor, s.Value.Lines }));
        Upsert(sql, parameters, StatusCountsTable, ["status", "shard"], ["orders"],
            delta.Statuses.Where(s => s.Value != 0).OrderBy(s => s.Key)
                .Select(s => new object[] { s.Key.Status.ToString(), s.Key.Shard, s.Value }));
        Upsert(sql, parameters, StageTimesTable, ["day", "status", "shard"], ["exits", "total_milliseconds"],
            delta.Stages.OrderBy(s => s.Key)
                .Select(s => new object[] { s.Key.Day, s.Key.Status.ToString(), s.Key.Shard, s.Value.Exits, s.Value.Milliseconds }));
        return sql.Length == 0 ? Task.CompletedTask : db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
    }

    private static void Upsert(StringBuilder sql, List<object> parameters, string table, string[] keys, string[] sums, IEnumerable<object[]> rows)
    {
        var values = new List<string>();
        foreach (var row in rows)
        {
            values.Add("(" + string.Join(", ", row.Select((value, i) => $"{{{parameters.Count + i}}}")) + ")");
            parameters.AddRange(row);
        }

        if (values.Count == 0)
        {
            return;
        }

        sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {table} AS r ({string.Join(", ", keys.Concat(sums))}) VALUES ")
            .AppendJoin(", ", values)
            .Append(CultureInfo.InvariantCulture, $" ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET ")
            .AppendJoin(", ", sums.Select(c => $"{c} = r.{c} + excluded.{c}"))
            .Append(";\n");
    }
}

/// <summary>The rollup changes of one save, summed per row key.</summary>
public sealed class RollupDelta
{
    public Dictionary<(DateOnly Day, string Currency, int Shard), (long Orders, long Minor)> Sales { get; } = [];
    public Dictionary<(DateOnly Day, Guid CustomerId, string Currency), (long Orders, long Minor, long Lines)> Customers { get; } = [];
    public Dictionary<(DateOnly Day, Guid ProductId, string Currency), (long Quantity, long Minor, long Lines)> Products { get; } = [];
    public Dictionary<(OrderStatus Status, int Shard), long> Statuses { get; } = [];
    public Dictionary<(DateOnly Day, OrderStatus Status, int Shard), (long Exits, long Milliseconds)> Stages { get; } = [];

    public void AddStatus(OrderStatus status, int shard, long orders) =>
        Statuses[(status, shard)] = Statuses.GetValueOrDefault((status, shard)) + orders;

    public void AddStage(DateOnly day, OrderStatus status, int shard, long milliseconds)
    {
        var (exits, total) = Stages.GetValueOrDefault((day, status, shard));
        Stages[(day, status, shard)] = (exits + 1, total + milliseconds);
    }

    public void AddSales(SalesOrder order, int shard, int sign)
    {
        var (orders, minor) = Sales.GetValueOrDefault((order.OrderDate, order.Currency, shard));
        Sales[(order.OrderDate, order.Currency, shard)] = (orders + sign, minor + (sign * order.TotalMinor));
        var customerKey = (order.OrderDate, order.CustomerId, order.Currency);
        var (customerOrders, customerMinor, customerLines) = Customers.GetValueOrDefault(customerKey);
        Customers[customerKey] = (customerOrders + sign, customerMinor + (sign * order.TotalMinor), customerLines + (sign * order.Lines.Count));
        foreach (var line in order.Lines)
        {
            var productKey = (order.OrderDate, line.ProductId, order.Currency);
            var (quantity, lineMinor, lines) = Products.GetValueOrDefault(productKey);
            Products[productKey] = (quantity + (sign * Quantity.ToStored(line.Quantity)), lineMinor + (sign * line.LineTotalMinor), lines + sign);
        }
    }
}
