namespace Orderly.Domain.Forecasting;

/// <summary>
/// How one method did in a rolling-origin backtest of one series (or summed over many).
/// WAPE = sum |forecast - actual| / sum actual; bias = sum (forecast - actual) / sum actual (positive: over-forecast);
/// MASE = mean |error| / mean |one-step naive error| of the training history (below 1 beats the naive method).
/// </summary>
public sealed record MethodAccuracy(ForecastMethod Method, int Points, double AbsoluteError, double Error, double SquaredError, double Actual, double Mase)
{
    public double? Wape => Actual > 0 ? AbsoluteError / Actual : null;

    public double? Bias => Actual > 0 ? Error / Actual : null;

    public double Rmse => Points == 0 ? 0 : Math.Sqrt(SquaredError / Points);
}
