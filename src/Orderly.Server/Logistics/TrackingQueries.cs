using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Logistics;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Orders;

namespace Orderly.Server.Logistics;

public sealed record TrackingEventView(DateTimeOffset At, TrackingState State, string? Status, string? Location, string? Description);

public sealed record ShipmentTrackingView(
    Guid Id, Guid OrderId, string OrderNumber, string? CarrierCode, string? Carrier, string? TrackingNumber, DateTimeOffset ShippedAt, DateOnly? Eta,
    TrackingState State, DateTimeOffset? LastEventAt, DateTimeOffset? DeliveredAt, string? DelayReason, DateTimeOffset? DelayedAt,
    IReadOnlyList<TrackingEventView> Events)
{
    /// <summary>Newest first, at most <paramref name="count"/>.</summary>
    public IEnumerable<TrackingEventView> Latest(int count) => Events.OrderByDescending(e => e.At).Take(count);
}

/// <summary>
/// Shipments as the tracking pages show them: carrier, number, state and events, newest first; late shipments.
/// Scoped like the orders they belong to (a rep sees their customers' shipments only).
/// </summary>
public sealed class TrackingQueries(OrderlyDbContext db, DataScope scope)
{
    public async Task<ShipmentTrackingView?> ShipmentAsync(Guid id, CancellationToken ct) =>
        await ViewsAsync(await VisibleAsync(ct), s => s.Id == id, 1, ct) is [var one] ? one : null;

    public async Task<IReadOnlyList<ShipmentTrackingView>> OfOrderAsync(Guid orderId, CancellationToken ct) =>
        await ViewsAsync(await VisibleAsync(ct), s => s.OrderId == orderId, 100, ct);

    /// <summary>Open shipments reported late (ETA passed, no movement, problem status), the longest late first.</summary>
    public async Task<IReadOnlyList<ShipmentTrackingView>> LateAsync(CancellationToken ct) =>
        [.. (await ViewsAsync(await VisibleAsync(ct), s => s.DelayReason != null && s.DeliveredAt == null, 500, ct)).OrderBy(s => s.DelayedAt)];

    /// <summary>An order's shipments for a holder of its public status link: the token is the credential, so no caller scope.</summary>
    public static async Task<IReadOnlyList<ShipmentTrackingView>> ForStatusPageAsync(OrderlyDbContext db, Guid orderId, CancellationToken ct) =>
        await ViewsAsync(db, db.Shipments.AsNoTracking(), s => s.OrderId == orderId, 100, ct);

    /// <summary>A listed carrier by its name in <paramref name="culture"/> (顺丰速运 / SF Express); other text as entered.</summary>
    public static string CarrierName(string? carrierOrCode, CultureInfo culture) => Carriers.Find(carrierOrCode) is { } known
        ? (culture.TwoLetterISOLanguageName == "zh" ? known.NameZh : known.NameEn)
        : carrierOrCode ?? "—";

    private Task<IReadOnlyList<ShipmentTrackingView>> ViewsAsync(IQueryable<Shipment> query, System.Linq.Expressions.Expression<Func<Shipment, bool>> where, int take, CancellationToken ct) =>
        ViewsAsync(db, query, where, take, ct);

    private static async Task<IReadOnlyList<ShipmentTrackingView>> ViewsAsync(
        OrderlyDbContext db, IQueryable<Shipment> query, System.Linq.Expressions.Expression<Func<Shipment, bool>> where, int take, CancellationToken ct)
    {
        var shipments = await query.Where(where).OrderBy(s => s.Id).Take(take).ToListAsync(ct);
        var orderIds = shipments.Select(s => s.OrderId).Distinct().ToList();
        var numbers = await db.OrderRefs().Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Number, ct);
        // Sorted here: SQLite cannot order by a DateTimeOffset column.
        return [.. shipments.OrderBy(s => s.ShippedAt).ThenBy(s => s.Id).Select(s => new ShipmentTrackingView(
            s.Id, s.OrderId, numbers.GetValueOrDefault(s.OrderId, ""), s.CarrierCode, s.Carrier, s.TrackingNumber, s.ShippedAt, s.Eta, s.TrackingState,
            s.LastEventAt, s.DeliveredAt, s.DelayReason, s.DelayedAt,
            [.. s.TrackingEvents.OrderBy(e => e.At).Select(e => new TrackingEventView(e.At, e.State, e.Status, e.Location, e.Description))]))];
    }

    private async Task<IQueryable<Shipment>> VisibleAsync(CancellationToken ct)
    {
        var query = db.Shipments.AsNoTracking();
        return await scope.VisibleOrderIdsAsync(ct) is { } orders ? query.Where(s => orders.Contains(s.OrderId)) : query;
    }
}
