using Orderly.Domain.Allocation;

namespace Orderly.Domain.Tests.Allocation;

/// <summary>
/// The manual re-allocation plan: backordered lines, highest priority first (tier, then requested date with none last,
/// then order time), take free stock, then stock held by strictly lower-priority orders, lowest first.
/// </summary>
public sealed class ReallocationTests
{
    private const int Standard = 0;
    private const int Silver = 1;
    private const int Gold = 2;
    private const int Strategic = 3;

    private static readonly Guid P = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Other = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid W1 = Guid.Parse("00000000-0000-0000-0000-0000000000f1");
    private static readonly Guid W2 = Guid.Parse("00000000-0000-0000-0000-0000000000f2");
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly D0 = new(2026, 4, 1);

    private static readonly IReadOnlyDictionary<(Guid ProductId, Guid WarehouseId), decimal> NoFreeStock =
        new Dictionary<(Guid ProductId, Guid WarehouseId), decimal>();

    [Fact]
    public void Priority_OrdersByTierDescending_ThenDateAscending_WithNoDateLast_ThenOrderTime()
    {
        var strategicLate = new OrderPriority(Strategic, D0.AddDays(30), T0.AddDays(5));
        var goldNoDate = new OrderPriority(Gold, null, T0);
        var goldEarlyDate = new OrderPriority(Gold, D0, T0.AddDays(3));
        var goldLateDateFirst = new OrderPriority(Gold, D0.AddDays(1), T0);
        var goldLateDateSecond = new OrderPriority(Gold, D0.AddDays(1), T0.AddMinutes(1));
        var standardEarliest = new OrderPriority(Standard, D0.AddDays(-10), T0.AddDays(-10));

        OrderPriority[] shuffled = [standardEarliest, goldNoDate, goldLateDateSecond, strategicLate, goldLateDateFirst, goldEarlyDate];
        var sorted = shuffled.Order().ToList();

        Assert.Equal([strategicLate, goldEarlyDate, goldLateDateFirst, goldLateDateSecond, goldNoDate, standardEarliest], sorted);
        Assert.True(strategicLate < goldEarlyDate);
        Assert.True(goldNoDate > goldLateDateSecond);
        var sameAsFirst = new OrderPriority(Gold, D0.AddDays(1), T0);
        Assert.True(goldLateDateFirst <= sameAsFirst && goldLateDateFirst >= sameAsFirst);
        Assert.False(goldLateDateFirst < sameAsFirst || goldLateDateFirst > sameAsFirst);
        Assert.Equal(0, goldNoDate.CompareTo(new OrderPriority(Gold, null, T0)));
        Assert.True(new OrderPriority(Silver, null, T0) < new OrderPriority(Standard, D0, T0));
    }

    [Fact]
    public void FreeStock_IsTakenFirst_LargestFirst_ThenLowerPriorityReservations()
    {
        var gold = Line(Gold, null, T0, backordered: 10);
        var donor = Held(Standard, null, T0, quantity: 8);
        var free = Free((P, W1, 2), (P, W2, 5), (Other, W1, 100));

        var plan = Reallocation.Plan([gold], [donor], free);

        List<(Guid, decimal, Guid?)> expected = [(W2, 5m, null), (W1, 2m, null), (donor.WarehouseId, 3m, donor.OrderId)];
        Assert.Equal(expected, plan.Moves.Select(m => (m.WarehouseId, m.Quantity, m.FromOrderId)));
        Assert.All(plan.Moves, m => Assert.Equal((gold.OrderId, gold.LineId, P), (m.ToOrderId, m.ToLineId, m.ProductId)));
        Assert.Equal((donor.LineId, donor.ReservationId, donor.OrderNumber), (plan.Moves[2].FromLineId, plan.Moves[2].FromReservationId, plan.Moves[2].FromOrderNumber));
        Assert.Null(plan.Moves[0].FromReservationId);
    }

    [Fact]
    public void FreeStock_GoesToTheHighestPriorityLineFirst()
    {
        var standard = Line(Standard, null, T0, backordered: 4);
        var strategic = Line(Strategic, null, T0.AddDays(1), backordered: 4);
        var gold = Line(Gold, D0, T0, backordered: 4);

        var plan = Reallocation.Plan([standard, gold, strategic], [], Free((P, W1, 6)));

        Assert.Equal([(strategic.LineId, 4m), (gold.LineId, 2m)], plan.Moves.Select(m => (m.ToLineId, m.Quantity)));
        Assert.DoesNotContain(plan.Moves, m => m.ToLineId == standard.LineId);
    }

    [Fact]
    public void Donors_AreStrictlyLowerPriority_LowestFirst()
    {
        var recipient = Line(Gold, D0, T0, backordered: 25);
        var strategic = Held(Strategic, null, T0.AddDays(9), quantity: 50);
        var silver = Held(Silver, null, T0, quantity: 10);
        var standard = Held(Standard, D0, T0, quantity: 10);
        var goldLater = Held(Gold, D0, T0.AddHours(1), quantity: 1);
        var goldEarlier = Held(Gold, D0, T0.AddHours(-1), quantity: 50);

        var plan = Reallocation.Plan([recipient], [strategic, goldEarlier, silver, goldLater, standard], NoFreeStock);

        Assert.Equal(
            [(standard.ReservationId, 10m), (silver.ReservationId, 10m), (goldLater.ReservationId, 1m)],
            plan.Moves.Select(m => (m.FromReservationId!.Value, m.Quantity)));
        // 4 are still short, yet neither the higher-priority Strategic nor the earlier Gold order gives anything.
        Assert.Equal(21m, plan.Moves.Sum(m => m.Quantity));
        Assert.DoesNotContain(plan.Moves, m => m.FromOrderId == strategic.OrderId || m.FromOrderId == goldEarlier.OrderId);
    }

    [Fact]
    public void EqualPriority_NeverDonates()
    {
        var recipient = Line(Gold, D0, T0, backordered: 5);
        var twin = Held(Gold, D0, T0, quantity: 5);

        var plan = Reallocation.Plan([recipient], [twin], NoFreeStock);

        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void AnOrder_NeverDonatesToItself()
    {
        var recipient = Line(Gold, D0, T0, backordered: 5);
        // Its own reservation on another line; even given a lower priority, it is not a donor.
        var own = new HeldReservation(Guid.CreateVersion7(), recipient.OrderId, recipient.OrderNumber, Guid.NewGuid(), P, W1, 5m,
            new OrderPriority(Standard, null, T0));

        var plan = Reallocation.Plan([recipient], [own], NoFreeStock);

        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void AReservation_IsNotGivenAwayTwice()
    {
        var strategic = Line(Strategic, null, T0, backordered: 4);
        var gold = Line(Gold, null, T0, backordered: 4);
        var donor = Held(Standard, null, T0, quantity: 6);

        var plan = Reallocation.Plan([gold, strategic], [donor], NoFreeStock);

        Assert.Equal([(strategic.LineId, 4m), (gold.LineId, 2m)], plan.Moves.Select(m => (m.ToLineId, m.Quantity)));
        Assert.Equal(6m, plan.Moves.Sum(m => m.Quantity));
    }

    [Fact]
    public void OtherProducts_AreNeitherTakenNorGiven()
    {
        var recipient = Line(Strategic, null, T0, backordered: 4);
        var otherProduct = new HeldReservation(Guid.CreateVersion7(), Guid.NewGuid(), "SO-X", Guid.NewGuid(), Other, W1, 10m, new OrderPriority(Standard, null, T0));

        var plan = Reallocation.Plan([recipient], [otherProduct], Free((Other, W1, 10)));

        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void PlanId_IsStable_ForTheSameSituation_WhateverTheInputOrder()
    {
        var strategic = Line(Strategic, null, T0, backordered: 4);
        var gold = Line(Gold, null, T0, backordered: 4);
        var donorA = Held(Standard, null, T0, quantity: 3);
        var donorB = Held(Standard, null, T0, quantity: 3);

        var first = Reallocation.Plan([gold, strategic], [donorA, donorB], Free((P, W1, 1)));
        var second = Reallocation.Plan([strategic, gold], [donorB, donorA], Free((P, W1, 1)));

        Assert.NotEmpty(first.Moves);
        Assert.Equal(first.Moves, second.Moves);
        Assert.Equal(first.Id, second.Id);
        Assert.Matches("^[0-9a-f]{16}$", first.Id);
        Assert.Equal(new ReallocationPlan([]).Id, Reallocation.Plan([], [], NoFreeStock).Id);
    }

    [Fact]
    public void PlanId_Changes_WhenAnyMoveChanges()
    {
        var recipient = Line(Strategic, null, T0, backordered: 4);
        var donor = Held(Standard, null, T0, quantity: 10);
        var otherDonor = Held(Standard, null, T0, quantity: 10);
        var baseline = Reallocation.Plan([recipient], [donor], NoFreeStock);

        var ids = new[]
        {
            baseline.Id,
            Reallocation.Plan([recipient with { Backordered = 3 }], [donor], NoFreeStock).Id,
            Reallocation.Plan([recipient with { LineId = Guid.NewGuid() }], [donor], NoFreeStock).Id,
            Reallocation.Plan([recipient], [donor with { WarehouseId = W2 }], NoFreeStock).Id,
            Reallocation.Plan([recipient], [otherDonor], NoFreeStock).Id,
            Reallocation.Plan([recipient], [donor with { LineId = Guid.NewGuid() }], NoFreeStock).Id,
            Reallocation.Plan([recipient], [donor], Free((P, W1, 4))).Id,
            Reallocation.Plan([recipient], [donor], Free((P, W2, 4))).Id,
            Reallocation.Plan([recipient], [donor], Free((P, W1, 1))).Id,
            Reallocation.Plan([recipient], [], NoFreeStock).Id,
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Equal(baseline.Id, Reallocation.Plan([recipient], [donor], NoFreeStock).Id);
    }

    /// <summary>
    /// Regression (fixed): free stock is taken "largest first" (<c>OrderByDescending(p =&gt; p.Value)</c> in <c>Reallocation.Plan</c>) with no
    /// tie-break, so between warehouses with the same free quantity the choice follows the dictionary's insertion order,
    /// i.e. the row order the database happened to return. The same situation can then give another plan and another id
    /// between preview and apply (a spurious 409 PlanChanged). Fix: <c>.ThenBy(p =&gt; p.Key.WarehouseId)</c>.
    /// </summary>
    [Fact]
    public void PlanId_DoesNotDependOnTheOrderFreeStockIsListedIn()
    {
        var recipient = Line(Strategic, null, T0, backordered: 3);

        var first = Reallocation.Plan([recipient], [], Free((P, W1, 5), (P, W2, 5)));
        var second = Reallocation.Plan([recipient], [], Free((P, W2, 5), (P, W1, 5)));

        Assert.Equal(first.Moves, second.Moves);
        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public void NegativeFreeStock_IsIgnored()
    {
        var recipient = Line(Strategic, null, T0, backordered: 3);

        var plan = Reallocation.Plan([recipient], [], Free((P, W1, -2), (P, W2, 1)));

        Assert.Equal([(W2, 1m)], plan.Moves.Select(m => (m.WarehouseId, m.Quantity)));
    }

    private static BackorderedLine Line(int tier, DateOnly? date, DateTimeOffset at, decimal backordered)
    {
        var orderId = Guid.NewGuid();
        return new BackorderedLine(orderId, $"SO-{orderId.ToString("N")[..6]}", Guid.NewGuid(), P, backordered, new OrderPriority(tier, date, at));
    }

    private static HeldReservation Held(int tier, DateOnly? date, DateTimeOffset at, decimal quantity)
    {
        var orderId = Guid.NewGuid();
        return new HeldReservation(Guid.CreateVersion7(), orderId, $"SO-{orderId.ToString("N")[..6]}", Guid.NewGuid(), P, W1, quantity,
            new OrderPriority(tier, date, at));
    }

    private static Dictionary<(Guid ProductId, Guid WarehouseId), decimal> Free(params (Guid Product, Guid Warehouse, decimal Quantity)[] stock)
    {
        var free = new Dictionary<(Guid ProductId, Guid WarehouseId), decimal>();
        foreach (var (product, warehouse, quantity) in stock)
        {
            free.Add((product, warehouse), quantity);
        }

        return free;
    }
}
