using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Analytics;

/// <summary><c>Orderly:Forecasting</c> in configuration: how much history demand forecasts use and how wide their intervals are.</summary>
public sealed class ForecastOptions
{
    public const string Section = "Orderly:Forecasting";

    /// <summary>Complete weeks of history, ending with last week.</summary>
    [Range(8, 520)]
    public int HistoryWeeks { get; set; } = 156;

    /// <summary>Nominal coverage of the prediction intervals.</summary>
    [Range(0.5, 0.99)]
    public double IntervalLevel { get; set; } = 0.8;

    /// <summary>How long the all-products backtest (accuracy, spikes) is reused before it is run again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan AccuracyCacheFor { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Weeks from a product's first shipment from a warehouse before its safety stock and reorder point come from the
    /// forecast (with a backtest behind it); with less history they come from the spread of past shipments.
    /// </summary>
    [Range(16, 520)]
    public int StockMinHistoryWeeks { get; set; } = 26;

    /// <summary>A demand spike must reach at least this weekly quantity (so 1 -> 3 units of a slow item is no spike).</summary>
    [Range(0, 1_000_000)]
    public double SpikeMinVolume { get; set; } = 5;

    /// <summary>Weeks of history (from the first demand) before a week is checked for spikes and drops.</summary>
    [Range(8, 520)]
    public int SignalMinHistoryWeeks { get; set; } = 16;

    /// <summary>ABC classes whose drops below the interval are signalled.</summary>
    [RegularExpression("^[ABC]{0,3}$")]
    public string DropClasses { get; set; } = "AB";

    /// <summary>Closed weeks before the last one the weekly job checks again, in case a run was missed.</summary>
    [Range(0, 12)]
    public int SignalCatchUpWeeks { get; set; } = 1;

    /// <summary>
    /// Nominal coverage of the interval a week's demand is checked against for spikes and drops: wider than the
    /// forecast's own so that noise alone raises about one signal in 200 series-weeks, not one in ten.
    /// </summary>
    [Range(0.5, 0.999)]
    public double SignalIntervalLevel { get; set; } = 0.99;
}
