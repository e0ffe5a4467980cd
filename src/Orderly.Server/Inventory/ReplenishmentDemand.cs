using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>Shipped quantity of one product from one warehouse in one quarter hour (seconds since 1970 / 900).</summary>
public sealed record DemandBucket(Guid ProductId, Guid WarehouseId, long Bucket, long Shipped);

/// <summary>When stock of one product last left a warehouse, and when it first moved there at all.</summary>
public sealed record MovementDates(Guid ProductId, Guid WarehouseId, DateTime? LastShipment, DateTime FirstMovement);

/// <summary>
/// Demand history read from the stock ledger's shipments with one GROUP BY per run, never a query per product.
/// Shipments are summed per quarter hour in SQL and folded into business days in memory: every time zone's offset
/// and daylight-saving switch falls on a quarter hour, so this is exact for any company time zone on both providers
/// (SQLite knows no time zones).
/// </summary>
public sealed class ReplenishmentDemand(OrderlyDbContext db, BusinessCalendar calendar)
{
    /// <summary>A quarter hour; written as the literal 900 in the SQL so that GROUP BY sees one expression.</summary>
    private const int BucketSeconds = 900;

    /// <summary>The UTC instant a business day starts in the company time zone.</summary>
    public DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (calendar.Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, calendar.Zone), TimeSpan.Zero);
    }

    /// <summary>Demand per business day in [from, to), per product and warehouse that shipped anything.</summary>
    public async Task<Dictionary<(Guid ProductId, Guid WarehouseId), decimal[]>> DailyAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = to.DayNumber - from.DayNumber;
        var start = StartOf(from).UtcDateTime;
        var end = StartOf(to).UtcDateTime;
        var shipment = nameof(StockMovementKind.Shipment);
        var buckets = db.Database.IsNpgsql()
            ? db.Database.SqlQuery<DemandBucket>($"""
                SELECT product_id, warehouse_id, floor(extract(epoch FROM at) / 900)::bigint AS bucket, (-SUM(on_hand_delta))::bigint AS shipped
                FROM stock_ledger WHERE kind = {shipment} AND at >= {start} AND at < {end}
                GROUP BY product_id, warehouse_id, bucket
                """)
            : db.Database.SqlQuery<DemandBucket>($"""
                SELECT product_id, warehouse_id, CAST(strftime('%s', at) AS INTEGER) / 900 AS bucket, -SUM(on_hand_delta) AS shipped
                FROM stock_ledger WHERE kind = {shipment} AND at >= {start} AND at < {end}
                GROUP BY product_id, warehouse_id, bucket
                """);

        var daily = new Dictionary<(Guid, Guid), decimal[]>();
        foreach (var b in await buckets.ToListAsync(ct))
        {
            var date = calendar.DateOf(DateTimeOffset.FromUnixTimeSeconds(b.Bucket * BucketSeconds));
            var index = date.DayNumber - from.DayNumber;
            if (index < 0 || index >= days)
            {
                continue;
            }

            if (!daily.TryGetValue((b.ProductId, b.WarehouseId), out var series))
            {
                series = new decimal[days];
                daily[(b.ProductId, b.WarehouseId)] = series;
            }

            series[index] += Quantity.FromStored(b.Shipped);
        }

        return daily;
    }

    /// <summary>Last shipment and first movement per product and warehouse, in one GROUP BY over the ledger.</summary>
    public async Task<Dictionary<(Guid ProductId, Guid WarehouseId), MovementDates>> MovementsAsync(CancellationToken ct)
    {
        var shipment = nameof(StockMovementKind.Shipment);
        var rows = await db.Database.SqlQuery<MovementDates>($"""
            SELECT product_id, warehouse_id, MAX(CASE WHEN kind = {shipment} THEN at END) AS last_shipment, MIN(at) AS first_movement
            FROM stock_ledger GROUP BY product_id, warehouse_id
            """).ToListAsync(ct);
        return rows.ToDictionary(r => (r.ProductId, r.WarehouseId));
    }
}
