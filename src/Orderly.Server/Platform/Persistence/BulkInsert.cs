using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Orderly.Domain.Common;
using Orderly.Server.Audit;
using Orderly.Server.Data;

namespace Orderly.Server.Platform.Persistence;

/// <summary>
/// Inserts many new aggregates of one kind with multi-row INSERT statements instead of EF Core's one command per row
/// (the SQLite provider does not batch): an import's thousand new products per batch. The audit trail is the same as a
/// save's: the rows are tracked as Added just long enough for <see cref="AuditTrail.Collect"/> and the chain linking
/// of <see cref="AuditInterceptor.LinkAsync"/>, then the products and their audit records are written as rows, in the
/// caller's open transaction, and forgotten. Column values go through each property's EF type mapping (converters,
/// provider types), so a row reads back exactly as if EF had written it.
/// Only for aggregates that raise no domain events and have no owned parts (refused otherwise): the save pipeline's
/// other steps (outbox, rollups, versions of changed aggregates) have nothing to do for them.
/// </summary>
public sealed class BulkInsert(AuditMap map, IEnumerable<IInterceptor> interceptors)
{
    /// <summary>Fewer than SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement.</summary>
    private const int MaxParameters = 30_000;
    private const int MaxRowsPerStatement = 500;
    private const int SqliteParameters = 64;

    private readonly AuditInterceptor _audit = interceptors.OfType<AuditInterceptor>().Single();

    public async Task InsertAsync<T>(OrderlyDbContext db, IReadOnlyCollection<T> entities, CancellationToken ct)
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

        if (db.ChangeTracker.HasChanges())
        {
            throw new InvalidOperationException("A bulk insert needs a context without pending changes: save them first.");
        }

        var rows = new List<EntityEntry>(entities.Count);
        var audit = new List<EntityEntry>(entities.Count);
        // Nothing was pending (checked above) and an entry added now holds its values already: a scan of every
        // tracked entry for changes, which Collect's walk of the tracker would otherwise start, finds nothing.
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entity in entities)
            {
                rows.Add(db.Add(entity));
            }

            var records = AuditTrail.Collect(db, map, db.Caller, db.Now);
            await _audit.LinkAsync(db, records, ct);
            foreach (var record in records)
            {
                audit.Add(db.Add(record));
            }

            await WriteAsync(db, rows, ct);
            await WriteAsync(db, audit, ct);
        }
        finally
        {
            foreach (var entry in rows.Concat(audit))
            {
                entry.State = EntityState.Detached;
            }

            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static async Task WriteAsync(OrderlyDbContext db, List<EntityEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var type = entries[0].Metadata;
        if (type.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || type.GetComplexProperties().Any())
        {
            throw new NotSupportedException($"{type.ClrType.Name} has owned parts; save it through SaveChangesAsync.");
        }

        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        // Columns the database fills itself (an identity key) are left out: their values are still temporary.
        var columns = type.GetProperties()
            .Where(p => p.GetColumnName(table) is not null && !entries[0].Property(p).IsTemporary
                && p.ValueGenerated is not (ValueGenerated.OnAddOrUpdate or ValueGenerated.OnUpdate))
            .Select(p => (Property: p, Mapping: p.GetRelationalTypeMapping(), Column: p.GetColumnName(table)!))
            .ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column)))}) VALUES ";
        // One prepared statement of a few rows, executed again with new values for each group of rows. Few rows per
        // statement on SQLite: Microsoft.Data.Sqlite binds each parameter by name, a scan of the statement's parameters,
        // so binding grows with the square of the parameters in one statement.
        var perStatement = Math.Clamp((db.Database.IsSqlite() ? SqliteParameters : MaxParameters) / columns.Length, 1, MaxRowsPerStatement);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        DbCommand? command = null;
        try
        {
            foreach (var chunk in entries.Chunk(perStatement))
            {
                if (command is null || command.Parameters.Count != chunk.Length * columns.Length)
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }

                    command = Statement(connection, transaction, head, columns, chunk);
                    await command.PrepareAsync(ct);
                }
                else
                {
                    var n = 0;
                    foreach (var entry in chunk)
                    {
                        foreach (var (property, mapping, _) in columns)
                        {
                            command.Parameters[n++].Value = ProviderValue(mapping, entry.Property(property).CurrentValue);
                        }
                    }
                }

                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }

    private static DbCommand Statement(
        DbConnection connection, DbTransaction transaction, string head, (IProperty Property, RelationalTypeMapping Mapping, string Column)[] columns, EntityEntry[] rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var text = new StringBuilder(head, head.Length + (rows.Length * columns.Length * 8));
        var n = 0;
        for (var r = 0; r < rows.Length; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                var name = "@b" + n++;
                text.Append(c == 0 ? name : ", " + name);
                var (property, mapping, _) = columns[c];
                command.Parameters.Add(mapping.CreateParameter(command, name, rows[r].Property(property).CurrentValue, property.IsNullable));
            }

            text.Append(')');
        }

        command.CommandText = text.ToString();
        return command;
    }

    /// <summary>What <see cref="RelationalTypeMapping.CreateParameter"/> would put in the parameter: the converted value, or DBNull.</summary>
    private static object ProviderValue(RelationalTypeMapping mapping, object? value) =>
        (value is null ? null : mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value) ?? DBNull.Value;
}
