using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orderly.Domain.Allocation;

/// <summary>Priority of an order when stock is short: customer tier first, then promised date, then who ordered first.</summary>
public readonly record struct OrderPriority(int Tier, DateOnly? RequestedDelivery, DateTimeOffset OrderedAt) : IComparable<OrderPriority>
{
    /// <summary>Negative when this order comes before <paramref name="other"/>.</summary>
    public int CompareTo(OrderPriority other)
    {
        var byTier = other.Tier.CompareTo(Tier);
        if (byTier != 0)
        {
            return byTier;
        }

        var byDate = (RequestedDelivery ?? DateOnly.MaxValue).CompareTo(other.RequestedDelivery ?? DateOnly.MaxValue);
        return byDate != 0 ? byDate : OrderedAt.CompareTo(other.OrderedAt);
    }

    public static bool operator <(OrderPriority left, OrderPriority right) => left.CompareTo(right) < 0;

    public static bool operator >(OrderPriority left, OrderPriority right) => left.CompareTo(right) > 0;

    public static bool operator <=(OrderPriority left, OrderPriority right) => left.CompareTo(right) <= 0;

    public static bool operator >=(OrderPriority left, OrderPriority right) => left.CompareTo(right) >= 0;
}

public sealed record BackorderedLine(Guid OrderId, string OrderNumber, Guid LineId, Guid ProductId, decimal Backordered, OrderPriority Priority);

public sealed record HeldReservation(Guid ReservationId, Guid OrderId, string OrderNumber, Guid LineId, Guid ProductId, Guid WarehouseId, decimal Quantity, OrderPriority Priority);

/// <summary>Stock for a backordered line: from free stock (<see cref="FromOrderId"/> null) or taken from a lower-priority order.</summary>
public sealed record ReallocationMove(
    Guid ProductId, Guid WarehouseId, decimal Quantity, Guid ToOrderId, string ToOrderNumber, Guid ToLineId,
    Guid? FromOrderId, string? FromOrderNumber, Guid? FromLineId, Guid? FromReservationId);

public sealed record ReallocationPlan(IReadOnlyList<ReallocationMove> Moves)
{
    /// <summary>A fingerprint of the plan: applying checks that the plan recomputed now is the one that was previewed.</summary>
    public string Id => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Moves.Select(m =>
        string.Join('|', m.ProductId, m.WarehouseId, m.Quantity.ToString(CultureInfo.InvariantCulture), m.ToLineId, m.FromLineId, m.FromReservationId))))))[..16];
}

/// <summary>
/// The manual re-allocation run: backordered lines, highest priority first, take free stock, then stock reserved
/// by strictly lower-priority orders (lowest first). Nothing moves between orders of equal priority.
/// </summary>
public static class Reallocation
{
    public static ReallocationPlan Plan(
        IReadOnlyList<BackorderedLine> backordered, IReadOnlyList<HeldReservation> held, IReadOnlyDictionary<(Guid ProductId, Guid WarehouseId), decimal> free)
    {
        var freeLeft = free.ToDictionary(p => p.Key, p => Math.Max(p.Value, 0m));
        var heldLeft = held.ToDictionary(h => h.ReservationId, h => h.Quantity);
        var moves = new List<ReallocationMove>();
        foreach (var line in backordered.OrderBy(b => b.Priority).ThenBy(b => b.LineId))
        {
            var need = line.Backordered;
            foreach (var (key, available) in freeLeft.Where(p => p.Key.ProductId == line.ProductId && p.Value > 0)
                .OrderByDescending(p => p.Value).ThenBy(p => p.Key.WarehouseId).ToList())
            {
                var take = Math.Min(need, available);
                if (take <= 0)
                {
                    break;
                }

                freeLeft[key] = available - take;
                need -= take;
                moves.Add(new ReallocationMove(line.ProductId, key.WarehouseId, take, line.OrderId, line.OrderNumber, line.LineId, null, null, null, null));
            }

            var donors = held
                .Where(h => h.ProductId == line.ProductId && h.OrderId != line.OrderId && line.Priority < h.Priority)
                .OrderByDescending(h => h.Priority)
                .ThenBy(h => h.ReservationId);
            foreach (var donor in donors)
            {
                if (need <= 0)
                {
                    break;
                }

                var take = Math.Min(need, heldLeft[donor.ReservationId]);
                if (take <= 0)
                {
                    continue;
                }

                heldLeft[donor.ReservationId] -= take;
                need -= take;
                moves.Add(new ReallocationMove(line.ProductId, donor.WarehouseId, take, line.OrderId, line.OrderNumber, line.LineId,
                    donor.OrderId, donor.OrderNumber, donor.LineId, donor.ReservationId));
            }
        }

        return new ReallocationPlan(moves);
    }
}
