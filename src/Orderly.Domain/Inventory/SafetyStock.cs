using Orderly.Domain.Common;

namespace Orderly.Domain.Inventory;

/// <summary>
/// Safety stock and reorder point from the variability of daily demand (the classic "z x sigma x sqrt(lead time)"
/// policy for normally distributed demand and a fixed lead time):
/// safety stock = z x sigma_daily x sqrt(lead time days); reorder point = mean_daily x lead time days + safety stock.
/// Both are rounded up: to whole units for whole-piece products, else to the stored three decimals.
/// </summary>
public static class SafetyStock
{
    public const decimal MinServiceLevel = 0.5m;
    public const decimal MaxServiceLevel = 0.9999m;
    public const int MaxLeadTimeDays = 365;

    /// <param name="dailyDemand">Demand of each business day of the window, oldest first; days without shipments are 0.</param>
    /// <param name="leadTimeDays">Days from ordering to the goods arriving.</param>
    /// <param name="serviceLevel">Probability of not running out during a lead time, e.g. 0.95.</param>
    /// <param name="wholeUnits">Round up to whole pieces.</param>
    public static SafetyStockResult Compute(IReadOnlyList<decimal> dailyDemand, int leadTimeDays, decimal serviceLevel, bool wholeUnits)
    {
        ArgumentNullException.ThrowIfNull(dailyDemand);
        var violations = new List<RuleViolation>();
        if (leadTimeDays is < 0 or > MaxLeadTimeDays)
        {
            violations.Add(new("leadTimeDays", "OutOfRange", $"Lead time is 0 to {MaxLeadTimeDays} days."));
        }

        if (serviceLevel is < MinServiceLevel or > MaxServiceLevel)
        {
            violations.Add(new("serviceLevel", "OutOfRange", $"The service level is a fraction from {MinServiceLevel} to {MaxServiceLevel}, e.g. 0.95."));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        if (dailyDemand.Any(d => d < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dailyDemand), "Daily demand is never negative.");
        }

        var n = dailyDemand.Count;
        var mean = n == 0 ? 0d : dailyDemand.Sum(d => (double)d) / n;
        // Sample standard deviation: the window is a sample of the demand process, not all of it.
        var sigma = n < 2 ? 0d : Math.Sqrt(dailyDemand.Sum(d => Math.Pow((double)d - mean, 2)) / (n - 1));
        var z = InverseStandardNormal((double)serviceLevel);
        var safetyStock = RoundUp(z * sigma * Math.Sqrt(leadTimeDays), wholeUnits);
        var reorderPoint = RoundUp((mean * leadTimeDays) + (double)safetyStock, wholeUnits);
        return new SafetyStockResult(
            n, dailyDemand.Count(d => d > 0), Round4(mean), Round4(sigma), leadTimeDays, serviceLevel, Round4(z), safetyStock, reorderPoint);
    }

    /// <summary>
    /// Safety stock and reorder point from a demand forecast instead of the history's spread: over a lead time of L
    /// weeks (lead time days / 7), safety stock = z x weekly forecast-error RMSE x sqrt(L) (the backtest's one-step
    /// errors, taken as independent from week to week) and reorder point = the forecast demand over the lead time +
    /// safety stock, where the forecast demand sums the weekly forecasts over the first L weeks (the last week in part;
    /// beyond the forecast's horizon its last week repeats). Both round up as <see cref="Compute"/> does. The history's
    /// figures (window, mean, spread) stay in the result for comparison; z and the service level are
    /// <paramref name="history"/>'s.
    /// </summary>
    public static SafetyStockResult FromForecast(SafetyStockResult history, LeadTimeForecast forecast, bool wholeUnits)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(forecast);
        if (forecast.Weekly.Count == 0 || forecast.Weekly.Any(w => w < 0 || !double.IsFinite(w)) || forecast.WeeklyRmse < 0 || !double.IsFinite(forecast.WeeklyRmse))
        {
            throw new ArgumentOutOfRangeException(nameof(forecast), "A forecast has at least one week, and demand and error are finite and never negative.");
        }

        var weeks = history.LeadTimeDays / 7d;
        var demand = 0d;
        for (var i = 0; i < weeks; i++)
        {
            demand += forecast.Weekly[Math.Min(i, forecast.Weekly.Count - 1)] * Math.Min(1, weeks - i);
        }

        var z = InverseStandardNormal((double)history.ServiceLevel);
        var safetyStock = RoundUp(z * forecast.WeeklyRmse * Math.Sqrt(weeks), wholeUnits);
        var reorderPoint = RoundUp(demand + (double)safetyStock, wholeUnits);
        return history with
        {
            SafetyStock = safetyStock,
            ReorderPoint = reorderPoint,
            ForecastMethod = forecast.Method,
            ForecastRmse = Round4(forecast.WeeklyRmse),
            LeadTimeDemand = Round4(demand),
        };
    }

    /// <summary>
    /// The z for which P(Z &lt;= z) = p for a standard normal Z: Peter Acklam's rational approximation (relative error
    /// below 1.15e-9 over the whole range), plenty for service levels.
    /// </summary>
    public static double InverseStandardNormal(double p)
    {
        if (p is <= 0 or >= 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), "The probability is strictly between 0 and 1.");
        }

        const double low = 0.02425;
        const double high = 1 - low;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return Tail(q);
        }

        if (p > high)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -Tail(q);
        }

        var c = p - 0.5;
        var r = c * c;
        return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r
                 - 3.066479806614716e+01) * r + 2.506628277459239e+00) * c
               / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r
                   - 1.328068155288572e+01) * r + 1);
    }

    private static double Tail(double q) =>
        (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q
          + 4.374664141464968e+00) * q + 2.938163982698783e+00)
        / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);

    /// <summary>Rounds up to whole pieces or thousandths; floating-point dust (1e-9) is dropped first so 10.0000000001 stays 10.</summary>
    private static decimal RoundUp(double value, bool wholeUnits)
    {
        var exact = Math.Round((decimal)Math.Max(0, value), 9);
        return wholeUnits
            ? decimal.Ceiling(exact)
            : decimal.Ceiling(exact * Quantity.Scale) / Quantity.Scale;
    }

    private static decimal Round4(double value) => Math.Round((decimal)value, 4, MidpointRounding.AwayFromZero);
}

/// <summary>The inputs and result of one safety-stock computation, kept so people can see how the numbers came about.</summary>
/// <param name="WindowDays">Business days of demand history looked at.</param>
/// <param name="DaysWithDemand">Days of the window with at least one shipment.</param>
/// <param name="MeanDailyDemand">Mean daily demand, 4 decimals.</param>
/// <param name="DemandStdDev">Sample standard deviation of daily demand, 4 decimals.</param>
/// <param name="LeadTimeDays">Supplier lead time used.</param>
/// <param name="ServiceLevel">Service level used, a fraction.</param>
/// <param name="Z">Standard normal quantile of the service level, 4 decimals.</param>
/// <param name="SafetyStock">z x sigma x sqrt(lead time), rounded up.</param>
/// <param name="ReorderPoint">mean x lead time + safety stock, rounded up.</param>
/// <param name="ForecastMethod">The forecasting method when the numbers come from a forecast; null when from the history.</param>
/// <param name="ForecastRmse">Weekly forecast-error RMSE of a forecast basis, 4 decimals.</param>
/// <param name="LeadTimeDemand">Forecast demand over the lead time of a forecast basis, 4 decimals.</param>
public sealed record SafetyStockResult(
    int WindowDays, int DaysWithDemand, decimal MeanDailyDemand, decimal DemandStdDev, int LeadTimeDays,
    decimal ServiceLevel, decimal Z, decimal SafetyStock, decimal ReorderPoint,
    string? ForecastMethod = null, decimal? ForecastRmse = null, decimal? LeadTimeDemand = null)
{
    /// <summary>What the two numbers come from: the history's spread, or the demand forecast and its backtest error.</summary>
    public SafetyStockBasis Basis => ForecastMethod is null ? SafetyStockBasis.History : SafetyStockBasis.Forecast;
}

/// <summary>What safety stock and the reorder point were computed from.</summary>
public enum SafetyStockBasis
{
    /// <summary>The spread of daily shipments in the window (too little history for a forecast, or none available).</summary>
    History,

    /// <summary>The weekly demand forecast and its backtest error.</summary>
    Forecast,
}

/// <summary>A product's weekly demand forecast in one warehouse, for its safety stock.</summary>
/// <param name="Method">The forecasting method, e.g. "HoltWinters".</param>
/// <param name="Weekly">Forecast demand of each week from the current one on.</param>
/// <param name="WeeklyRmse">Root mean squared one-week-ahead error of the method in its backtest.</param>
/// <param name="LastWeekSpike">Last week's demand was above the forecast's prediction interval.</param>
public sealed record LeadTimeForecast(string Method, IReadOnlyList<double> Weekly, double WeeklyRmse, bool LastWeekSpike = false);
