using System.Diagnostics;
using Orderly.Domain.Forecasting;
using Xunit.Abstractions;

namespace Orderly.Domain.Tests.Forecasting;

/// <summary>
/// A test-sized P15 run: 2,000 products of a year of dense weekly demand (the bench data set's shape), every one
/// backtested and forecast in parallel. It asserts the work, not the time (timing targets live in the bench); the
/// time is written to the test output.
/// </summary>
public sealed class ForecastScaleTests(ITestOutputHelper output)
{
    [Fact]
    public void Forecast_TwoThousandProducts_AllBacktested()
    {
        var series = Enumerable.Range(0, 2000).Select(i => Series.Seasonal(52, level: 400 + i, trend: 0.5, amplitude: 40, noise: 25, seed: i)).ToArray();
        var stopwatch = Stopwatch.StartNew();
        var results = new SeriesForecast[series.Length];
        Parallel.For(0, series.Length, i => results[i] = DemandForecaster.Forecast(series[i], 13));
        stopwatch.Stop();

        output.WriteLine($"2000 products x 52 weeks: {stopwatch.Elapsed.TotalMilliseconds:F0} ms on {Environment.ProcessorCount} cores");
        Assert.All(results, r => Assert.Equal(3, r.Accuracy.Count));
        Assert.All(results, r => Assert.Equal(80, r.Accuracy[0].Points));
    }
}
