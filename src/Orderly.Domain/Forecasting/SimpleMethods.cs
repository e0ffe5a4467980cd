namespace Orderly.Domain.Forecasting;

/// <summary>The baselines every other method must beat: naive, moving average and seasonal naive.</summary>
public static class SimpleMethods
{
    public static void Naive(ReadOnlySpan<double> history, Span<double> forecast) =>
        forecast.Fill(history.Length == 0 ? 0 : history[^1]);

    public static void MovingAverage(ReadOnlySpan<double> history, int window, Span<double> forecast)
    {
        var n = Math.Min(window, history.Length);
        var sum = 0d;
        for (var i = history.Length - n; i < history.Length; i++)
        {
            sum += history[i];
        }

        forecast.Fill(n == 0 ? 0 : sum / n);
    }

    /// <summary>Each future week repeats the same week a season before; with less than a season of history, naive.</summary>
    public static void SeasonalNaive(ReadOnlySpan<double> history, int season, Span<double> forecast)
    {
        if (history.Length < season)
        {
            Naive(history, forecast);
            return;
        }

        var start = history.Length - season;
        for (var h = 0; h < forecast.Length; h++)
        {
            forecast[h] = history[start + (h % season)];
        }
    }
}
