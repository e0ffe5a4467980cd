using Microsoft.Extensions.Options;
using Orderly.Domain.Forecasting;
using Orderly.Domain.Inventory;
using Orderly.Server.Inventory;

namespace Orderly.Server.Analytics;

/// <summary>
/// Inventory's <see cref="IDemandForecastSource"/>: each product's weekly shipments from each warehouse forecast by the
/// method its backtest chose, with that backtest's one-week-ahead RMSE. Series with less than
/// <see cref="ForecastOptions.StockMinHistoryWeeks"/> weeks since their first shipment, or too short to backtest, are
/// left out, so the recomputation falls back to the history's spread for them.
/// </summary>
public sealed class ForecastDemandSource(WeeklyDemand demand, IOptions<ForecastOptions> options) : IDemandForecastSource
{
    public async Task<IReadOnlyDictionary<PolicyKey, LeadTimeForecast>> ForecastAsync(IReadOnlyCollection<PolicyKey> keys, int horizonWeeks, CancellationToken ct)
    {
        var settings = ForecastSettings.Default with { IntervalLevel = options.Value.IntervalLevel };
        var horizon = Math.Clamp(horizonWeeks, 1, ForecastSettings.MaxHorizon);
        var minWeeks = options.Value.StockMinHistoryWeeks;
        var series = await demand.ShippedAsync(options.Value.HistoryWeeks, ct);
        var wanted = keys.Where(k => series.ContainsKey((k.ProductId, k.WarehouseId))).ToList();
        var results = new LeadTimeForecast?[wanted.Count];
        Parallel.For(0, wanted.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var weekly = series[(wanted[i].ProductId, wanted[i].WarehouseId)];
            var first = Array.FindIndex(weekly, q => q > 0);
            if (first < 0 || weekly.Length - first < minWeeks)
            {
                return;
            }

            var result = DemandForecaster.Forecast(weekly.AsSpan(first), horizon, settings);
            if (result.Accuracy.Count > 0)
            {
                results[i] = new LeadTimeForecast(result.Method.ToString(), result.Forecast, result.OneStepSigma, result.LastPeriod?.IsSpike ?? false);
            }
        });

        var forecasts = new Dictionary<PolicyKey, LeadTimeForecast>();
        for (var i = 0; i < wanted.Count; i++)
        {
            if (results[i] is { } forecast)
            {
                forecasts[wanted[i]] = forecast;
            }
        }

        return forecasts;
    }
}
