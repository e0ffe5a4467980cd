using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Orderly.Server.Data;

namespace Orderly.Server.Audit;

/// <summary>
/// Writes one chained audit record per changed aggregate in the save's own transaction (a rolled-back change
/// leaves none), and links refused attempts added by <see cref="OrderlyDbContext.AuditDenialAsync"/> to the chain.
/// Each record goes to its aggregate's chain (<see cref="AuditChains"/>); on PostgreSQL a transaction-scoped lock per
/// chain, taken in ascending chain order, serialises appends to that chain only.
/// </summary>
public sealed class AuditInterceptor(AuditMap map, IOptions<AuditOptions> options) : SaveChangesInterceptor
{
    /// <summary>Any constant: the first key of the transaction-scoped PostgreSQL locks, one per chain (the second key).</summary>
    private const int AuditChainLock = 74_280_001;

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
        if (records.Count == 0)
        {
            return result;
        }

        await LinkAsync(db, records, cancellationToken);
        db.AuditRecords.AddRange(records.Where(r => db.Entry(r).State == EntityState.Detached));
        return result;
    }

    /// <summary>
    /// Puts each record on its aggregate's chain and links it after the chain's head, in list order; on PostgreSQL
    /// under the chain's transaction-scoped lock. Runs in the save's transaction, or a bulk insert's.
    /// </summary>
    public async Task LinkAsync(OrderlyDbContext db, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        var chains = postgres ? options.Value.Chains : 1;
        foreach (var record in records)
        {
            record.Chain = AuditChains.Of(record.EntityType, record.EntityId, chains);
        }

        foreach (var chain in records.GroupBy(r => r.Chain).OrderBy(g => g.Key))
        {
            var number = chain.Key;
            if (postgres)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AuditChainLock}, {number})", cancellationToken);
            }

            var head = await db.AuditRecords.AsNoTracking().Where(a => a.Chain == number).OrderByDescending(a => a.Id).Select(a => a.Hash)
                .FirstOrDefaultAsync(cancellationToken);
            AuditTrail.Link([.. chain], head);
        }
    }

    private List<AuditRecord> Collect(OrderlyDbContext db)
    {
        var records = AuditTrail.Collect(db, map, db.Caller, db.Now);
        // Denials are added by hand, unlinked; they join the chain here like any other record.
        records.AddRange(Platform.Persistence.SaveEntries.Of<AuditRecord>(db).Where(e => e.State == EntityState.Added && e.Entity.Hash.Length == 0).Select(e => e.Entity));
        return records;
    }
}
