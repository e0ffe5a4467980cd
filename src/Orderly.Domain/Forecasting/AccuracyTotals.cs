namespace Orderly.Domain.Forecasting;

/// <summary>
/// Backtest errors summed over many series: WAPE and bias weighted by volume (sum over sum), MASE the mean of the
/// series' MASE (each series scaled by its own naive error, so big and small sellers weigh alike).
/// </summary>
public sealed class AccuracyTotals
{
    public int Series { get; private set; }
    public long Points { get; private set; }
    public double AbsoluteError { get; private set; }
    public double Error { get; private set; }
    public double Actual { get; private set; }
    public double MaseSum { get; private set; }
    public int MaseSeries { get; private set; }

    public double? Wape => Actual > 0 ? AbsoluteError / Actual : null;

    public double? Bias => Actual > 0 ? Error / Actual : null;

    public double? Mase => MaseSeries > 0 ? MaseSum / MaseSeries : null;

    public void Add(MethodAccuracy accuracy)
    {
        Series++;
        Points += accuracy.Points;
        AbsoluteError += accuracy.AbsoluteError;
        Error += accuracy.Error;
        Actual += accuracy.Actual;
        if (double.IsFinite(accuracy.Mase))
        {
            MaseSum += accuracy.Mase;
            MaseSeries++;
        }
    }

    public void Add(AccuracyTotals other)
    {
        Series += other.Series;
        Points += other.Points;
        AbsoluteError += other.AbsoluteError;
        Error += other.Error;
        Actual += other.Actual;
        MaseSum += other.MaseSum;
        MaseSeries += other.MaseSeries;
    }
}
