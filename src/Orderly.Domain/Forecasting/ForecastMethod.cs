namespace Orderly.Domain.Forecasting;

/// <summary>The forecasting methods, simplest first: when two score alike the simpler one is chosen.</summary>
public enum ForecastMethod
{
    /// <summary>Next weeks = the last week.</summary>
    Naive,

    /// <summary>Next weeks = the mean of the last few weeks.</summary>
    MovingAverage,

    /// <summary>Next weeks = the same weeks one season (a year) before.</summary>
    SeasonalNaive,

    /// <summary>Syntetos-Boylan approximation: Croston with its bias taken out, for intermittent demand.</summary>
    Sba,

    /// <summary>Croston: demand size and interval between demands smoothed apart, for intermittent demand.</summary>
    Croston,

    /// <summary>Additive Holt-Winters exponential smoothing with a damped trend (and seasonality given two seasons of history).</summary>
    HoltWinters,
}
