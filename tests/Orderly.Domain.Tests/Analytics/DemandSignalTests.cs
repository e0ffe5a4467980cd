using Orderly.Domain.Analytics;
using Orderly.Domain.Forecasting;
using Orderly.Domain.Tests.Forecasting;

namespace Orderly.Domain.Tests.Analytics;

/// <summary>Each week of a synthetic series checked against the forecast from the weeks before it, as the weekly job does.</summary>
public sealed class DemandSignalTests
{
    private static readonly ForecastSettings Settings = ForecastSettings.Default with { IntervalLevel = 0.99 };

    /// <summary>The signal of every week as the weekly job finds them: each week against the history before it.</summary>
    private static List<(int Week, DemandSignalKind Kind)> Signals(double[] series, char abc, DemandSignalRules? rules = null)
    {
        rules ??= DemandSignalRules.Default;
        var signals = new List<(int, DemandSignalKind)>();
        for (var week = 1; week < series.Length; week++)
        {
            if (DemandSignals.Check(series.AsSpan(0, week), series[week], abc, rules, Settings) is { Kind: { } kind })
            {
                signals.Add((week, kind));
            }
        }

        return signals;
    }

    private static double[] Flat(int weeks, int seed)
    {
        // Level 100 with noise of at most +-8 units: always inside a 99% interval of a flat series.
        var random = new Random(seed);
        return [.. Enumerable.Range(0, weeks).Select(_ => 100 + Math.Round((random.NextDouble() * 16) - 8))];
    }

    [Fact]
    public void KnownSpikeInWeek40_IsTheOnlySignal()
    {
        var series = Flat(60, seed: 7);
        series[40] = 180;

        Assert.Equal([(40, DemandSignalKind.Spike)], Signals(series, 'C'));
        Assert.Empty(Signals(series[..40], 'C'));
    }

    [Fact]
    public void KnownSpike_OnAnAItem_IsTheOnlySignal_TheWeekAfterIsNoDrop()
    {
        var series = Flat(60, seed: 11);
        series[40] = 180;

        Assert.Equal([(40, DemandSignalKind.Spike)], Signals(series, 'A'));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void FlatSeriesWithNoiseInsideTheInterval_RaisesNothing(int seed) =>
        Assert.Empty(Signals(Flat(80, seed), 'A'));

    [Fact]
    public void CheckReportsTheForecastAndItsInterval()
    {
        double[] before = [.. Enumerable.Repeat(10d, 20)];

        var check = DemandSignals.Check(before, 30, 'C', DemandSignalRules.Default, Settings)!;

        // A constant history: every method forecasts 10 with no backtest error, so the interval is [10, 10].
        Assert.Equal((DemandSignalKind.Spike, 10d, 10d, 10d), (check.Kind!.Value, check.Expected, check.Low, check.High));
    }

    [Fact]
    public void MinimumVolume_OneToThreeUnitsIsNoSpike()
    {
        // A slow item: 1 unit most weeks; then 3 units, far above its interval but below the minimum volume of 5.
        double[] before = [.. Enumerable.Repeat(1d, 30)];

        Assert.Null(DemandSignals.Check(before, 3, 'C', DemandSignalRules.Default, Settings)!.Kind);
        Assert.Equal(DemandSignalKind.Spike, DemandSignals.Check(before, 5, 'C', DemandSignalRules.Default, Settings)!.Kind);
        Assert.Equal(DemandSignalKind.Spike, DemandSignals.Check(before, 3, 'C', DemandSignalRules.Default with { MinVolume = 2 }, Settings)!.Kind);
    }

    [Fact]
    public void Drop_OnlyForTheDropClasses()
    {
        double[] before = [.. Enumerable.Repeat(50d, 30)];

        Assert.Equal(DemandSignalKind.Drop, DemandSignals.Check(before, 10, 'A', DemandSignalRules.Default, Settings)!.Kind);
        Assert.Equal(DemandSignalKind.Drop, DemandSignals.Check(before, 10, 'B', DemandSignalRules.Default, Settings)!.Kind);
        Assert.Null(DemandSignals.Check(before, 10, 'C', DemandSignalRules.Default, Settings)!.Kind);
    }

    [Fact]
    public void IntermittentDemand_ALumpNoBiggerThanBeforeIsNoSpike()
    {
        // A lump of 30 one week in ten: the normal interval's upper end is below 30 (forecast about 3, RMSE about 9),
        // but a lump of 30 is the pattern, not a surprise; the upper end is the history's largest week, 30.
        double[] before = [.. Enumerable.Range(0, 40).Select(w => w % 10 == 0 ? 30d : 0d)];

        var lump = DemandSignals.Check(before, 30, 'A', DemandSignalRules.Default, Settings)!;
        Assert.Null(lump.Kind);
        Assert.Equal(30d, lump.High);
        Assert.Equal(DemandSignalKind.Spike, DemandSignals.Check(before, 31, 'A', DemandSignalRules.Default, Settings)!.Kind);
    }

    [Fact]
    public void Clip_BoundsOutliersAtMedianPlusThreeScaledMads()
    {
        double[] series = [10, 12, 8, 10, 11, 9, 10, 60];

        DemandSignals.Clip(series);

        // Median 10, MAD 1: bound 10 + 3 x 1.4826 = 14.4478.
        Assert.Equal([10, 12, 8, 10, 11, 9, 10, 14.4478], series.Select(v => Math.Round(v, 4)));
    }

    [Fact]
    public void TooLittleHistory_IsNotJudged()
    {
        double[] before = [.. Enumerable.Repeat(5d, 15)];

        Assert.Null(DemandSignals.Check(before, 500, 'A', DemandSignalRules.Default, Settings));
        Assert.NotNull(DemandSignals.Check([.. before, 5], 500, 'A', DemandSignalRules.Default, Settings));
    }

    [Fact]
    public void SignalCarriesItsEvent()
    {
        var check = new DemandCheck(DemandSignalKind.Spike, 30, 10, 4, 16, ForecastMethod.MovingAverage);
        var signal = DemandSignal.Create(check, Guid.NewGuid(), null, new DateOnly(2026, 11, 23), 'A', DateTimeOffset.UnixEpoch);

        var e = Assert.IsType<DemandSpikeDetected>(signal.ToEvent());
        Assert.Equal((signal.Id, signal.ProductId, (Guid?)null, "2026-11-23", 30m, 10m, 16m, "MovingAverage"),
            (e.SignalId, e.ProductId, e.WarehouseId, e.WeekStart, e.Actual, e.Expected, e.High, e.Method));
        Assert.Equal(DemandSignal.AllWarehouses, signal.WarehouseId);
        Assert.Throws<ArgumentException>(() => DemandSignal.Create(check with { Kind = null }, Guid.NewGuid(), null, default, 'A', default));
    }
}
