using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;
using Orderly.Server.Analytics;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Ui;

public sealed record DayTotal(DateOnly Day, int Orders, decimal Value);

public sealed record Dashboard(
    DateOnly Today, string Currency, int TodayOrders, decimal TodayValue, int PendingApprovals, int BackorderedOrders, int OpenAlerts,
    IReadOnlyList<DayTotal> LastDays);

/// <summary>
/// The home page's numbers, within the caller's data scope, read from the analytics rollups; orders count from
/// submission, so drafts are left out.
/// </summary>
public sealed class DashboardQueries(OrderlyDbContext db, DataScope scope, BusinessCalendar calendar, AnalyticsQueries analytics)
{
    private static readonly OrderStatus[] Backordering = [OrderStatus.Confirmed, OrderStatus.PartiallyShipped, OrderStatus.OnHold];

    public async Task<Dashboard> LoadAsync(string currency, int days, CancellationToken ct)
    {
        var today = calendar.Today;
        var first = today.AddDays(1 - days);
        var visibleCustomers = await scope.VisibleCustomerIdsAsync(ct);
        var revenue = await analytics.RevenueAsync(first, today, currency, visibleCustomers, ct);
        var lastDays = revenue.Days.Select(d => new DayTotal(d.Day, (int)d.Orders, d.Value)).ToList();
        var orders = await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct);
        var pending = visibleCustomers is null
            ? (int)(await analytics.StatusCountsAsync(ct)).GetValueOrDefault(OrderStatus.PendingApproval)
            : await orders.CountAsync(o => o.Status == OrderStatus.PendingApproval, ct);
        var backordered = await orders.CountAsync(o => Backordering.Contains(o.Status) && o.Lines.Any(l => l.Backordered > 0), ct);
        var alerts = await db.StockAlerts.AsNoTracking().CountAsync(a => a.ClearedAt == null, ct);
        var todayRow = lastDays[^1];
        return new Dashboard(today, currency, todayRow.Orders, todayRow.Value, pending, backordered, alerts, lastDays);
    }
}
