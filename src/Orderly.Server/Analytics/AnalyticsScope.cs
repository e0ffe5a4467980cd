using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;
using Orderly.Server.Identity;

namespace Orderly.Server.Analytics;

/// <summary>
/// Whose numbers the caller sees on the dashboards: admins, sales managers and finance watch the whole company's
/// figures; a sales rep sees the sums of the customers they own, read from the per-customer rollup.
/// </summary>
public sealed class AnalyticsScope(Caller caller, OrderlyDbContext db, DataScope scope, Platform.PermissionTable permissions)
{
    /// <summary>The customers whose sums the caller sees, or null for the whole company.</summary>
    public IQueryable<Guid>? Customers()
    {
        if (caller.IsSystem || permissions.Allows(caller, Policies.ReadCompanyAnalytics))
        {
            return null;
        }

        var self = scope.Self ?? Guid.Empty;
        return db.Customers.AsNoTracking().Where(c => c.OwnerUserId == self).Select(c => c.Id);
    }

    /// <summary>The customers whose figures the caller sees, loaded, or null for the whole company.</summary>
    public async Task<HashSet<Guid>?> CustomerSetAsync(CancellationToken ct) =>
        Customers() is { } customers ? [.. await customers.ToListAsync(ct)] : null;
}
