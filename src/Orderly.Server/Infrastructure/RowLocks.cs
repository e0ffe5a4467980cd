using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Pessimistic locks for the few read-modify-write paths that also move stock. On PostgreSQL at READ COMMITTED,
/// two transactions that both loaded a Confirmed order would both release (or ship) its stock before the
/// version check refused the second; locking the order row first makes the second read the first's result.
/// SQLite needs nothing: its writers are already serialised (write gate and BEGIN IMMEDIATE).
/// </summary>
public static class RowLocks
{
    public static async Task LockOrderAsync(OrderlyDbContext db, Guid orderId, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM sales_orders WHERE id = {orderId} FOR UPDATE", ct);
        }
    }
}
