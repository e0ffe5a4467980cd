namespace Orderly.Domain.Forecasting;

/// <summary>
/// Croston's method for intermittent demand: the size of the non-zero demands and the number of weeks between them
/// are smoothed separately and the forecast rate is size / interval. Croston's rate is biased upwards;
/// Syntetos and Boylan's approximation multiplies it by (1 - alpha / 2). Size and interval start at their averages
/// over the history: starting from the first demand alone (an interval of 1 when the history begins with it) made
/// the rate several times too high for many periods on sparse demand.
/// </summary>
public static class Croston
{
    public const double DefaultAlpha = 0.1;

    public static void Forecast(ReadOnlySpan<double> history, double alpha, bool syntetosBoylan, Span<double> forecast)
    {
        double total = 0;
        var demands = 0;
        foreach (var y in history)
        {
            if (y > 0)
            {
                total += y;
                demands++;
            }
        }

        if (demands == 0)
        {
            forecast.Clear();
            return;
        }

        var size = total / demands;
        var interval = history.Length / (double)demands;
        var sinceLast = 1;
        foreach (var y in history)
        {
            if (y > 0)
            {
                size += alpha * (y - size);
                interval += alpha * (sinceLast - interval);
                sinceLast = 1;
            }
            else
            {
                sinceLast++;
            }
        }

        var rate = size / interval;
        forecast.Fill(syntetosBoylan ? rate * (1 - (alpha / 2)) : rate);
    }
}
