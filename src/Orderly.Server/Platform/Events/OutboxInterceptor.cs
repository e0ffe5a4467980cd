using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Domain.Common;
using Orderly.Server.Data;

namespace Orderly.Server.Platform.Events;

/// <summary>
/// Writes the events of a save (those its aggregates recorded and those raised into the <see cref="EventBuffer"/>)
/// to the outbox in the save's own transaction, with one multi-row INSERT: an event exists exactly when its
/// change committed. The signal that wakes the dispatcher fires once that transaction commits.
/// </summary>
public sealed class OutboxInterceptor(Microsoft.Extensions.Options.IOptions<EventOptions> options) : SaveChangesInterceptor
{
    /// <summary>Rows per INSERT statement: 11 parameters each stays far below SQLite's 32,766.</summary>
    private const int RowsPerStatement = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is OrderlyDbContext db && Take(db).Count > 0)
        {
            throw new InvalidOperationException("A save that records events must be asynchronous (SaveChangesAsync).");
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is OrderlyDbContext db)
        {
            var events = Take(db);
            if (events.Count > 0 && options.Value.WriteEvents)
            {
                await WriteAsync(db, events, cancellationToken);
            }
        }

        return result;
    }

    private static List<IDomainEvent> Take(OrderlyDbContext db)
    {
        var events = new List<IDomainEvent>();
        foreach (var entry in Persistence.SaveEntries.Of<IHasDomainEvents>(db))
        {
            events.AddRange(entry.Entity.TakeEvents());
        }

        events.AddRange(db.Events.Take());
        return events;
    }

    private static async Task WriteAsync(OrderlyDbContext db, List<IDomainEvent> events, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Events are written only inside the save's transaction.");
        }

        var caller = db.Caller;
        var now = db.Now;
        foreach (var chunk in events.Chunk(RowsPerStatement))
        {
            // Parameters go through EF's type mappings, so ids and instants are stored exactly as the model stores them.
            var parameters = new List<object?> { now.UtcDateTime, caller?.UserId, caller?.Name, caller?.CorrelationId };
            var sql = new StringBuilder(
                "INSERT INTO outbox (id, type, aggregate_type, aggregate_id, customer_id, payload, payload_version, occurred_at, actor_id, actor_name, correlation_id, state, attempts, available_at) VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                var e = chunk[i];
                var p = parameters.Count;
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                    $"({{{p}}}, {{{p + 1}}}, {{{p + 2}}}, {{{p + 3}}}, {{{p + 4}}}, {{{p + 5}}}, {{{p + 6}}}, {{0}}, {{1}}, {{2}}, {{3}}, 'Pending', 0, {{0}})");
                parameters.AddRange([Ids.New(now), e.GetType().Name, e.AggregateType, e.AggregateId.ToString(), e.ConcernsCustomer,
                    JsonSerializer.Serialize(e, e.GetType(), Json), e.PayloadVersion]);
            }

            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters!, ct);
        }

        db.WroteEvents = true;
    }
}

/// <summary>Wakes the local dispatcher when a transaction that wrote events has committed.</summary>
public sealed class OutboxCommitSignal(OutboxSignal signal) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Notify(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Notify(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Notify(DbContext? context)
    {
        if (context is OrderlyDbContext { WroteEvents: true } db)
        {
            db.WroteEvents = false;
            signal.Notify();
        }
    }

    private static void Forget(DbContext? context)
    {
        if (context is OrderlyDbContext db)
        {
            db.WroteEvents = false;
        }
    }
}
