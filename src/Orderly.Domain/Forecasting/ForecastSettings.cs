namespace Orderly.Domain.Forecasting;

/// <summary>How series are forecast and backtested.</summary>
/// <param name="SeasonLength">Periods in a season: 52 weeks in a year.</param>
/// <param name="MovingAverageWindow">Periods the moving average looks back.</param>
/// <param name="BacktestOrigins">Rolling origins of the backtest (fewer when the history is short).</param>
/// <param name="BacktestHorizon">Periods forecast from each origin and compared with what happened.</param>
/// <param name="MinTraining">Fewest periods a method is fitted on in the backtest.</param>
/// <param name="IntervalLevel">Nominal coverage of the prediction interval, e.g. 0.8.</param>
/// <param name="IntermittentInterval">Average demand interval (ADI) above which a series is intermittent (Syntetos-Boylan's 1.32).</param>
/// <param name="Tolerance">A simpler method is kept when its backtest RMSE is within this share of the best one.</param>
public sealed record ForecastSettings(
    int SeasonLength = 52,
    int MovingAverageWindow = 4,
    int BacktestOrigins = 10,
    int BacktestHorizon = 8,
    int MinTraining = 8,
    double IntervalLevel = 0.8,
    double IntermittentInterval = 1.32,
    double Tolerance = 0.01)
{
    public static ForecastSettings Default { get; } = new();

    /// <summary>The most periods a forecast reaches ahead.</summary>
    public const int MaxHorizon = 104;
}
