using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Audit;

public sealed record AuditItemDto(
    long Id, DateTimeOffset At, string? Actor, Guid? ActorId, Guid? OnBehalfOf, string Action, string? Operation, string EntityType, string EntityId,
    IReadOnlyList<AuditChange> Changes, string? SourceAddress, string? CorrelationId, string? IdempotencyKey);

public sealed record AuditPage(IReadOnlyList<AuditItemDto> Items, string? NextCursor);

public static class AuditEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit", ListAsync).WithName("ListAudit").WithTags("Audit").RequireAuthorization(Policies.ReadAudit)
            .WithSummary("Audit records, newest first, by entity, actor and time.");

    private static async Task<Ok<AuditPage>> ListAsync(
        OrderlyDbContext db, DataScope scope, string? entityType, string? entityId, string? actor, DateTimeOffset? from, DateTimeOffset? to,
        int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.AuditRecords.AsNoTracking();
        if (await scope.VisibleCustomerIdsAsync(ct) is { } visibleCustomers)
        {
            query = query.Where(a => a.CustomerId == null || visibleCustomers.Contains(a.CustomerId.Value));
        }

        if (!string.IsNullOrWhiteSpace(entityType))
        {
            query = query.Where(a => a.EntityType == entityType);
        }

        if (!string.IsNullOrWhiteSpace(entityId))
        {
            var id = entityId.Trim();
            query = query.Where(a => a.EntityId == id);
        }

        if (!string.IsNullOrWhiteSpace(actor))
        {
            query = Guid.TryParse(actor, out var actorId)
                ? query.Where(a => a.ActorId == actorId || a.OnBehalfOf == actorId)
                : query.Where(a => a.ActorName == actor);
        }

        if (from is { } f)
        {
            query = query.Where(a => a.At >= f);
        }

        if (to is { } t)
        {
            query = query.Where(a => a.At < t);
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            if (!long.TryParse(cursor, out var before))
            {
                throw new Domain.Common.RuleViolationException("cursor", "InvalidCursor", "The cursor is not one this API returned.");
            }

            query = query.Where(a => a.Id < before);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(ct);
        var items = rows.Take(take).Select(a => new AuditItemDto(
            a.Id, a.At, a.ActorName, a.ActorId, a.OnBehalfOf, a.Action, a.Operation, a.EntityType, a.EntityId,
            JsonSerializer.Deserialize<List<AuditChange>>(a.Changes, Json) ?? [], a.SourceAddress, a.CorrelationId, a.IdempotencyKey)).ToList();
        return TypedResults.Ok(new AuditPage(items, rows.Count > take ? items[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
    }
}
