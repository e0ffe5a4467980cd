namespace Orderly.Domain.Forecasting;

/// <summary>A series' forecast by the method its backtest chose, with prediction intervals and every method's backtest.</summary>
/// <param name="Method">The chosen method.</param>
/// <param name="Forecast">Point forecast per future period.</param>
/// <param name="Low">Lower end of the prediction interval (never below 0).</param>
/// <param name="High">Upper end of the prediction interval.</param>
/// <param name="Intermittent">Demand in fewer than 1 of 1.32 periods on average: Croston's family competes instead of Holt-Winters.</param>
/// <param name="Accuracy">Each candidate's backtest, in method order; empty when the history is too short to backtest.</param>
/// <param name="OneStepSigma">Root mean squared one-step-ahead error of the chosen method in the backtest.</param>
public sealed record SeriesForecast(
    ForecastMethod Method, double[] Forecast, double[] Low, double[] High, bool Intermittent,
    IReadOnlyList<MethodAccuracy> Accuracy, double OneStepSigma)
{
    public MethodAccuracy? Chosen => Accuracy.FirstOrDefault(a => a.Method == Method);

    /// <summary>The latest period against what the chosen method expected of it the period before; null without a backtest.</summary>
    public PeriodCheck? LastPeriod { get; init; }
}

/// <summary>One period's actual demand against its one-step-ahead forecast and the interval's upper end.</summary>
public sealed record PeriodCheck(double Actual, double Expected, double High)
{
    /// <summary>Demand above the prediction interval: a spike worth a look (a big order, a promotion, a data error).</summary>
    public bool IsSpike => Actual > High && Actual > Expected;
}
