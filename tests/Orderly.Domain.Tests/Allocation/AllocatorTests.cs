using Orderly.Domain.Allocation;

namespace Orderly.Domain.Tests.Allocation;

/// <summary>
/// The allocation policy of <see cref="Allocator"/>: one warehouse for the whole order where one can serve it; else per
/// line whole-line warehouses first, warehouses already used, the customer's region, transit, most available; split only
/// when needed; drop-ship what no warehouse has; backorder the rest.
/// </summary>
public sealed class AllocatorTests
{
    private static readonly Guid P1 = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid P2 = Guid.Parse("00000000-0000-0000-0000-0000000000a2");
    private static readonly Guid P3 = Guid.Parse("00000000-0000-0000-0000-0000000000a3");

    private static readonly AllocationOptions Defaults = new();

    [Fact]
    public void SingleWarehouseForTheWholeOrder_WinsOverASameRegionWarehouseThatHasOnlyPart()
    {
        var east = Wh("EAST", "East", (P1, 10));
        var west = Wh("WEST", "West", (P1, 10), (P2, 10));
        var needs = new[] { Need(1, P1, 5), Need(2, P2, 5) };

        var plan = Allocator.Plan(needs, "East", [east, west], [], Defaults);

        Assert.Equal([("WEST", 5m)], Sources(plan, 0));
        Assert.Equal([("WEST", 5m)], Sources(plan, 1));
        var line1 = plan.Lines[0].Candidates;
        Assert.True(Candidate(line1, "WEST").ServesWholeOrder);
        Assert.False(Candidate(line1, "EAST").ServesWholeOrder);
        Assert.True(Candidate(line1, "EAST").ServesWholeLine);
        Assert.True(Candidate(line1, "EAST").SameRegion);
        Assert.Contains("whole order", Candidate(line1, "WEST").Reason, StringComparison.Ordinal);
        Assert.False(Candidate(line1, "EAST").Chosen);
        Assert.True(plan.ServesEverything);
    }

    [Fact]
    public void AmongWarehousesThatServeTheWholeOrder_TheCustomersRegionWins_EvenWithLessStock()
    {
        var east = Wh("EAST", "East", (P1, 6), (P2, 6));
        var west = Wh("WEST", "West", (P1, 100), (P2, 100));
        var needs = new[] { Need(1, P1, 5), Need(2, P2, 5) };

        var forEast = Allocator.Plan(needs, "East", [west, east], [], Defaults);
        var forWest = Allocator.Plan(needs, "West", [east, west], [], Defaults);

        Assert.All(forEast.Lines, l => Assert.Equal([("EAST", 5m)], l.Allocations.Select(a => (a.SourceCode!, a.Quantity))));
        Assert.All(forWest.Lines, l => Assert.Equal([("WEST", 5m)], l.Allocations.Select(a => (a.SourceCode!, a.Quantity))));
        Assert.Contains("customer's region", Candidate(forEast.Lines[0].Candidates, "EAST").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RegionMatch_IsCaseInsensitive()
    {
        var east = Wh("EAST", "east", (P1, 5));
        var west = Wh("WEST", "West", (P1, 50));

        var plan = Allocator.Plan([Need(1, P1, 5)], "EAST", [west, east], [], Defaults);

        Assert.Equal([("EAST", 5m)], Sources(plan, 0));
        Assert.True(Candidate(plan.Lines[0].Candidates, "EAST").SameRegion);
    }

    [Fact]
    public void WithoutAWholeOrderWarehouse_ALineTakesAWholeLineWarehouse_RatherThanSplitting()
    {
        // EAST (the customer's region) has only 5 of P1; WEST has all 8. P2 is only in EAST, so nobody serves the whole order.
        var east = Wh("EAST", "East", (P1, 5), (P2, 5));
        var west = Wh("WEST", "West", (P1, 8));
        var needs = new[] { Need(1, P1, 8), Need(2, P2, 5) };

        var plan = Allocator.Plan(needs, "East", [east, west], [], Defaults);

        Assert.Equal([("WEST", 8m)], Sources(plan, 0));
        Assert.Equal([("EAST", 5m)], Sources(plan, 1));
        Assert.Contains("whole line", Candidate(plan.Lines[0].Candidates, "WEST").Reason, StringComparison.Ordinal);
        Assert.All(plan.Lines[0].Candidates, c => Assert.False(c.ServesWholeOrder));
    }

    [Fact]
    public void WhenNoWarehouseHasTheLine_ItIsSplit_RegionFirst_ThenMostAvailable()
    {
        var north = Wh("NORTH", "North", (P1, 3));
        var east = Wh("EAST", "East", (P1, 4));
        var west = Wh("WEST", "West", (P1, 7));

        var plan = Allocator.Plan([Need(1, P1, 10)], "East", [north, west, east], [], Defaults);

        Assert.Equal([("EAST", 4m), ("WEST", 6m)], Sources(plan, 0));
        var notes = plan.Lines[0].Candidates;
        Assert.False(Candidate(notes, "NORTH").Chosen);
        Assert.Contains("already served", Candidate(notes, "NORTH").Reason, StringComparison.Ordinal);
        Assert.Contains("no single warehouse", Candidate(notes, "EAST").Reason, StringComparison.Ordinal);
        Assert.Equal("SKU-1: 4 from EAST; 6 from WEST", plan.Lines[0].Summary);
        Assert.Equal(0m, plan.Lines[0].Backordered);
    }

    [Fact]
    public void ALine_SticksToAWarehouseAlreadyServingTheOrder_OverTheCustomersRegion()
    {
        // P1 is only in WEST; P2 is in both; P3 only in EAST: no warehouse serves the whole order.
        var east = Wh("EAST", "East", (P2, 5), (P3, 5));
        var west = Wh("WEST", "West", (P1, 5), (P2, 5));
        var needs = new[] { Need(1, P1, 5), Need(2, P2, 5), Need(3, P3, 5) };

        var plan = Allocator.Plan(needs, "East", [east, west], [], Defaults);

        Assert.Equal([("WEST", 5m)], Sources(plan, 0));
        Assert.Equal([("WEST", 5m)], Sources(plan, 1));
        Assert.Equal([("EAST", 5m)], Sources(plan, 2));
    }

    [Fact]
    public void TwoLinesOfOneProduct_DoNotTakeTheSameStockTwice()
    {
        var east = Wh("EAST", "East", (P1, 6));
        var west = Wh("WEST", "West", (P1, 3));
        var needs = new[] { Need(1, P1, 4), Need(2, P1, 4) };

        var plan = Allocator.Plan(needs, "East", [east, west], [], Defaults);

        Assert.Equal([("EAST", 4m)], Sources(plan, 0));
        // What EAST has left goes first (already used), the rest from WEST; never more than either warehouse had.
        Assert.Equal([("EAST", 2m), ("WEST", 2m)], Sources(plan, 1));
        var taken = plan.Lines.SelectMany(l => l.Allocations).Where(a => a.Kind == SourceKind.Warehouse).GroupBy(a => a.SourceCode)
            .ToDictionary(g => g.Key!, g => g.Sum(a => a.Quantity));
        Assert.Equal(6m, taken["EAST"]);
        Assert.Equal(2m, taken["WEST"]);
        Assert.Equal(2m, Candidate(plan.Lines[1].Candidates, "EAST").Available);
    }

    [Fact]
    public void DropShip_TakesOnlyWhatNoWarehouseHas_FromTheFastestSupplier()
    {
        var east = Wh("EAST", "East", (P1, 4));
        var slow = new DropShipOption(Guid.NewGuid(), "Slow Co", P1, 10);
        var fast = new DropShipOption(Guid.NewGuid(), "Fast Co", P1, 3);
        var other = new DropShipOption(Guid.NewGuid(), "Other Product Co", P2, 1);

        var plan = Allocator.Plan([Need(1, P1, 10)], "East", [east], [slow, fast, other], Defaults);

        var line = plan.Lines[0];
        Assert.Equal(
            [(SourceKind.Warehouse, (Guid?)east.WarehouseId, 4m), (SourceKind.DropShip, (Guid?)fast.SupplierId, 6m)],
            line.Allocations.Select(a => (a.Kind, a.SourceId, a.Quantity)));
        Assert.Equal(0m, line.Backordered);
        var suppliers = line.Candidates.Where(c => c.Kind == SourceKind.DropShip).ToList();
        Assert.Equal(2, suppliers.Count);
        Assert.True(suppliers.Single(c => c.SourceId == fast.SupplierId).Chosen);
        Assert.False(suppliers.Single(c => c.SourceId == slow.SupplierId).Chosen);
        Assert.Contains("faster", suppliers.Single(c => c.SourceId == slow.SupplierId).Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(line.Candidates, c => c.SourceId == other.SupplierId);
        Assert.Equal("SKU-1: 4 from EAST; 6 drop-shipped by Fast Co", line.Summary);
    }

    [Fact]
    public void DropShip_IsNotUsed_WhenWarehousesCoverTheLine()
    {
        var east = Wh("EAST", "East", (P1, 4));
        var west = Wh("WEST", "West", (P1, 6));
        var supplier = new DropShipOption(Guid.NewGuid(), "Fast Co", P1, 1);

        var plan = Allocator.Plan([Need(1, P1, 10)], "East", [east, west], [supplier], Defaults);

        Assert.DoesNotContain(plan.Lines[0].Allocations, a => a.Kind == SourceKind.DropShip);
        Assert.Equal(10m, plan.Lines[0].Allocations.Sum(a => a.Quantity));
    }

    [Fact]
    public void WithoutDropShip_TheRemainderIsBackordered()
    {
        var east = Wh("EAST", "East", (P1, 4));
        var supplier = new DropShipOption(Guid.NewGuid(), "Fast Co", P1, 1);

        var disabled = Allocator.Plan([Need(1, P1, 10)], "East", [east], [supplier], Defaults with { UseDropShip = false });
        var noSupplier = Allocator.Plan([Need(1, P1, 10)], "East", [east], [], Defaults);

        foreach (var plan in new[] { disabled, noSupplier })
        {
            Assert.Equal(
                [(SourceKind.Warehouse, 4m), (SourceKind.Backorder, 6m)],
                plan.Lines[0].Allocations.Select(a => (a.Kind, a.Quantity)));
            Assert.Equal(6m, plan.Lines[0].Backordered);
            Assert.False(plan.ServesEverything);
            Assert.DoesNotContain(plan.Lines[0].Candidates, c => c.Kind == SourceKind.DropShip);
        }

        Assert.Equal("SKU-1: 4 from EAST; 6 backordered", disabled.Lines[0].Summary);
    }

    [Fact]
    public void EveryWarehouse_IsACandidateWithAReason_AndExactlyTheChosenOnesAreMarked()
    {
        var north = Wh("NORTH", "North", (P2, 9));
        var east = Wh("EAST", "East", (P1, 4));
        var west = Wh("WEST", "West", (P1, 7), (P2, 1));
        var empty = Wh("EMPTY", "East");
        var warehouses = new[] { north, east, west, empty };
        var needs = new[] { Need(1, P1, 10), Need(2, P2, 2), Need(3, P3, 1) };

        var plan = Allocator.Plan(needs, "East", warehouses, [], Defaults);

        foreach (var line in plan.Lines)
        {
            var notes = line.Candidates.Where(c => c.Kind == SourceKind.Warehouse).ToList();
            Assert.Equal(warehouses.Select(w => w.WarehouseId).Order(), notes.Select(c => c.SourceId).Order());
            Assert.All(notes, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
            var chosen = line.Allocations.Where(a => a.Kind == SourceKind.Warehouse).Select(a => a.SourceId!.Value).Order();
            Assert.Equal(chosen, notes.Where(c => c.Chosen).Select(c => c.SourceId).Order());
            Assert.All(notes.Where(c => c.Chosen), c => Assert.StartsWith("Chosen", c.Reason, StringComparison.Ordinal));
            Assert.All(notes.Where(c => !c.Chosen), c => Assert.StartsWith("Not chosen", c.Reason, StringComparison.Ordinal));
        }

        Assert.Equal("Not chosen: nothing available.", Candidate(plan.Lines[0].Candidates, "EMPTY").Reason);
        Assert.Equal(4m, Candidate(plan.Lines[0].Candidates, "EAST").Available);
        Assert.Equal(1, Candidate(plan.Lines[0].Candidates, "EAST").TransitDays);
        Assert.Equal(3, Candidate(plan.Lines[0].Candidates, "WEST").TransitDays);
        Assert.Equal(1m, plan.Lines[2].Backordered);
        Assert.DoesNotContain(plan.Lines[2].Allocations, a => a.Kind == SourceKind.Warehouse);
    }

    [Fact]
    public void AllOrNothing_HoldsEveryLine_WhenAnythingWouldWait()
    {
        var east = Wh("EAST", "East", (P1, 10), (P2, 1));
        var needs = new[] { Need(1, P1, 5), Need(2, P2, 3) };

        var plan = Allocator.Plan(needs, "East", [east], [], Defaults);
        var held = plan.AllOrNothing();

        Assert.False(plan.ServesEverything);
        Assert.Equal([(SourceKind.Backorder, 5m)], held.Lines[0].Allocations.Select(a => (a.Kind, a.Quantity)));
        Assert.Equal([(SourceKind.Backorder, 3m)], held.Lines[1].Allocations.Select(a => (a.Kind, a.Quantity)));
        Assert.Equal(5m, held.Lines[0].Backordered);
        Assert.All(held.Lines, l => Assert.Contains("complete shipments only", l.Summary, StringComparison.Ordinal));
        Assert.Equal(plan.Lines.Select(l => l.LineId), held.Lines.Select(l => l.LineId));
    }

    [Fact]
    public void AllOrNothing_LeavesAFullyServedPlanUnchanged()
    {
        var east = Wh("EAST", "East", (P1, 10));
        var west = Wh("WEST", "West", (P2, 10));
        var supplier = new DropShipOption(Guid.NewGuid(), "Fast Co", P3, 2);
        var plan = Allocator.Plan([Need(1, P1, 5), Need(2, P2, 3), Need(3, P3, 4)], "East", [east, west], [supplier], Defaults);

        var same = plan.AllOrNothing();

        Assert.True(plan.ServesEverything);
        Assert.Same(plan, same);
        Assert.Equal([SourceKind.Warehouse, SourceKind.Warehouse, SourceKind.DropShip], same.Lines.Select(l => l.Allocations.Single().Kind));
    }

    /// <summary>
    /// Regression (fixed): <see cref="AllocationPlan.AllOrNothing"/> replaces the allocations with a backorder but keeps the candidate notes
    /// of the plan it overrode, so a held ship-complete order shows warehouses marked Chosen ("Chosen: has the whole line")
    /// that serve nothing. The decision recorded on the order contradicts what happened.
    /// </summary>
    [Fact]
    public void AllOrNothing_MarksNoCandidateChosen_WhenEverythingWaits()
    {
        var east = Wh("EAST", "East", (P1, 10), (P2, 1));
        var held = Allocator.Plan([Need(1, P1, 5), Need(2, P2, 3)], "East", [east], [], Defaults).AllOrNothing();

        Assert.All(held.Lines, l => Assert.DoesNotContain(l.Candidates, c => c.Chosen));
    }

    [Fact]
    public void PreferSingleWarehouseOff_LetsEachLineTakeItsBestWarehouse()
    {
        var east = Wh("EAST", "East", (P1, 10));
        var west = Wh("WEST", "West", (P1, 10), (P2, 10));
        var needs = new[] { Need(1, P1, 5), Need(2, P2, 5) };

        var plan = Allocator.Plan(needs, "East", [east, west], [], Defaults with { PreferSingleWarehouse = false });

        Assert.Equal([("EAST", 5m)], Sources(plan, 0));
        Assert.Equal([("WEST", 5m)], Sources(plan, 1));
        Assert.DoesNotContain(plan.Lines[0].Candidates, c => c.Reason.Contains("whole order", StringComparison.Ordinal));
    }

    [Fact]
    public void PreferCustomerRegionOff_WithEqualTransitDays_ChoosesTheMostAvailable()
    {
        var east = Wh("EAST", "East", (P1, 6));
        var west = Wh("WEST", "West", (P1, 50));
        var options = Defaults with { PreferCustomerRegion = false, SameRegionTransitDays = 2, OtherRegionTransitDays = 2 };

        var off = Allocator.Plan([Need(1, P1, 5)], "East", [east, west], [], options);
        var on = Allocator.Plan([Need(1, P1, 5)], "East", [east, west], [], options with { PreferCustomerRegion = true });

        Assert.Equal([("WEST", 5m)], Sources(off, 0));
        Assert.Equal([("EAST", 5m)], Sources(on, 0));
    }

    /// <summary>
    /// Regression (fixed): with the default transit days (same region 1, other 3) <c>PreferCustomerRegion = false</c> changes nothing:
    /// <c>Allocator.Rank</c> still ranks by <c>TransitDays</c>, which is derived from the same region comparison, so the
    /// customer's region keeps winning. The switch is inert unless both transit settings are also made equal.
    /// </summary>
    [Fact]
    public void PreferCustomerRegionOff_WithDefaultTransitDays_ChangesTheChoice()
    {
        var east = Wh("EAST", "East", (P1, 6));
        var west = Wh("WEST", "West", (P1, 50));

        var on = Allocator.Plan([Need(1, P1, 5)], "East", [east, west], [], Defaults);
        var off = Allocator.Plan([Need(1, P1, 5)], "East", [east, west], [], Defaults with { PreferCustomerRegion = false });

        Assert.Equal([("EAST", 5m)], Sources(on, 0));
        Assert.Equal([("WEST", 5m)], Sources(off, 0));
    }

    [Fact]
    public void NoCustomerRegion_PicksTheWarehouseWithMostStock_ThenByCode()
    {
        var a = Wh("A", "East", (P1, 5));
        var b = Wh("B", "West", (P1, 9));
        var c = Wh("C", "West", (P1, 9));

        var plan = Allocator.Plan([Need(1, P1, 5)], null, [a, c, b], [], Defaults);

        Assert.Equal([("B", 5m)], Sources(plan, 0));
        Assert.All(plan.Lines[0].Candidates, n => Assert.False(n.SameRegion));
    }

    [Fact]
    public void NegativeAvailable_IsTreatedAsNothing()
    {
        var east = Wh("EAST", "East", (P1, -3));
        var plan = Allocator.Plan([Need(1, P1, 2)], "East", [east], [], Defaults);

        Assert.Equal([(SourceKind.Backorder, 2m)], plan.Lines[0].Allocations.Select(x => (x.Kind, x.Quantity)));
        Assert.Equal(0m, Candidate(plan.Lines[0].Candidates, "EAST").Available);
    }

    private static WarehouseStock Wh(string code, string? region, params (Guid Product, decimal Quantity)[] stock) =>
        new(Guid.NewGuid(), code, region, stock.ToDictionary(s => s.Product, s => s.Quantity));

    private static LineNeed Need(int lineNumber, Guid product, decimal quantity) =>
        new(Guid.NewGuid(), lineNumber, product, $"SKU-{lineNumber}", quantity);

    private static List<(string, decimal)> Sources(AllocationPlan plan, int line) =>
        [.. plan.Lines[line].Allocations.Where(a => a.Kind == SourceKind.Warehouse).Select(a => (a.SourceCode!, a.Quantity))];

    private static CandidateNote Candidate(IReadOnlyList<CandidateNote> notes, string code) =>
        notes.Single(n => n.Kind == SourceKind.Warehouse && n.Code == code);
}
