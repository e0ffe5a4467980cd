using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Fulfillment;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Fulfillment;

public sealed record TrackingEventDto(DateTimeOffset At, string State, string? Status, string? Location, string? Description);

public sealed record ShipmentDetailDto(
    Guid Id, Guid OrderId, Guid? WarehouseId, Guid? SupplierId, string? Carrier, string? CarrierCode, string? TrackingNumber, DateTimeOffset ShippedAt,
    DateOnly? Eta, string TrackingState, DateTimeOffset? LastEventAt, DateTimeOffset? DeliveredAt, string? DelayReason,
    IReadOnlyList<ShipmentLine> Lines, IReadOnlyList<ShipmentPackage> Packages, IReadOnlyList<TrackingEventDto> TrackingEvents)
{
    public static ShipmentDetailDto From(Shipment s) => new(s.Id, s.OrderId, s.WarehouseId, s.SupplierId, s.Carrier, s.CarrierCode, s.TrackingNumber, s.ShippedAt,
        s.Eta, s.TrackingState.ToString(), s.LastEventAt, s.DeliveredAt, s.DelayReason, s.Lines, s.Packages,
        [.. s.TrackingEvents.OrderBy(e => e.At).Select(e => new TrackingEventDto(e.At, e.State.ToString(), e.Status, e.Location, e.Description))]);
}

/// <summary>Shipments with their tracking timeline, and the late ones; scoped like the orders they belong to.</summary>
public static class ShipmentEndpoints
{
    public static void MapShipmentEndpoints(this IEndpointRouteBuilder app)
    {
        var shipments = app.MapGroup("/api/shipments").WithTags("Fulfillment").RequireAuthorization(Policies.Read);
        shipments.MapGet("/late", LateAsync).WithName("ListLateShipments").WithSummary("Open shipments reported late (ETA passed, no movement, problem status).");
        shipments.MapGet("/{id:guid}", GetAsync).WithName("GetShipment").WithSummary("One shipment with carrier, tracking number, ETA and its tracking events.");
    }

    private static async Task<Ok<ShipmentDetailDto>> GetAsync(Guid id, OrderlyDbContext db, DataScope scope, CancellationToken ct)
    {
        var shipment = await (await VisibleAsync(db, scope, ct)).FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Shipment", id);
        return TypedResults.Ok(ShipmentDetailDto.From(shipment));
    }

    private static async Task<Ok<ShipmentList>> LateAsync(OrderlyDbContext db, DataScope scope, int? limit, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var rows = await (await VisibleAsync(db, scope, ct)).Where(s => s.DelayReason != null && s.DeliveredAt == null)
            .OrderBy(s => s.Id).Take(take).ToListAsync(ct);
        return TypedResults.Ok(new ShipmentList(rows.ConvertAll(ShipmentDetailDto.From)));
    }

    private static async Task<IQueryable<Shipment>> VisibleAsync(OrderlyDbContext db, DataScope scope, CancellationToken ct)
    {
        var query = db.Shipments.AsNoTracking();
        return await scope.VisibleOrderIdsAsync(ct) is { } orders ? query.Where(s => orders.Contains(s.OrderId)) : query;
    }
}

public sealed record ShipmentList(IReadOnlyList<ShipmentDetailDto> Items);
