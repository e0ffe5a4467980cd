using Orderly.Domain.Inventory;

namespace Orderly.Server.Inventory;

/// <summary>
/// Weekly demand forecasts per product and warehouse that safety stock and reorder points are computed from
/// (<see cref="SafetyStock.FromForecast"/>). The Analytics module provides one; without it, or for the keys it leaves
/// out (too little history to backtest), the recomputation uses the history's spread (<see cref="SafetyStock.Compute"/>).
/// </summary>
public interface IDemandForecastSource
{
    /// <param name="keys">The products and warehouses being computed.</param>
    /// <param name="horizonWeeks">Weeks ahead each forecast must reach (the longest lead time).</param>
    Task<IReadOnlyDictionary<PolicyKey, LeadTimeForecast>> ForecastAsync(IReadOnlyCollection<PolicyKey> keys, int horizonWeeks, CancellationToken ct);
}
