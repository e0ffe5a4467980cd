using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Data;

namespace Orderly.Server.Audit;

/// <summary>
/// Writes one chained audit record per changed aggregate in the save's own transaction (a rolled-back change
/// leaves none), and links refused attempts added by <see cref="OrderlyDbContext.AuditDenialAsync"/> to the chain.
/// </summary>
public sealed class AuditInterceptor(AuditMap map) : SaveChangesInterceptor
{
    /// <summary>Any constant: the transaction-scoped PostgreSQL lock that serialises appends to the audit chain.</summary>
    private const long AuditChainLock = 74_280_001;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is OrderlyDbContext db && Collect(db).Count > 0)
        {
            throw new InvalidOperationException("A save with audited changes must be asynchronous (SaveChangesAsync).");
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not OrderlyDbContext db)
        {
            return result;
        }

        var records = Collect(db);
        if (records.Count > 0)
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AuditChainLock})", cancellationToken);
            }

            var head = await db.AuditRecords.AsNoTracking().OrderByDescending(a => a.Id).Select(a => a.Hash).FirstOrDefaultAsync(cancellationToken);
            AuditTrail.Link(records, head);
            db.AuditRecords.AddRange(records.Where(r => db.Entry(r).State == EntityState.Detached));
        }

        return result;
    }

    private List<AuditRecord> Collect(OrderlyDbContext db)
    {
        var records = AuditTrail.Collect(db, map, db.Caller, db.Now);
        // Denials are added by hand, unlinked; they join the chain here like any other record.
        records.AddRange(db.ChangeTracker.Entries<AuditRecord>().Where(e => e.State == EntityState.Added && e.Entity.Hash.Length == 0).Select(e => e.Entity));
        return records;
    }
}
