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
}
