using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Orderly.Domain.Common;
using Orderly.Server.Audit;
using Orderly.Server.Data;

namespace Orderly.Server.Platform.Persistence;

/// <summary>
/// Inserts (and updates) many aggregates of one kind without the change tracker, with the audit trail a save would
/// write: an import's thousand new or changed products per batch. Each entity's audit record is built straight from it
/// (<see cref="AuditTrail.Created"/>: the record <c>Collect</c> would make, field for field), linked to its chain like
/// a save's (<see cref="AuditInterceptor.LinkAsync"/>), and the entities and their records are written by
/// <see cref="RowWriter"/> in the caller's open transaction, records in link order so each chain follows id order.
/// Only for aggregate roots that raise no domain events and have no owned parts (refused otherwise): the save
/// pipeline's other steps (outbox, rollups, versions of changed aggregates) have nothing to do for them.
/// </summary>
public sealed class BulkInsert(AuditMap map, IEnumerable<IInterceptor> interceptors)
{
    private readonly AuditInterceptor _audit = interceptors.OfType<AuditInterceptor>().Single();

    public async Task InsertAsync<T>(OrderlyDbContext db, IReadOnlyList<T> entities, CancellationToken ct)
        where T : class
    {
        if (entities.Count == 0)
        {
            return;
        }

        if (typeof(IHasDomainEvents).IsAssignableFrom(typeof(T)))
        {
            throw new NotSupportedException($"{typeof(T).Name} raises domain events; save it through SaveChangesAsync.");
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A bulk insert runs inside an open unit of work (Writes.RunAsync).");
        }

        var rows = RowWriter.For<T>(db);
        var type = db.Model.FindEntityType(typeof(T))!;
        var records = new List<AuditRecord>(entities.Count);
        var caller = db.Caller;
        var now = db.Now;
        foreach (var entity in entities)
        {
            if (map.RootOfUntracked(entity, db) is { } root)
            {
                records.Add(AuditTrail.Created(type, entity, root, caller, now));
            }
        }

        await _audit.LinkAsync(db, records, ct);
        await rows.InsertAsync(db, entities, ct);
        await RowWriter.For<AuditRecord>(db).InsertAsync(db, records, ct);
    }

    /// <summary>
    /// What an entity was before a change, for <see cref="UpdateAsync"/>: take it, then change the entity (untracked,
    /// e.g. read with AsNoTracking).
    /// </summary>
    public static object?[] Before<T>(OrderlyDbContext db, T entity)
        where T : class => AuditTrail.Snapshot(db.Model.FindEntityType(typeof(T))!, entity);

    /// <summary>
    /// Writes changed aggregates as a save would: the version (ETag) of each bumped, one UPDATE per row checking the
    /// version it had (a row changed meanwhile fails the write with <see cref="DbUpdateConcurrencyException"/>), and an
    /// audit record of the fields that changed (<see cref="AuditTrail.Updated"/>), linked like a save's. An entity
    /// whose audited fields did not change is written without a record, as <c>Collect</c> would leave it.
    /// </summary>
    public async Task UpdateAsync<T>(OrderlyDbContext db, IReadOnlyList<(T Entity, object?[] Before)> changes, CancellationToken ct)
        where T : class
    {
        if (changes.Count == 0)
        {
            return;
        }

        if (typeof(IHasDomainEvents).IsAssignableFrom(typeof(T)))
        {
            throw new NotSupportedException($"{typeof(T).Name} raises domain events; save it through SaveChangesAsync.");
        }

        var rows = RowWriter.For<T>(db);
        var type = db.Model.FindEntityType(typeof(T))!;
        var properties = type.GetProperties().ToList();
        var token = rows.ConcurrencyToken is { } property ? properties.IndexOf((IProperty)property) : -1;
        var records = new List<AuditRecord>(changes.Count);
        var originals = new object?[changes.Count];
        var caller = db.Caller;
        var now = db.Now;
        for (var i = 0; i < changes.Count; i++)
        {
            var (entity, before) = changes[i];
            originals[i] = token < 0 ? null : before[token];
            if (entity is IVersioned versioned)
            {
                // What VersioningInterceptor does for a modified aggregate.
                versioned.Version++;
            }

            if (map.RootOfUntracked(entity, db) is { } root && AuditTrail.Updated(type, before, entity, root, caller, now) is { } record)
            {
                records.Add(record);
            }
        }

        await _audit.LinkAsync(db, records, ct);
        await rows.UpdateAsync(db, [.. changes.Select(c => (object)c.Entity)], originals, ct);
        await RowWriter.For<AuditRecord>(db).InsertAsync(db, records, ct);
    }
}
