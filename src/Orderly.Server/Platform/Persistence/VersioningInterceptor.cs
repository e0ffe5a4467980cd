using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Domain.Common;
using Orderly.Server.Audit;
using Orderly.Server.Data;

namespace Orderly.Server.Platform.Persistence;

/// <summary>
/// Bumps the version (the ETag) of every aggregate that changed, including one whose own row did not change but
/// a part of it did (an order whose line changed): the parts are known from the <see cref="AuditMap"/>.
/// </summary>
public sealed class VersioningInterceptor(AuditMap map) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Bump(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Bump(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Bump(DbContext? db)
    {
        if (db is null)
        {
            return;
        }

        if (db is not OrderlyDbContext { ChangesDetected: true })
        {
            db.ChangeTracker.DetectChanges();
        }

        HashSet<(string, string)>? changedParts = null;
        foreach (var entry in SaveEntries.All(db))
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Entity is not IVersioned && map.RootOf(entry) is { Prefix: not null } part)
            {
                (changedParts ??= []).Add((part.Type, part.Id));
            }
        }

        foreach (var entry in SaveEntries.Of<IVersioned>(db))
        {
            var changed = entry.State == EntityState.Modified
                || (entry.State == EntityState.Unchanged && changedParts is not null
                    && map.RootOf(entry) is { } root && changedParts.Contains((root.Type, root.Id)));
            if (changed)
            {
                entry.Entity.Version++;
                entry.State = EntityState.Modified;
            }
        }
    }
}
