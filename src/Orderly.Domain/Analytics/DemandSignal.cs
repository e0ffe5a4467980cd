using System.Text.Json.Serialization;
using Orderly.Domain.Common;
using Orderly.Domain.Forecasting;

namespace Orderly.Domain.Analytics;

/// <summary>Which way a closed week's demand left the forecast's prediction interval.</summary>
public enum DemandSignalKind
{
    /// <summary>Above the interval's upper end (and above the minimum volume).</summary>
    Spike,

    /// <summary>Below the interval's lower end, for A and B items only.</summary>
    Drop,
}

/// <summary>
/// A closed business week whose demand for a product (company-wide ordered quantity, or shipped from one warehouse)
/// left the prediction interval of the forecast made before that week. One per product, warehouse and week: the
/// database refuses a second, so the weekly job can run again or on two nodes at once.
/// </summary>
public sealed class DemandSignal
{
    /// <summary>The <see cref="WarehouseId"/> of a company-wide signal (ordered quantities of every warehouse).</summary>
    public static readonly Guid AllWarehouses = Guid.Empty;

    private DemandSignal()
    {
    }

    public Guid Id { get; private set; }

    public DemandSignalKind Kind { get; private set; }

    public Guid ProductId { get; private set; }

    /// <summary>The warehouse whose shipments were checked, or <see cref="AllWarehouses"/> for the company's orders.</summary>
    public Guid WarehouseId { get; private set; }

    /// <summary>Monday of the business week checked.</summary>
    public DateOnly WeekStart { get; private set; }

    public decimal Actual { get; private set; }

    public decimal Expected { get; private set; }

    public decimal Low { get; private set; }

    public decimal High { get; private set; }

    /// <summary>The forecasting method the backtest chose on the history before the week.</summary>
    public ForecastMethod Method { get; private set; }

    /// <summary>The product's ABC class when the week was checked (A, B, C).</summary>
    public char AbcClass { get; private set; }

    public DateTimeOffset DetectedAt { get; private set; }

    public static DemandSignal Create(DemandCheck check, Guid productId, Guid? warehouseId, DateOnly weekStart, char abcClass, DateTimeOffset now)
    {
        if (check.Kind is not { } kind)
        {
            throw new ArgumentException("Only a spike or a drop is a signal.", nameof(check));
        }

        return new DemandSignal
        {
            Id = Ids.New(now),
            Kind = kind,
            ProductId = productId,
            WarehouseId = warehouseId ?? AllWarehouses,
            WeekStart = weekStart,
            Actual = Round(check.Actual),
            Expected = Round(check.Expected),
            Low = Round(check.Low),
            High = Round(check.High),
            Method = check.Method,
            AbcClass = abcClass,
            DetectedAt = now,
        };
    }

    /// <summary>The event announcing this signal: <see cref="DemandSpikeDetected"/> or <see cref="DemandDropDetected"/>.</summary>
    public IDomainEvent ToEvent()
    {
        Guid? warehouse = WarehouseId == AllWarehouses ? null : WarehouseId;
        var week = WeekStart.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return Kind == DemandSignalKind.Spike
            ? new DemandSpikeDetected(Id, ProductId, warehouse, week, Actual, Expected, High, Method.ToString())
            : new DemandDropDetected(Id, ProductId, warehouse, week, Actual, Expected, Low, Method.ToString());
    }

    private static decimal Round(double value) => Math.Round((decimal)value, 3, MidpointRounding.AwayFromZero);
}

/// <summary>A closed week's demand was above the prediction interval of the forecast made before it.</summary>
/// <param name="WarehouseId">Null: the company's ordered quantity; else the shipments of that warehouse.</param>
/// <param name="WeekStart">Monday of the business week, yyyy-MM-dd.</param>
public sealed record DemandSpikeDetected(
    Guid SignalId, Guid ProductId, Guid? WarehouseId, string WeekStart, decimal Actual, decimal Expected, decimal High, string Method) : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "DemandSignal";

    [JsonIgnore]
    public Guid AggregateId => SignalId;
}

/// <summary>An A or B item's closed week fell below the prediction interval of the forecast made before it.</summary>
public sealed record DemandDropDetected(
    Guid SignalId, Guid ProductId, Guid? WarehouseId, string WeekStart, decimal Actual, decimal Expected, decimal Low, string Method) : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "DemandSignal";

    [JsonIgnore]
    public Guid AggregateId => SignalId;
}

/// <summary>When a week's demand is a signal.</summary>
/// <param name="MinVolume">A spike must reach at least this quantity, so 1 -> 3 units on a slow item is not a spike.</param>
/// <param name="MinHistory">Fewest weeks (from the first demand) before the week for a forecast worth checking against.</param>
/// <param name="DropClasses">ABC classes whose drops are signalled.</param>
public sealed record DemandSignalRules(double MinVolume = 5, int MinHistory = 16, string DropClasses = "AB")
{
    public static DemandSignalRules Default { get; } = new();
}

/// <summary>A week's demand against the forecast made before it; <see cref="Kind"/> null when inside the interval.</summary>
public sealed record DemandCheck(DemandSignalKind? Kind, double Actual, double Expected, double Low, double High, ForecastMethod Method);

/// <summary>Checks a closed week against the forecast from the history before it (recomputed, not the one stored then).</summary>
public static class DemandSignals
{
    /// <summary>Weeks above median + this many scaled MADs are outliers, clipped before forecasting (about 4.45 MAD).</summary>
    public const double OutlierSigmas = 3;

    /// <summary>
    /// The week's demand against the backtest-chosen forecast of the weeks before it. Before forecasting, weeks far
    /// above the history's median (median + 3 x 1.4826 x MAD, when more than half the weeks have demand) are clipped
    /// to that bound, so one spike neither inflates the forecast of the weeks after it (which would then look like
    /// drops) nor widens every later interval; the check depends only on the history, not on which weeks were
    /// checked before. The interval is normal with the larger of the chosen method's one-step and all-steps backtest
    /// RMSE (the one-step error alone rests on as few points as there are origins). For intermittent demand, where
    /// a lump is the normal pattern, a spike must also exceed every week of the history.
    /// </summary>
    /// <param name="before">Weekly demand up to and excluding the week checked, from the product's first demand.</param>
    /// <param name="actual">The week's demand.</param>
    /// <param name="abcClass">The product's ABC class; drops are signalled only for <see cref="DemandSignalRules.DropClasses"/>.</param>
    /// <returns>Null when the history is too short to judge.</returns>
    public static DemandCheck? Check(ReadOnlySpan<double> before, double actual, char abcClass, DemandSignalRules rules, ForecastSettings settings)
    {
        if (before.Length < rules.MinHistory)
        {
            return null;
        }

        var history = before.ToArray();
        Clip(history);
        var forecast = DemandForecaster.Forecast(history, 1, settings);
        var expected = forecast.Forecast[0];
        double low, high;
        if (forecast.Accuracy.Count == 0)
        {
            (low, high) = (forecast.Low[0], forecast.High[0]);
        }
        else
        {
            var sigma = Math.Max(forecast.OneStepSigma, forecast.Chosen?.Rmse ?? 0);
            var z = Inventory.SafetyStock.InverseStandardNormal(0.5 + (settings.IntervalLevel / 2));
            (low, high) = (Math.Max(0, expected - (z * sigma)), expected + (z * sigma));
        }

        if (forecast.Intermittent)
        {
            var largest = 0d;
            foreach (var y in before)
            {
                largest = Math.Max(largest, y);
            }

            high = Math.Max(high, largest);
        }

        DemandSignalKind? kind = null;
        if (actual > high && actual > expected && actual >= rules.MinVolume)
        {
            kind = DemandSignalKind.Spike;
        }
        else if (actual < low && rules.DropClasses.Contains(abcClass, StringComparison.Ordinal))
        {
            kind = DemandSignalKind.Drop;
        }

        return new DemandCheck(kind, actual, expected, low, high, forecast.Method);
    }

    /// <summary>Clips the weeks above median + <see cref="OutlierSigmas"/> x 1.4826 x MAD to that bound (in place); nothing when the MAD is 0.</summary>
    public static void Clip(double[] series)
    {
        if (series.Length == 0)
        {
            return;
        }

        var median = Median([.. series]);
        var deviations = new double[series.Length];
        for (var i = 0; i < series.Length; i++)
        {
            deviations[i] = Math.Abs(series[i] - median);
        }

        var mad = Median(deviations);
        if (mad <= 0)
        {
            return;
        }

        var bound = median + (OutlierSigmas * 1.4826 * mad);
        for (var i = 0; i < series.Length; i++)
        {
            series[i] = Math.Min(series[i], bound);
        }
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
