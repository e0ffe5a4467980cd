namespace Orderly.Domain.Forecasting;

/// <summary>
/// Additive Holt-Winters exponential smoothing with a damped trend (ETS(A,Ad,A), or ETS(A,Ad,N) with less than two
/// seasons of history or when the seasonal terms do not earn their keep). The smoothing parameters are chosen from a
/// small grid by the one-step-ahead squared error: a grid of 30-90 points is enough for weekly demand and keeps a
/// fit allocation-free and to a few tens of microseconds, so every product can be backtested in seconds.
/// </summary>
public static class HoltWinters
{
    private static readonly double[] Alphas = [0.05, 0.15, 0.3, 0.5, 0.8];
    private static readonly double[] Betas = [0.01, 0.05, 0.15];
    private static readonly double[] Phis = [0.9, 0.98];
    private static readonly double[] Gammas = [0.05, 0.15, 0.3];

    /// <summary>Seasonal terms are kept only when they cut the one-step squared error by this share or more.</summary>
    private const double SeasonalGain = 0.9;

    /// <summary>Longest season the fit keeps on the stack (a year of weeks fits many times).</summary>
    public const int MaxSeason = 366;

    public static void Forecast(ReadOnlySpan<double> history, int season, Span<double> forecast)
    {
        var n = history.Length;
        if (n < 3)
        {
            SimpleMethods.Naive(history, forecast);
            return;
        }

        var seasonal = season is > 1 and <= MaxSeason && n >= 2 * season;
        Span<double> s = stackalloc double[seasonal ? season : 1];
        var from = seasonal ? season : 1;
        var best = Fit(history, season: 1, from, s);
        if (seasonal)
        {
            var withSeason = Fit(history, season, from, s);
            if (withSeason.Sse < SeasonalGain * best.Sse)
            {
                best = withSeason;
            }
        }

        var (level, trend) = Run(history, best.Season, best.Alpha, best.Beta, best.Gamma, best.Phi, from, s, out _);
        var damp = 0d;
        var phiPower = 1d;
        for (var h = 0; h < forecast.Length; h++)
        {
            phiPower *= best.Phi;
            damp += phiPower;
            forecast[h] = level + (damp * trend) + (best.Season > 1 ? s[(n + h) % best.Season] : 0);
        }
    }

    private static Parameters Fit(ReadOnlySpan<double> y, int season, int from, Span<double> s)
    {
        var best = new Parameters(season, 0, 0, 0, 1, double.PositiveInfinity);
        var gammas = season > 1 ? Gammas : [0d];
        foreach (var alpha in Alphas)
        {
            foreach (var beta in Betas)
            {
                foreach (var phi in Phis)
                {
                    foreach (var gamma in gammas)
                    {
                        Run(y, season, alpha, beta, gamma, phi, from, s, out var sse);
                        if (sse < best.Sse)
                        {
                            best = new Parameters(season, alpha, beta, gamma, phi, sse);
                        }
                    }
                }
            }
        }

        return best;
    }

    /// <summary>
    /// Runs the recursions over the history and returns the final level and trend (the seasonal terms are left in
    /// <paramref name="s"/>, indexed by week modulo the season) and the squared one-step errors from <paramref name="from"/>.
    /// </summary>
    private static (double Level, double Trend) Run(
        ReadOnlySpan<double> y, int season, double alpha, double beta, double gamma, double phi, int from, Span<double> s, out double sse)
    {
        double level, trend;
        if (season > 1)
        {
            var first = Mean(y[..season]);
            trend = (Mean(y.Slice(season, season)) - first) / season;
            level = first + (trend * (season - 1) / 2);
            for (var i = 0; i < season; i++)
            {
                s[i] = y[i] - (first + (trend * (i - ((season - 1) / 2d))));
            }
        }
        else
        {
            var k = Math.Min(4, y.Length / 2);
            trend = (Mean(y.Slice(k, k)) - Mean(y[..k])) / k;
            level = Mean(y[..k]) + (trend * (k - 1) / 2);
            level += trend * (from - k);
            s[0] = 0;
        }

        sse = 0;
        var start = season > 1 ? season : from;
        for (var t = start; t < y.Length; t++)
        {
            var seasonalTerm = season > 1 ? s[t % season] : 0;
            var predicted = level + (phi * trend) + seasonalTerm;
            var error = y[t] - predicted;
            if (t >= from)
            {
                sse += error * error;
            }

            var previousLevel = level;
            var previousTrend = trend;
            level = (alpha * (y[t] - seasonalTerm)) + ((1 - alpha) * (level + (phi * trend)));
            trend = (beta * (level - previousLevel)) + ((1 - beta) * phi * previousTrend);
            if (season > 1)
            {
                s[t % season] = (gamma * (y[t] - previousLevel - (phi * previousTrend))) + ((1 - gamma) * seasonalTerm);
            }
        }

        return (level, trend);
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0d;
        foreach (var v in values)
        {
            sum += v;
        }

        return values.Length == 0 ? 0 : sum / values.Length;
    }

    private readonly record struct Parameters(int Season, double Alpha, double Beta, double Gamma, double Phi, double Sse);
}
