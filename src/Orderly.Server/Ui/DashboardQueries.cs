using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Ui;

public sealed record DayTotal(DateOnly Day, int Orders, decimal Value);

public sealed record Dashboard(
    DateOnly Today, string Currency, int TodayOrders, decimal TodayValue, int PendingApprovals, int BackorderedOrders, int OpenAlerts,
    IReadOnlyList<DayTotal> LastDays);

/// <summary>The home page's numbers, within the caller's data scope; orders count from submission, so drafts are left out.</summary>
public sealed class DashboardQueries(OrderlyDbContext db, DataScope scope, BusinessCalendar calendar)
{
    private static readonly OrderStatus[] NotCounted = [OrderStatus.Draft, OrderStatus.Cancelled, OrderStatus.Rejected];
    private static readonly OrderStatus[] Backordering = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.OnHold];

    public async Task<Dashboard> LoadAsync(string currency, int days, CancellationToken ct)
    {
        var today = calendar.Today;
        var first = today.AddDays(1 - days);
        var orders = await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct);
        var perDay = await orders
            .Where(o => o.OrderDate >= first && o.OrderDate <= today && o.Currency == currency && !NotCounted.Contains(o.Status))
            .GroupBy(o => o.OrderDate)
            .Select(g => new { Day = g.Key, Orders = g.Count(), Minor = g.Sum(o => o.TotalMinor) })
            .ToListAsync(ct);
        var byDay = perDay.ToDictionary(d => d.Day);
        var lastDays = Enumerable.Range(0, days).Select(i => first.AddDays(i)).Select(d => byDay.TryGetValue(d, out var x)
            ? new DayTotal(d, x.Orders, Money.FromMinor(x.Minor, currency).Amount)
            : new DayTotal(d, 0, 0m)).ToList();
        var pending = await orders.CountAsync(o => o.Status == OrderStatus.PendingApproval, ct);
        var backordered = await orders.CountAsync(o => Backordering.Contains(o.Status) && o.Lines.Any(l => l.Backordered > 0), ct);
        var alerts = await db.StockAlerts.AsNoTracking().CountAsync(a => a.ClearedAt == null, ct);
        var todayRow = lastDays[^1];
        return new Dashboard(today, currency, todayRow.Orders, todayRow.Value, pending, backordered, alerts, lastDays);
    }
}
