using Orderly.Domain.Forecasting;

namespace Orderly.Server.Analytics;

public sealed record DemandWeekDto(DateOnly WeekStart, decimal Quantity);

public sealed record ForecastWeekDto(DateOnly WeekStart, decimal Forecast, decimal Low, decimal High, ForecastMethod Method);

public sealed record MethodAccuracyDto(ForecastMethod Method, int Points, decimal? Wape, decimal? Mase, decimal? Bias);

/// <summary>Last week's demand against the forecast made the week before: a spike when above the interval.</summary>
public sealed record SpikeCheckDto(DateOnly WeekStart, decimal Actual, decimal Expected, decimal High, bool IsSpike);

/// <param name="Source">"orders": ordered quantities company-wide; "shipments": shipped from the warehouse.</param>
public sealed record ForecastDto(
    Guid ProductId, string Sku, string Name, Guid? WarehouseId, string Source, ForecastMethod Method, bool Intermittent,
    decimal IntervalLevel, IReadOnlyList<DemandWeekDto> History, IReadOnlyList<ForecastWeekDto> Weeks,
    IReadOnlyList<MethodAccuracyDto> Accuracy, SpikeCheckDto? LastWeek);

/// <param name="Class">"all", or an ABC/XYZ class such as "AX"; <paramref name="Method"/> null for the chosen methods together.</param>
public sealed record AccuracyRowDto(string Class, ForecastMethod? Method, int Series, long Points, decimal? Wape, decimal? Mase, decimal? Bias);

public sealed record SpikeDto(Guid ProductId, string Sku, string Name, ForecastMethod Method, SpikeCheckDto Week);

/// <summary>The all-products backtest: accuracy per method and class, how often each method was chosen, the spikes of last week.</summary>
public sealed record ForecastAccuracyDto(
    DateOnly From, DateOnly To, int Products, double Seconds, IReadOnlyDictionary<ForecastMethod, int> Chosen,
    IReadOnlyList<AccuracyRowDto> Rows, IReadOnlyList<SpikeDto> Spikes);
