namespace Orderly.Domain.Forecasting;

/// <summary>
/// Croston's method for intermittent demand: the size of the non-zero demands and the number of weeks between them
/// are smoothed separately and the forecast rate is size / interval. Croston's rate is biased upwards;
/// Syntetos and Boylan's approximation multiplies it by (1 - alpha / 2).
/// </summary>
public static class Croston
{
    public const double DefaultAlpha = 0.1;

    public static void Forecast(ReadOnlySpan<double> history, double alpha, bool syntetosBoylan, Span<double> forecast)
    {
        double size = 0, interval = 0;
        var seen = false;
        var sinceLast = 1;
        foreach (var y in history)
        {
            if (y > 0)
            {
                if (!seen)
                {
                    size = y;
                    interval = sinceLast;
                    seen = true;
                }
                else
                {
                    size += alpha * (y - size);
                    interval += alpha * (sinceLast - interval);
                }

                sinceLast = 1;
            }
            else
            {
                sinceLast++;
            }
        }

        var rate = seen ? size / interval : 0;
        forecast.Fill(syntetosBoylan ? rate * (1 - (alpha / 2)) : rate);
    }
}
