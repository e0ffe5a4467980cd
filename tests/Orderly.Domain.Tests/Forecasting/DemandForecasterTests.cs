using Orderly.Domain.Forecasting;

namespace Orderly.Domain.Tests.Forecasting;

public sealed class DemandForecasterTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Forecast_WhenTrendAndSeasonality_ChoosesHoltWinters(int seed)
    {
        var history = Series.Seasonal(156, level: 200, trend: 1.5, amplitude: 60, noise: 8, seed);

        var result = DemandForecaster.Forecast(history, 13);

        Assert.Equal(ForecastMethod.HoltWinters, result.Method);
        var seasonalNaive = result.Accuracy.Single(a => a.Method == ForecastMethod.SeasonalNaive);
        Assert.True(result.Chosen!.Rmse < 0.6 * seasonalNaive.Rmse, $"HW {result.Chosen.Rmse} vs seasonal naive {seasonalNaive.Rmse}");
        // The next quarter follows the wave: 156 weeks in is the start of a season, the level about 200 + 1.5 x 156.
        var truth = Series.Seasonal(169, 200, 1.5, 60, 0, seed)[156..];
        for (var h = 0; h < 13; h++)
        {
            Assert.InRange(result.Forecast[h], truth[h] - 40, truth[h] + 40);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Forecast_WhenSeasonalWithOneSeasonOfHistory_ChoosesSeasonalNaive(int seed)
    {
        // 80 weeks: a season for seasonal naive, too few (two seasons) for Holt-Winters to fit seasonality.
        var history = Series.Seasonal(80, level: 300, trend: 0, amplitude: 100, noise: 5, seed);

        var result = DemandForecaster.Forecast(history, 8);

        Assert.Equal(ForecastMethod.SeasonalNaive, result.Method);
        Assert.Equal(history[80 - 52], result.Forecast[0], 6);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Forecast_WhenIntermittent_ChoosesCrostonsFamily(int seed)
    {
        var history = Series.Intermittent(104, every: 4, maxSize: 20, seed);

        var result = DemandForecaster.Forecast(history, 8);

        Assert.True(result.Intermittent);
        Assert.Contains(result.Method, new[] { ForecastMethod.Sba, ForecastMethod.Croston });
        Assert.DoesNotContain(result.Accuracy, a => a.Method == ForecastMethod.HoltWinters);
        // The rate is about 10.5 units in one week of four.
        Assert.InRange(result.Forecast[0], 1.0, 5.0);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    public void Forecast_WhenRandomWalk_ChoosesNaive(int seed)
    {
        var history = Series.RandomWalk(120, start: 500, step: 40, seed);

        var result = DemandForecaster.Forecast(history, 4);

        Assert.Equal(ForecastMethod.Naive, result.Method);
        Assert.Equal(history[^1], result.Forecast[3], 6);
    }

    [Fact]
    public void Forecast_IntervalsCoverAboutTheirNominalRate()
    {
        var inside = 0;
        var total = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var series = Series.Seasonal(112, level: 100, trend: 0, amplitude: 0, noise: 10, seed);
            var result = DemandForecaster.Forecast(series.AsSpan(0, 104), 8);
            for (var h = 0; h < 8; h++)
            {
                total++;
                inside += series[104 + h] >= result.Low[h] && series[104 + h] <= result.High[h] ? 1 : 0;
            }
        }

        // 80% nominal; with ten origins per series the interval is estimated, not known.
        Assert.InRange(inside / (double)total, 0.72, 0.88);
    }

    [Fact]
    public void Forecast_ReportsBacktestErrorsAsHandComputed()
    {
        var settings = new ForecastSettings(BacktestOrigins: 2, BacktestHorizon: 1, MinTraining: 2);

        var result = DemandForecaster.Forecast([1, 2, 4, 8], 1, settings);

        // Origins at week 2 and 3: naive says 2 (was 4) and 4 (was 8): |error| 6, error -6, actual 12;
        // the yardstick is the naive one-step error of weeks 0-1: 1, so MASE = 3.
        var naive = result.Accuracy.Single(a => a.Method == ForecastMethod.Naive);
        Assert.Equal(2, naive.Points);
        Assert.Equal(0.5, naive.Wape!.Value, 9);
        Assert.Equal(-0.5, naive.Bias!.Value, 9);
        Assert.Equal(3, naive.Mase, 9);
        // Moving average of 4 weeks: 1.5 (was 4) and 7/3 (was 8).
        var average = result.Accuracy.Single(a => a.Method == ForecastMethod.MovingAverage);
        Assert.Equal((2.5 + (8 - (7 / 3d))) / 12, average.Wape!.Value, 9);
    }

    [Fact]
    public void Forecast_WhenTooShortToBacktest_AveragesWithoutAccuracy()
    {
        var result = DemandForecaster.Forecast([4, 6], 3);

        Assert.Equal(ForecastMethod.MovingAverage, result.Method);
        Assert.Empty(result.Accuracy);
        Assert.Equal([5d, 5d, 5d], result.Forecast);
        Assert.All(result.Low, l => Assert.True(l >= 0));
    }

    [Fact]
    public void Forecast_NeverNegative_EvenOnAFallingTrend()
    {
        var history = Enumerable.Range(0, 60).Select(t => Math.Max(0, 120 - (2.0 * t))).ToArray();

        var result = DemandForecaster.Forecast(history, 26);

        Assert.All(result.Forecast, f => Assert.True(f >= 0));
        Assert.All(result.Low, f => Assert.True(f >= 0));
    }

    [Fact]
    public void Croston_OnHandComputedSeries()
    {
        Span<double> forecast = stackalloc double[1];

        // Start: size 5 (mean of 6 and 4), interval 3 (6 periods / 2 demands). Demand 6 after 2 periods: size 5.5,
        // interval 2.5; demand 4 after 3: size 4.75, interval 2.75. Rate 4.75 / 2.75; SBA x (1 - 0.25).
        Croston.Forecast([0, 6, 0, 0, 4, 0], 0.5, syntetosBoylan: false, forecast);
        Assert.Equal(4.75 / 2.75, forecast[0], 9);
        Croston.Forecast([0, 6, 0, 0, 4, 0], 0.5, syntetosBoylan: true, forecast);
        Assert.Equal(0.75 * 4.75 / 2.75, forecast[0], 9);
    }
}

public sealed class SpikeTests
{
    [Fact]
    public void Forecast_FlagsTheLatestWeekWhenFarAboveItsInterval()
    {
        var steady = Series.Seasonal(60, level: 100, trend: 0, amplitude: 0, noise: 5, seed: 11);
        var spiked = steady.ToArray();
        spiked[^1] = 200;

        Assert.False(DemandForecaster.Forecast(steady, 4).LastPeriod!.IsSpike);
        var check = DemandForecaster.Forecast(spiked, 4).LastPeriod!;
        Assert.True(check.IsSpike);
        Assert.Equal(200, check.Actual);
        Assert.InRange(check.Expected, 90, 110);
    }
}
