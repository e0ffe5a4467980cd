using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>What an evaluation did.</summary>
public sealed record AlertEvaluation(int Positions, int Raised, int Cleared, int Open, DateTimeOffset EvaluatedAt);

/// <summary>
/// Evaluates the alert rules for every stocked product and warehouse and keeps one open alert row per condition
/// that holds: raised when it starts, its numbers refreshed while it lasts, cleared when it stops. Reads with a
/// handful of set-based queries and writes in one transaction; runs under a database lease.
/// </summary>
public sealed class StockAlertsService(
    OrderlyDbContext db, Writes writes, JobLeases leases, ReplenishmentDemand demand, BusinessCalendar calendar,
    IOptions<ReplenishmentOptions> options, TimeProvider time)
{
    public const string LeaseName = "inventory.alerts";

    private static readonly OrderStatus[] OpenStatuses = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.OnHold];

    /// <summary>Evaluates now unless another evaluation holds the lease, in which case it returns null.</summary>
    public async Task<AlertEvaluation?> TryEvaluateAsync(CancellationToken ct)
    {
        await using var lease = await leases.TryAcquireAsync(LeaseName, options.Value.LeaseFor, ct);
        if (lease is null)
        {
            return null;
        }

        var result = await EvaluateAsync(ct);
        lease.Complete();
        return result;
    }

    private async Task<AlertEvaluation> EvaluateAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var thresholds = new AlertThresholds(settings.ExcessCoverDays, settings.SlowMoverDays);
        var now = time.GetUtcNow();
        var today = calendar.DateOf(now);

        var stock = await (
                from b in db.StockBalances.AsNoTracking()
                join p in db.StockPolicies.AsNoTracking() on new { b.ProductId, b.WarehouseId } equals new { p.ProductId, p.WarehouseId } into ps
                from p in ps.DefaultIfEmpty()
                select new { b.ProductId, b.WarehouseId, b.OnHand, b.Reserved, Policy = p })
            .ToListAsync(ct);
        var movements = await demand.MovementsAsync(ct);
        var backorders = (await db.OrderLines.AsNoTracking()
                .Where(l => l.Backordered > 0)
                .Join(db.SalesOrders.Where(o => OpenStatuses.Contains(o.Status)), l => l.OrderId, o => o.Id, (l, o) => new { l.ProductId, l.Backordered })
                .ToListAsync(ct))
            .GroupBy(l => l.ProductId)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.Backordered));

        var holding = new Dictionary<(StockAlertKind, Guid, Guid), AlertCondition>();
        foreach (var s in stock)
        {
            var moved = movements.GetValueOrDefault((s.ProductId, s.WarehouseId));
            var position = new StockPosition(
                s.OnHand, s.OnHand - s.Reserved, s.Policy?.ReorderPoint, s.Policy?.LastComputation?.MeanDailyDemand ?? 0m,
                backorders.GetValueOrDefault(s.ProductId), DateOf(moved?.LastShipment), DateOf(moved?.FirstMovement), s.Policy?.MaxCoverDays);
            foreach (var condition in AlertRules.Evaluate(position, thresholds, today))
            {
                holding[(condition.Kind, s.ProductId, s.WarehouseId)] = condition;
            }
        }

        var (raised, cleared) = await writes.RunAsync(async token =>
        {
            var open = await db.StockAlerts.Where(a => a.ClearedAt == null).ToListAsync(token);
            var cleared = 0;
            var stillOpen = new HashSet<(StockAlertKind, Guid, Guid)>();
            foreach (var alert in open)
            {
                var key = (alert.Kind, alert.ProductId, alert.WarehouseId);
                if (holding.TryGetValue(key, out var condition) && stillOpen.Add(key))
                {
                    alert.Refresh(condition);
                }
                else
                {
                    alert.Clear(now);
                    cleared++;
                }
            }

            var added = holding.Where(h => !stillOpen.Contains(h.Key))
                .Select(h => new StockAlert(h.Key.Item2, h.Key.Item3, h.Value, now))
                .ToList();
            db.StockAlerts.AddRange(added);
            foreach (var alert in added)
            {
                db.Events.Raise(new StockAlertRaised(alert.Id, alert.Kind, alert.ProductId, alert.WarehouseId, alert.OnHand, alert.Available, alert.ReorderPoint));
            }

            return (added.Count, cleared);
        }, ct);
        return new AlertEvaluation(stock.Count, raised, cleared, holding.Count, now);
    }

    private DateOnly? DateOf(DateTime? utc) =>
        utc is { } value ? calendar.DateOf(new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc))) : null;
}
