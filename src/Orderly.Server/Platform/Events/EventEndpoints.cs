using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Platform.Events;

public sealed record EventDto(Guid Id, string Type, DateTimeOffset OccurredAt, string AggregateType, string AggregateId, int Version, JsonElement Data);

public sealed record OutboxEntryDto(
    Guid Id, long Position, string Type, string AggregateType, string AggregateId, OutboxState State, int Attempts, DateTimeOffset OccurredAt,
    DateTimeOffset AvailableAt, string? LastError);

/// <summary>The events feed integrations poll, and the administrator's view of undeliverable events.</summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", FeedAsync).WithTags("Events").WithName("ListEvents").RequireAuthorization(EventsModule.ReadEvents)
            .WithSummary("Domain events in commit order, oldest first, scoped like their aggregates; poll with the returned cursor.");
        var admin = app.MapGroup("/api/admin/outbox").WithTags("Events").RequireAuthorization(EventsModule.ManageEvents);
        admin.MapGet("/", ListOutboxAsync).WithName("ListOutbox").WithSummary("Outbox entries by state (pending, done, dead), newest first.");
        admin.MapPost("/{id:guid}/retry", RetryAsync).WithName("RetryOutboxEntry").WithSummary("Puts a dead-lettered event back in line for delivery.");
    }

    private static async Task<Ok<Page<EventDto>>> FeedAsync(
        OrderlyDbContext db, DataScope scope, string? after, int? limit, string? type, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var cursor = EventCursor.Parse(after);
        var types = string.IsNullOrEmpty(type) ? null : type.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var visible = await scope.VisibleCustomerIdsAsync(ct);
        var rows = db.Database.IsNpgsql()
            ? await PostgresPageAsync(db, cursor, take + 1, types, visible is null ? null : await visible.ToArrayAsync(ct), ct)
            : await SqlitePageAsync(db, cursor, take + 1, types, visible, ct);
        var items = rows.Take(take).Select(r => new EventDto(r.Id, r.Type, r.OccurredAt, r.AggregateType, r.AggregateId, r.Version,
            JsonDocument.Parse(r.Payload).RootElement.Clone())).ToList();
        var next = rows.Count > take ? new EventCursor(rows[take - 1].TransactionId, rows[take - 1].Position).ToString() : null;
        return TypedResults.Ok(new Page<EventDto>(items, next));
    }

    /// <summary>One writer at a time: positions are in commit order.</summary>
    private static async Task<List<FeedRow>> SqlitePageAsync(
        OrderlyDbContext db, EventCursor cursor, int take, string[]? types, IQueryable<Guid>? visible, CancellationToken ct)
    {
        var events = db.Outbox.AsNoTracking().Where(m => m.Position > cursor.Position);
        if (visible is not null)
        {
            events = events.Where(m => m.CustomerId != null && visible.Contains(m.CustomerId.Value));
        }

        if (types is not null)
        {
            events = events.Where(m => types.Contains(m.Type));
        }

        return await events.OrderBy(m => m.Position).Take(take)
            .Select(m => new FeedRow(0, m.Position, m.Id, m.Type, m.AggregateType, m.AggregateId, m.PayloadVersion, m.Payload, m.OccurredAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Positions are taken at INSERT, not at commit: a reader past a position whose transaction is still open would
    /// skip it for good. So the feed orders by transaction id and shows only transactions older than every open one.
    /// </summary>
    private static async Task<List<FeedRow>> PostgresPageAsync(
        OrderlyDbContext db, EventCursor cursor, int take, string[]? types, Guid[]? visible, CancellationToken ct)
    {
        var sql = new System.Text.StringBuilder("""
            SELECT tx_id::text, position, id, type, aggregate_type, aggregate_id, payload_version, payload, occurred_at FROM outbox
            WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot()) AND (tx_id, position) > (@tx::text::xid8, @position)
            """);
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new Npgsql.NpgsqlCommand { Connection = connection };
            command.Parameters.AddWithValue("tx", cursor.TransactionId.ToString(CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("position", cursor.Position);
            if (visible is not null)
            {
                sql.Append(" AND customer_id = ANY(@customers)");
                command.Parameters.AddWithValue("customers", visible);
            }

            if (types is not null)
            {
                sql.Append(" AND type = ANY(@types)");
                command.Parameters.AddWithValue("types", types);
            }

            sql.Append(" ORDER BY tx_id, position LIMIT @take");
            command.Parameters.AddWithValue("take", take);
            command.CommandText = sql.ToString();
            var rows = new List<FeedRow>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new FeedRow(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1), reader.GetGuid(2),
                    reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetString(7),
                    new DateTimeOffset(reader.GetDateTime(8).ToUniversalTime())));
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed record FeedRow(
        ulong TransactionId, long Position, Guid Id, string Type, string AggregateType, string AggregateId, int Version, string Payload, DateTimeOffset OccurredAt);

    private static async Task<Ok<Page<OutboxEntryDto>>> ListOutboxAsync(OrderlyDbContext db, OutboxState? state, int? limit, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.Outbox.AsNoTracking();
        if (state is { } wanted)
        {
            query = query.Where(m => m.State == wanted);
        }

        var items = await query.OrderByDescending(m => m.Position).Take(take)
            .Select(m => new OutboxEntryDto(m.Id, m.Position, m.Type, m.AggregateType, m.AggregateId, m.State, m.Attempts, m.OccurredAt, m.AvailableAt, m.LastError))
            .ToListAsync(ct);
        return TypedResults.Ok(new Page<OutboxEntryDto>(items, null));
    }

    private static async Task<Results<Ok<OutboxEntryDto>, NotFound>> RetryAsync(Guid id, OrderlyDbContext db, WriteGate gate, TimeProvider time, OutboxSignal signal, CancellationToken ct)
    {
        int changed;
        using (await gate.EnterAsync(ct))
        {
            changed = await db.Outbox.Where(m => m.Id == id && m.State == OutboxState.Dead).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, OutboxState.Pending)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.AvailableAt, time.GetUtcNow()), ct);
        }

        if (changed == 0 && !await db.Outbox.AnyAsync(m => m.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        if (changed == 0)
        {
            throw new ConflictException("NotDeadLettered", "Only a dead-lettered event can be retried.");
        }

        signal.Notify();
        var entry = await db.Outbox.AsNoTracking().Where(m => m.Id == id)
            .Select(m => new OutboxEntryDto(m.Id, m.Position, m.Type, m.AggregateType, m.AggregateId, m.State, m.Attempts, m.OccurredAt, m.AvailableAt, m.LastError))
            .SingleAsync(ct);
        return TypedResults.Ok(entry);
    }
}

/// <summary>The feed's position: the commit order key (the transaction id on PostgreSQL, 0 on SQLite) and the row.</summary>
public readonly record struct EventCursor(ulong TransactionId, long Position)
{
    public static EventCursor Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }

        var parts = text.Split('.');
        if (parts.Length == 2 && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tx)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return new EventCursor(tx, position);
        }

        throw new Domain.Common.RuleViolationException("after", "InvalidCursor", "The cursor is not one this feed returned.");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TransactionId}.{Position}");
}
