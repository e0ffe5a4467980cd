using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

/// <summary>
/// Keeps the dashboards' rollups in the save's own transaction: every order status change of the save adds to
/// (or takes from) the daily sums, so a rolled-back change leaves the rollups as they were.
/// </summary>
public sealed class RollupInterceptor : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is OrderlyDbContext db && Platform.Persistence.SaveEntries.Of<Domain.Orders.OrderStatusChange>(db).Any(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added))
        {
            throw new InvalidOperationException("A save that changes an order's status must be asynchronous (SaveChangesAsync).");
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is OrderlyDbContext db && await Rollups.CollectAsync(db, db.BusinessDate, cancellationToken) is { } delta)
        {
            await Rollups.ApplyAsync(db, delta, cancellationToken);
        }

        return result;
    }
}
