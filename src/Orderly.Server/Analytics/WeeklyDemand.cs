using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Analytics;

/// <summary>
/// Weekly demand series (Monday to Sunday business weeks): company-wide from the ordered quantities of submitted
/// orders (the daily product rollup: what customers asked for, not censored by stock-outs), per warehouse from the
/// shipments in its stock ledger.
/// </summary>
public sealed class WeeklyDemand(OrderlyDbContext db, BusinessCalendar calendar, ReplenishmentDemand shipments)
{
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>The first day of the oldest week and the first day of the current (incomplete) week.</summary>
    public (DateOnly From, DateOnly To) Window(int weeks)
    {
        var to = WeekStart(calendar.Today);
        return (to.AddDays(-7 * weeks), to);
    }

    /// <summary>Ordered quantity per product and week, every product with any demand in the window.</summary>
    public Task<Dictionary<Guid, double[]>> ByProductAsync(int weeks, Guid? productId, CancellationToken ct)
    {
        var (from, to) = Window(weeks);
        return ByProductAsync(from, to, productId, ct);
    }

    /// <summary>Ordered quantity per product and week from <paramref name="from"/> (a Monday) up to <paramref name="to"/> (a Monday, excluded).</summary>
    public async Task<Dictionary<Guid, double[]>> ByProductAsync(DateOnly from, DateOnly to, Guid? productId, CancellationToken ct)
    {
        var weeks = (to.DayNumber - from.DayNumber) / 7;
        var rows = db.Set<DailyProductSalesRow>().AsNoTracking().Where(r => r.Day >= from && r.Day < to);
        if (productId is { } id)
        {
            rows = rows.Where(r => r.ProductId == id);
        }

        var days = await rows.GroupBy(r => new { r.ProductId, r.Day })
            .Select(g => new { g.Key.ProductId, g.Key.Day, Quantity = g.Sum(r => r.QuantityThousandths) })
            .ToListAsync(ct);
        var series = new Dictionary<Guid, double[]>();
        foreach (var d in days)
        {
            if (!series.TryGetValue(d.ProductId, out var weekly))
            {
                series[d.ProductId] = weekly = new double[weeks];
            }

            weekly[(d.Day.DayNumber - from.DayNumber) / 7] += (double)Quantity.FromStored(d.Quantity);
        }

        return series;
    }

    /// <summary>Shipped quantity per week of every product and warehouse that shipped anything in the window.</summary>
    public Task<Dictionary<(Guid ProductId, Guid WarehouseId), double[]>> ShippedAsync(int weeks, CancellationToken ct)
    {
        var (from, to) = Window(weeks);
        return ShippedAsync(from, to, ct);
    }

    /// <summary>Shipped quantity per week of every product and warehouse from <paramref name="from"/> up to <paramref name="to"/> (Mondays; <paramref name="to"/> excluded).</summary>
    public async Task<Dictionary<(Guid ProductId, Guid WarehouseId), double[]>> ShippedAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var weeks = (to.DayNumber - from.DayNumber) / 7;
        var daily = await shipments.DailyAsync(from, to, ct);
        var series = new Dictionary<(Guid, Guid), double[]>(daily.Count);
        foreach (var (key, days) in daily)
        {
            var weekly = new double[weeks];
            for (var i = 0; i < days.Length; i++)
            {
                weekly[i / 7] += (double)days[i];
            }

            series[key] = weekly;
        }

        return series;
    }

    /// <summary>Shipped quantity of one product from one warehouse per week.</summary>
    public async Task<double[]> ShippedAsync(Guid productId, Guid warehouseId, int weeks, CancellationToken ct)
    {
        var (from, to) = Window(weeks);
        var daily = await shipments.DailyAsync(from, to, ct);
        var weekly = new double[weeks];
        if (daily.TryGetValue((productId, warehouseId), out var days))
        {
            for (var i = 0; i < days.Length; i++)
            {
                weekly[i / 7] += (double)days[i];
            }
        }

        return weekly;
    }
}
