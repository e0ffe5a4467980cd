using Orderly.Domain.Inventory;

namespace Orderly.Domain.Forecasting;

/// <summary>
/// Forecasts a demand series with the method that did best in a rolling-origin backtest: from each of the last few
/// origins every candidate is fitted on the history before it and forecasts the next periods, which are compared with
/// what happened. Intermittent series (Syntetos-Boylan ADI above 1.32) are contested by the baselines and Croston's
/// family; the others by the baselines, seasonal naive and Holt-Winters. The winner is picked by the squared error
/// (RMSE), not the absolute error: on intermittent demand the absolute error favours forecasting zero. The
/// prediction interval is normal with the backtest's RMSE at each step ahead (non-decreasing with the step).
/// </summary>
public static class DemandForecaster
{
    private static readonly ForecastMethod[] Regular = [ForecastMethod.Naive, ForecastMethod.MovingAverage, ForecastMethod.SeasonalNaive, ForecastMethod.HoltWinters];
    private static readonly ForecastMethod[] RegularShort = [ForecastMethod.Naive, ForecastMethod.MovingAverage, ForecastMethod.HoltWinters];
    private static readonly ForecastMethod[] Sparse = [ForecastMethod.Naive, ForecastMethod.MovingAverage, ForecastMethod.Sba, ForecastMethod.Croston];

    /// <summary>The most candidates a series has, for stack buffers.</summary>
    private const int MaxCandidates = 4;

    public static SeriesForecast Forecast(ReadOnlySpan<double> history, int horizon, ForecastSettings? settings = null)
    {
        settings ??= ForecastSettings.Default;
        horizon = Math.Clamp(horizon, 1, ForecastSettings.MaxHorizon);
        var n = history.Length;
        var intermittent = IsIntermittent(history, settings.IntermittentInterval);
        var h = settings.BacktestHorizon;
        var origins = Math.Min(settings.BacktestOrigins, n - h - settings.MinTraining + 1);
        var candidates = Candidates(intermittent, n - h - origins + 1, settings);
        var z = SafetyStock.InverseStandardNormal(0.5 + (settings.IntervalLevel / 2));
        var forecast = new double[horizon];
        var low = new double[horizon];
        var high = new double[horizon];

        if (origins <= 0)
        {
            // Too short to backtest: the mean of what there is, with the spread of what there is.
            var method = intermittent ? ForecastMethod.Sba : ForecastMethod.MovingAverage;
            Predict(method, history, forecast, settings);
            var sigma = StandardDeviation(history);
            for (var i = 0; i < horizon; i++)
            {
                low[i] = Math.Max(0, forecast[i] - (z * sigma));
                high[i] = forecast[i] + (z * sigma);
            }

            return new SeriesForecast(method, forecast, low, high, intermittent, [], sigma);
        }

        Span<double> work = stackalloc double[h];
        Span<double> totals = stackalloc double[MaxCandidates * 4];
        Span<double> stepSquares = stackalloc double[MaxCandidates * h];
        totals.Clear();
        stepSquares.Clear();
        var firstOrigin = n - h - origins + 1;
        var scale = NaiveScale(history[..firstOrigin]);
        for (var o = firstOrigin; o <= n - h; o++)
        {
            var actual = history.Slice(o, h);
            for (var c = 0; c < candidates.Length; c++)
            {
                Predict(candidates[c], history[..o], work, settings);
                for (var k = 0; k < h; k++)
                {
                    var error = work[k] - actual[k];
                    totals[(c * 4) + 0] += Math.Abs(error);
                    totals[(c * 4) + 1] += error;
                    totals[(c * 4) + 2] += error * error;
                    totals[(c * 4) + 3] += actual[k];
                    stepSquares[(c * h) + k] += error * error;
                }
            }
        }

        var points = origins * h;
        var accuracy = new MethodAccuracy[candidates.Length];
        var best = 0;
        for (var c = 0; c < candidates.Length; c++)
        {
            var mase = scale > 0 ? totals[c * 4] / points / scale : double.NaN;
            accuracy[c] = new MethodAccuracy(candidates[c], points, totals[c * 4], totals[(c * 4) + 1], totals[(c * 4) + 2], totals[(c * 4) + 3], mase);
            if (totals[(c * 4) + 2] < totals[(best * 4) + 2])
            {
                best = c;
            }
        }

        // Parsimony: the simplest candidate whose RMSE is within the tolerance of the best one's.
        var limit = accuracy[best].Rmse * (1 + settings.Tolerance);
        var chosen = accuracy.First(a => a.Rmse <= limit);
        var index = Array.IndexOf(candidates, chosen.Method);
        Predict(chosen.Method, history, forecast, settings);

        var running = 0d;
        var growsBeyond = chosen.Method is ForecastMethod.Naive or ForecastMethod.HoltWinters;
        for (var i = 0; i < horizon; i++)
        {
            double sigma;
            if (i < h)
            {
                running = Math.Max(running, Math.Sqrt(stepSquares[(index * h) + i] / origins));
                sigma = running;
            }
            else
            {
                sigma = growsBeyond ? running * Math.Sqrt((i + 1d) / h) : running;
            }

            low[i] = Math.Max(0, forecast[i] - (z * sigma));
            high[i] = forecast[i] + (z * sigma);
        }

        var oneStep = Math.Sqrt(stepSquares[index * h] / origins);
        Span<double> last = stackalloc double[1];
        Predict(chosen.Method, history[..^1], last, settings);
        return new SeriesForecast(chosen.Method, forecast, low, high, intermittent, accuracy, oneStep)
        {
            LastPeriod = new PeriodCheck(history[^1], last[0], last[0] + (z * oneStep)),
        };
    }

    /// <summary>Forecasts <paramref name="output"/>.Length periods ahead with one method.</summary>
    public static void Predict(ForecastMethod method, ReadOnlySpan<double> history, Span<double> output, ForecastSettings settings)
    {
        switch (method)
        {
            case ForecastMethod.Naive:
                SimpleMethods.Naive(history, output);
                break;
            case ForecastMethod.MovingAverage:
                SimpleMethods.MovingAverage(history, settings.MovingAverageWindow, output);
                break;
            case ForecastMethod.SeasonalNaive:
                SimpleMethods.SeasonalNaive(history, settings.SeasonLength, output);
                break;
            case ForecastMethod.Sba:
                Croston.Forecast(history, Croston.DefaultAlpha, syntetosBoylan: true, output);
                break;
            case ForecastMethod.Croston:
                Croston.Forecast(history, Croston.DefaultAlpha, syntetosBoylan: false, output);
                break;
            case ForecastMethod.HoltWinters:
                HoltWinters.Forecast(history, settings.SeasonLength, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown forecasting method.");
        }

        // Demand is never negative; a falling trend stops at zero.
        foreach (ref var value in output)
        {
            value = Math.Max(0, value);
        }
    }

    /// <summary>Average demand interval above the threshold: fewer periods with demand than 1 in <paramref name="threshold"/>.</summary>
    public static bool IsIntermittent(ReadOnlySpan<double> history, double threshold)
    {
        var withDemand = 0;
        foreach (var y in history)
        {
            if (y > 0)
            {
                withDemand++;
            }
        }

        return withDemand > 0 && history.Length / (double)withDemand > threshold;
    }

    /// <summary>Seasonal naive competes only when even the earliest origin has a season of history behind it.</summary>
    private static ForecastMethod[] Candidates(bool intermittent, int firstTraining, ForecastSettings settings) =>
        intermittent ? Sparse : firstTraining >= settings.SeasonLength ? Regular : RegularShort;

    /// <summary>Mean absolute one-step change of the training history: MASE's yardstick.</summary>
    private static double NaiveScale(ReadOnlySpan<double> history)
    {
        var sum = 0d;
        for (var t = 1; t < history.Length; t++)
        {
            sum += Math.Abs(history[t] - history[t - 1]);
        }

        return history.Length < 2 ? 0 : sum / (history.Length - 1);
    }

    private static double StandardDeviation(ReadOnlySpan<double> values)
    {
        if (values.Length < 2)
        {
            return values.Length == 1 ? values[0] : 0;
        }

        var mean = 0d;
        foreach (var v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        var sum = 0d;
        foreach (var v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return Math.Sqrt(sum / (values.Length - 1));
    }
}
