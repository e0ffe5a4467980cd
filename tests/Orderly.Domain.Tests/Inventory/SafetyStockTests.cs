using Orderly.Domain.Common;
using Orderly.Domain.Inventory;

namespace Orderly.Domain.Tests.Inventory;

public sealed class SafetyStockTests
{
    private static readonly decimal[] ServiceLevels = [0.5m, 0.8m, 0.9m, 0.95m, 0.99m, 0.9999m];

    [Theory]
    [InlineData(0.90, 1.2816)]
    [InlineData(0.95, 1.6449)]
    [InlineData(0.99, 2.3263)]
    [InlineData(0.975, 1.9600)]
    [InlineData(0.80, 0.8416)]
    [InlineData(0.999, 3.0902)]
    [InlineData(0.9999, 3.7190)]
    [InlineData(0.01, -2.3263)]
    [InlineData(0.02, -2.0537)]
    [InlineData(0.5, 0.0)]
    public void InverseStandardNormal_MatchesTheTables(double p, double z)
    {
        Assert.Equal(z, SafetyStock.InverseStandardNormal(p), 4);
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.02425)]
    [InlineData(0.3)]
    [InlineData(0.97575)]
    public void InverseStandardNormal_IsSymmetric_AcrossTheRegions(double p)
    {
        Assert.Equal(-SafetyStock.InverseStandardNormal(p), SafetyStock.InverseStandardNormal(1 - p), tolerance: 1e-8);
    }

    [Fact]
    public void InverseStandardNormal_IsIncreasing_AcrossTheRegionBoundaries()
    {
        var ps = new[] { 0.0001, 0.02, 0.02425, 0.0243, 0.5, 0.97574, 0.97575, 0.9758, 0.9999 };
        var zs = ps.Select(SafetyStock.InverseStandardNormal).ToList();
        Assert.Equal(zs.Order(), zs);
        Assert.Equal(zs.Count, zs.Distinct().Count());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void InverseStandardNormal_OutsideTheOpenInterval_Throws(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SafetyStock.InverseStandardNormal(p));
    }

    [Fact]
    public void Compute_WholeUnits_EqualsTheHandCalculation()
    {
        // mean 10, sample sigma sqrt(200 / 4) = 7.0711, z(95%) = 1.6449, lead time 9 days:
        // safety stock = 1.6449 x 7.0711 x 3 = 34.89 -> 35; reorder point = 10 x 9 + 35 = 125.
        var result = SafetyStock.Compute([10m, 0m, 20m, 10m, 10m], leadTimeDays: 9, serviceLevel: 0.95m, wholeUnits: true);

        Assert.Equal(new SafetyStockResult(5, 4, 10m, 7.0711m, 9, 0.95m, 1.6449m, 35m, 125m), result);
    }

    [Fact]
    public void Compute_FractionalUnits_RoundsUpToThousandths()
    {
        var result = SafetyStock.Compute([10m, 0m, 20m, 10m, 10m], leadTimeDays: 9, serviceLevel: 0.95m, wholeUnits: false);

        Assert.Equal(34.893m, result.SafetyStock);
        Assert.Equal(124.893m, result.ReorderPoint);
    }

    [Fact]
    public void Compute_SteadyDemand_NeedsNoSafetyStock()
    {
        var result = SafetyStock.Compute(Enumerable.Repeat(4m, 30).ToList(), leadTimeDays: 7, serviceLevel: 0.99m, wholeUnits: true);

        Assert.Equal((0m, 0m, 28m, 30), (result.DemandStdDev, result.SafetyStock, result.ReorderPoint, result.DaysWithDemand));
    }

    [Fact]
    public void Compute_DaysWithoutShipments_CountAsZeroDemand()
    {
        var sparse = new decimal[10];
        sparse[3] = 20m;

        var result = SafetyStock.Compute(sparse, leadTimeDays: 4, serviceLevel: 0.95m, wholeUnits: true);

        // mean 2, sigma sqrt((18^2 + 9 x 2^2) / 9) = sqrt(40) = 6.3246; safety stock 1.6449 x 6.3246 x 2 = 20.81 -> 21; 2 x 4 + 21 = 29.
        Assert.Equal((10, 1, 2m, 6.3246m, 21m, 29m), (result.WindowDays, result.DaysWithDemand, result.MeanDailyDemand, result.DemandStdDev, result.SafetyStock, result.ReorderPoint));
    }

    [Fact]
    public void Compute_NoHistory_GivesZeros()
    {
        var result = SafetyStock.Compute([], leadTimeDays: 14, serviceLevel: 0.95m, wholeUnits: true);

        Assert.Equal(new SafetyStockResult(0, 0, 0m, 0m, 14, 0.95m, 1.6449m, 0m, 0m), result);
    }

    [Fact]
    public void Compute_OneDay_HasNoVariability()
    {
        var result = SafetyStock.Compute([7m], leadTimeDays: 2, serviceLevel: 0.95m, wholeUnits: true);

        Assert.Equal((7m, 0m, 0m, 14m), (result.MeanDailyDemand, result.DemandStdDev, result.SafetyStock, result.ReorderPoint));
    }

    [Fact]
    public void Compute_ZeroLeadTime_NeedsNothing()
    {
        var result = SafetyStock.Compute([1m, 9m, 5m], leadTimeDays: 0, serviceLevel: 0.95m, wholeUnits: true);

        Assert.Equal((0m, 0m), (result.SafetyStock, result.ReorderPoint));
    }

    [Fact]
    public void Compute_HigherServiceLevel_KeepsMoreSafetyStock()
    {
        decimal[] demand = [3m, 8m, 0m, 12m, 5m, 1m, 9m];

        var levels = ServiceLevels
            .Select(level => SafetyStock.Compute(demand, 10, level, wholeUnits: false).SafetyStock)
            .ToList();

        Assert.Equal(0m, levels[0]);
        Assert.Equal(levels.Order(), levels);
        Assert.Equal(levels.Count, levels.Distinct().Count());
    }

    [Fact]
    public void Compute_FloatingPointDust_DoesNotRoundUpAWholeThousandth()
    {
        var tenDays = new decimal[10];
        tenDays[0] = 1m;

        // mean 0.1 x 3 days is 0.30000000000000004 in binary floating point; the reorder point is still 0.3.
        var result = SafetyStock.Compute(tenDays, leadTimeDays: 3, serviceLevel: 0.5m, wholeUnits: false);

        Assert.Equal((0m, 0.3m), (result.SafetyStock, result.ReorderPoint));
    }

    [Theory]
    [InlineData(-1, 0.95, "leadTimeDays")]
    [InlineData(366, 0.95, "leadTimeDays")]
    [InlineData(14, 0.49, "serviceLevel")]
    [InlineData(14, 1.0, "serviceLevel")]
    public void Compute_InputsOutOfRange_ThrowOutOfRange(int leadTimeDays, double serviceLevel, string field)
    {
        var error = Assert.Throws<RuleViolationException>(() => SafetyStock.Compute([1m], leadTimeDays, (decimal)serviceLevel, wholeUnits: true));

        Assert.Equal((field, "OutOfRange"), (error.Violations[0].Field, error.Code));
    }

    [Fact]
    public void Compute_NegativeDemand_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SafetyStock.Compute([1m, -2m], 5, 0.95m, wholeUnits: true));
    }
}

public sealed class AlertRulesTests
{
    private static readonly DateOnly Today = new(2026, 3, 31);
    private static readonly AlertThresholds Defaults = new();

    private static StockPosition Position(
        decimal onHand = 50m, decimal available = 50m, decimal? reorderPoint = 20m, decimal mean = 1m, decimal backordered = 0m,
        int? lastShipmentDaysAgo = 1, int? firstMovementDaysAgo = 200, int? maxCoverDays = null) =>
        new(onHand, available, reorderPoint, mean, backordered,
            lastShipmentDaysAgo is { } l ? Today.AddDays(-l) : null, firstMovementDaysAgo is { } f ? Today.AddDays(-f) : null, maxCoverDays);

    private static List<StockAlertKind> Kinds(StockPosition position, AlertThresholds? thresholds = null) =>
        [.. AlertRules.Evaluate(position, thresholds ?? Defaults, Today).Select(c => c.Kind)];

    [Fact]
    public void Evaluate_HealthyStock_RaisesNothing()
    {
        Assert.Empty(Kinds(Position()));
    }

    [Fact]
    public void Evaluate_AvailableBelowReorderPoint_IsLowStock()
    {
        Assert.Equal([StockAlertKind.LowStock], Kinds(Position(onHand: 30m, available: 19m)));
    }

    [Fact]
    public void Evaluate_AvailableAtReorderPoint_IsNotLowStock()
    {
        Assert.Empty(Kinds(Position(onHand: 30m, available: 20m)));
    }

    [Fact]
    public void Evaluate_NoReorderPointYet_IsNeverLowStock()
    {
        Assert.Empty(Kinds(Position(onHand: 1m, available: 1m, reorderPoint: null)));
    }

    [Fact]
    public void Evaluate_NothingAvailableWithDemand_IsStockOutAndLowStock()
    {
        Assert.Equal([StockAlertKind.LowStock, StockAlertKind.StockOut], Kinds(Position(onHand: 5m, available: 0m)));
    }

    [Fact]
    public void Evaluate_NothingAvailableWithBackordersButNoHistory_IsStockOut()
    {
        Assert.Equal([StockAlertKind.StockOut], Kinds(Position(onHand: 0m, available: 0m, reorderPoint: 0m, mean: 0m, backordered: 3m)));
    }

    [Fact]
    public void Evaluate_NothingAvailableAndNobodyWantsIt_IsNoStockOut()
    {
        Assert.Empty(Kinds(Position(onHand: 0m, available: 0m, reorderPoint: 0m, mean: 0m)));
    }

    [Fact]
    public void Evaluate_CoverAboveDefault_IsExcess_WithTheCoverDays()
    {
        var conditions = AlertRules.Evaluate(Position(onHand: 1300m, available: 1250m, mean: 10m), Defaults, Today);

        var excess = Assert.Single(conditions);
        Assert.Equal((StockAlertKind.Excess, 130.0m, 1300m, 1250m, 10m), (excess.Kind, excess.CoverDays, excess.OnHand, excess.Available, excess.MeanDailyDemand));
    }

    [Fact]
    public void Evaluate_CoverAtThreshold_IsNotExcess()
    {
        Assert.Empty(Kinds(Position(onHand: 1200m, available: 1200m, mean: 10m)));
    }

    [Fact]
    public void Evaluate_PolicyMaxCover_OverridesTheDefault()
    {
        Assert.Equal([StockAlertKind.Excess], Kinds(Position(onHand: 310m, available: 310m, mean: 10m, maxCoverDays: 30)));
        Assert.Empty(Kinds(Position(onHand: 1300m, available: 1300m, mean: 10m, maxCoverDays: 200)));
    }

    [Fact]
    public void Evaluate_NoDemand_IsNotExcess_ButSlowOnceIdleLongEnough()
    {
        Assert.Equal([StockAlertKind.SlowMover], Kinds(Position(onHand: 500m, available: 500m, mean: 0m, lastShipmentDaysAgo: 100)));
    }

    [Theory]
    [InlineData(59, false)]
    [InlineData(60, true)]
    [InlineData(61, true)]
    public void Evaluate_NoShipmentForSlowMoverDays_IsSlowMover(int daysAgo, bool slow)
    {
        var conditions = AlertRules.Evaluate(Position(lastShipmentDaysAgo: daysAgo), Defaults, Today);

        Assert.Equal(slow, conditions.Any(c => c.Kind == StockAlertKind.SlowMover));
        if (slow)
        {
            Assert.Equal(Today.AddDays(-daysAgo), conditions.Single().LastSaleDate);
        }
    }

    [Fact]
    public void Evaluate_NeverShipped_CountsIdleDaysFromTheFirstMovement()
    {
        Assert.Empty(Kinds(Position(mean: 0m, lastShipmentDaysAgo: null, firstMovementDaysAgo: 10)));
        Assert.Equal([StockAlertKind.SlowMover], Kinds(Position(mean: 0m, lastShipmentDaysAgo: null, firstMovementDaysAgo: 60)));
    }

    [Fact]
    public void Evaluate_NothingOnHand_IsNoSlowMover()
    {
        Assert.Empty(Kinds(Position(onHand: 0m, available: 0m, reorderPoint: 0m, mean: 0m, lastShipmentDaysAgo: 300)));
    }

    [Fact]
    public void Evaluate_CustomThresholds_AreHonoured()
    {
        var strict = new AlertThresholds(ExcessCoverDays: 20, SlowMoverDays: 5);

        Assert.Equal([StockAlertKind.Excess, StockAlertKind.SlowMover], Kinds(Position(onHand: 50m, available: 50m, mean: 2m, lastShipmentDaysAgo: 5), strict));
    }

    [Fact]
    public void CoverDays_RoundsToOneDecimal_AndIsNullWithoutDemand()
    {
        Assert.Equal(33.3m, AlertRules.CoverDays(100m, 3m));
        Assert.Null(AlertRules.CoverDays(100m, 0m));
    }
}

public sealed class StockAlertTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 31, 2, 0, 0, TimeSpan.Zero);

    private static AlertCondition Low(decimal available) =>
        new(StockAlertKind.LowStock, 10m, available, 20m, 1m, 10m, new DateOnly(2026, 3, 30), 0m);

    [Fact]
    public void Refresh_WhileOpen_TakesTheLatestNumbers()
    {
        var alert = new StockAlert(Guid.NewGuid(), Guid.NewGuid(), Low(5m), At);

        alert.Refresh(Low(3m));

        Assert.Equal((3m, true, At), (alert.Available, alert.IsOpen, alert.RaisedAt));
    }

    [Fact]
    public void Clear_Twice_IsAnIllegalTransition()
    {
        var alert = new StockAlert(Guid.NewGuid(), Guid.NewGuid(), Low(5m), At);
        alert.Clear(At.AddHours(1));

        Assert.Throws<IllegalTransitionException>(() => alert.Clear(At.AddHours(2)));
        Assert.Throws<IllegalTransitionException>(() => alert.Refresh(Low(1m)));
        Assert.Equal(At.AddHours(1), alert.ClearedAt);
    }

    [Fact]
    public void Refresh_WithAnotherKind_Throws()
    {
        var alert = new StockAlert(Guid.NewGuid(), Guid.NewGuid(), Low(5m), At);

        Assert.Throws<ArgumentException>(() => alert.Refresh(Low(5m) with { Kind = StockAlertKind.Excess }));
    }
}

public sealed class StockPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void New_IsComputedVersionOne_WithNothingInForceBeforeAComputation()
    {
        var policy = new StockPolicy(Guid.NewGuid(), Guid.NewGuid(), Now);

        Assert.Equal((StockPolicyMode.Computed, 1, (decimal?)null, (decimal?)null), (policy.Mode, policy.Version, policy.SafetyStock, policy.ReorderPoint));
    }

    [Fact]
    public void SetManual_PutsTheManualNumbersInForce_OverTheComputation()
    {
        var policy = new StockPolicy(Guid.NewGuid(), Guid.NewGuid(), Now);
        policy.RecordComputation(new SafetyStockResult(90, 40, 3m, 1m, 14, 0.95m, 1.6449m, 7m, 49m), null, Now);

        policy.SetManual(10m, 60m, maxCoverDays: 45, serviceLevel: null, wholeUnits: true, Now);

        Assert.Equal((StockPolicyMode.Manual, 10m, 60m, 45), (policy.Mode, policy.SafetyStock, policy.ReorderPoint, policy.MaxCoverDays));
        Assert.Equal(49m, policy.LastComputation!.ReorderPoint);
    }

    [Fact]
    public void SetComputed_DropsTheManualNumbers()
    {
        var policy = new StockPolicy(Guid.NewGuid(), Guid.NewGuid(), Now);
        policy.SetManual(10m, 60m, null, null, wholeUnits: true, Now);
        policy.RecordComputation(new SafetyStockResult(90, 40, 3m, 1m, 14, 0.95m, 1.6449m, 7m, 49m), Guid.NewGuid(), Now);

        policy.SetComputed(maxCoverDays: null, serviceLevel: 0.99m, Now);

        Assert.Equal((StockPolicyMode.Computed, (decimal?)null, 7m, 49m, 0.99m),
            (policy.Mode, policy.ManualSafetyStock, policy.SafetyStock, policy.ReorderPoint, policy.ServiceLevel));
    }

    [Theory]
    [InlineData(-1, 5, "safetyStock", "InvalidQuantity")]
    [InlineData(1.5, 5, "safetyStock", "FractionalQuantity")]
    [InlineData(5, 4, "reorderPoint", "ReorderPointBelowSafetyStock")]
    [InlineData(1, 2.0001, "reorderPoint", "InvalidQuantity")]
    public void SetManual_BadNumbers_AreRefused_AndNothingChanges(double safetyStock, double reorderPoint, string field, string code)
    {
        var policy = new StockPolicy(Guid.NewGuid(), Guid.NewGuid(), Now);

        var error = Assert.Throws<RuleViolationException>(() => policy.SetManual((decimal)safetyStock, (decimal)reorderPoint, null, null, wholeUnits: true, Now));

        Assert.Contains(error.Violations, v => v.Field == field && v.Code == code);
        Assert.Equal(StockPolicyMode.Computed, policy.Mode);
    }

    [Fact]
    public void SetManual_FractionalProduct_TakesThousandths()
    {
        var policy = new StockPolicy(Guid.NewGuid(), Guid.NewGuid(), Now);

        policy.SetManual(1.25m, 3.125m, null, null, wholeUnits: false, Now);

        Assert.Equal((1.25m, 3.125m), (policy.SafetyStock, policy.ReorderPoint));
    }

    [Theory]
    [InlineData(0, null, "maxCoverDays")]
    [InlineData(3651, null, "maxCoverDays")]
    [InlineData(null, 0.4, "serviceLevel")]
    [InlineData(null, 1.0, "serviceLevel")]
    public void SetComputed_OverridesOutOfRange_AreRefused(int? maxCoverDays, double? serviceLevel, string field)
    {
        var policy = new StockPolicy(Guid.NewGuid(), Guid.NewGuid(), Now);

        var error = Assert.Throws<RuleViolationException>(() => policy.SetComputed(maxCoverDays, (decimal?)serviceLevel, Now));

        Assert.Equal((field, "OutOfRange"), (error.Violations[0].Field, error.Code));
    }
}
