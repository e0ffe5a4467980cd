using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Analytics;
using Orderly.Domain.Common;
using Orderly.Domain.Forecasting;
using Orderly.Server.Catalog;
using Orderly.Server.Data;

namespace Orderly.Server.Analytics;

/// <summary>Demand forecasts per product (and warehouse), and the backtest of every product for the accuracy table.</summary>
public sealed class ForecastService(OrderlyDbContext db, WeeklyDemand demand, ForecastCache cache, IOptions<ForecastOptions> options)
{
    public const int DefaultHorizon = 13;

    public async Task<ForecastDto?> ForecastAsync(Guid productId, Guid? warehouseId, int? horizonWeeks, CancellationToken ct)
    {
        var product = await db.ProductRefs().Where(p => p.Id == productId).Select(p => new { p.Sku, p.Name }).FirstOrDefaultAsync(ct);
        if (product is null)
        {
            return null;
        }

        if (warehouseId is { } w && !await db.Warehouses.AnyAsync(x => x.Id == w, ct))
        {
            throw new RuleViolationException("warehouseId", "UnknownWarehouse", $"Warehouse {w} does not exist.");
        }

        var settings = Settings();
        var weeks = options.Value.HistoryWeeks;
        var horizon = Math.Clamp(horizonWeeks ?? DefaultHorizon, 1, ForecastSettings.MaxHorizon);
        var (from, to) = demand.Window(weeks);
        var series = warehouseId is { } warehouse
            ? await demand.ShippedAsync(productId, warehouse, weeks, ct)
            : (await demand.ByProductAsync(weeks, productId, ct)).GetValueOrDefault(productId) ?? new double[weeks];
        var start = FirstDemand(series);
        var history = series.AsSpan(start);
        var result = DemandForecaster.Forecast(history, horizon, settings);
        var firstWeek = from.AddDays(7 * start);
        return new ForecastDto(
            productId, product.Sku, product.Name, warehouseId, warehouseId is null ? "orders" : "shipments", result.Method, result.Intermittent,
            (decimal)settings.IntervalLevel,
            [.. history.ToArray().Select((q, i) => new DemandWeekDto(firstWeek.AddDays(7 * i), Round(q)))],
            [.. Enumerable.Range(0, horizon).Select(i => new ForecastWeekDto(to.AddDays(7 * i), Round(result.Forecast[i]), Round(result.Low[i]), Round(result.High[i]), result.Method))],
            [.. result.Accuracy.Select(ToDto)],
            result.LastPeriod is { } last ? Check(to.AddDays(-7), last) : null);
    }

    /// <summary>The all-products backtest, reused for <see cref="ForecastOptions.AccuracyCacheFor"/>.</summary>
    public Task<ForecastAccuracyDto> AccuracyAsync(CancellationToken ct) =>
        cache.GetAsync(demand.Window(options.Value.HistoryWeeks).To, options.Value.AccuracyCacheFor, () => RunAllAsync(ct));

    /// <summary>
    /// Forecasts and backtests every product with demand in the window, in parallel over the cores (the series are
    /// independent and the methods allocation-light): P15 asks for every product of 1M orders in 10 s.
    /// </summary>
    public async Task<ForecastAccuracyDto> RunAllAsync(CancellationToken ct)
    {
        var settings = Settings();
        var weeks = options.Value.HistoryWeeks;
        var (from, to) = demand.Window(weeks);
        var series = await demand.ByProductAsync(weeks, null, ct);
        var values = await ValuesAsync(from, to, ct);
        var stopwatch = Stopwatch.StartNew();
        var abc = AbcXyz.Abc(series.Keys.Select(id => KeyValuePair.Create(id, values.GetValueOrDefault(id))));
        var results = new ConcurrentBag<(Guid ProductId, string Class, SeriesForecast Result)>();
        Parallel.ForEach(series, new ParallelOptions { CancellationToken = ct }, pair =>
        {
            var history = pair.Value.AsSpan(FirstDemand(pair.Value));
            var result = DemandForecaster.Forecast(history, 1, settings);
            var xyz = AbcXyz.Xyz(AbcXyz.Variation(history));
            results.Add((pair.Key, $"{abc[pair.Key]}{xyz}", result));
        });

        var totals = new Dictionary<(string Class, ForecastMethod? Method), AccuracyTotals>();
        var chosen = Enum.GetValues<ForecastMethod>().ToDictionary(m => m, _ => 0);
        foreach (var (_, productClass, result) in results)
        {
            chosen[result.Method]++;
            foreach (var accuracy in result.Accuracy)
            {
                Total(totals, "all", accuracy.Method).Add(accuracy);
                Total(totals, productClass, accuracy.Method).Add(accuracy);
            }

            if (result.Chosen is { } best)
            {
                Total(totals, "all", null).Add(best);
                Total(totals, productClass, null).Add(best);
            }
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        var spiking = results.Where(r => r.Result.LastPeriod is { IsSpike: true }).ToList();
        var ids = spiking.ConvertAll(s => s.ProductId);
        var names = await db.ProductRefs().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Sku, p.Name }).ToDictionaryAsync(p => p.Id, ct);
        var spikes = spiking
            .Select(s => new SpikeDto(s.ProductId, names.GetValueOrDefault(s.ProductId)?.Sku ?? "", names.GetValueOrDefault(s.ProductId)?.Name ?? "",
                s.Result.Method, Check(to.AddDays(-7), s.Result.LastPeriod!)))
            .OrderByDescending(s => s.Week.Actual - s.Week.High).ThenBy(s => s.Sku, StringComparer.Ordinal).Take(100).ToList();
        var rows = totals
            .OrderBy(t => t.Key.Class == "all" ? "" : t.Key.Class, StringComparer.Ordinal).ThenBy(t => t.Key.Method.HasValue).ThenBy(t => t.Key.Method)
            .Select(t => new AccuracyRowDto(t.Key.Class, t.Key.Method, t.Value.Series, t.Value.Points, Round4(t.Value.Wape), Round4(t.Value.Mase), Round4(t.Value.Bias)))
            .ToList();
        return new ForecastAccuracyDto(from, to.AddDays(-1), results.Count, Math.Round(seconds, 3), chosen, rows, spikes);
    }

    /// <summary>Value of each product's demand in the window in the default currency, for the ABC classes.</summary>
    private async Task<Dictionary<Guid, double>> ValuesAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var currency = Currency.Default;
        var rows = await db.Set<DailyProductSalesRow>().AsNoTracking()
            .Where(r => r.Day >= from && r.Day < to && r.Currency == currency)
            .GroupBy(r => r.ProductId).Select(g => new { ProductId = g.Key, Minor = g.Sum(r => r.ValueMinor) })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.ProductId, r => (double)r.Minor);
    }

    private ForecastSettings Settings() => ForecastSettings.Default with { IntervalLevel = options.Value.IntervalLevel };

    private static AccuracyTotals Total(Dictionary<(string, ForecastMethod?), AccuracyTotals> totals, string productClass, ForecastMethod? method)
    {
        if (!totals.TryGetValue((productClass, method), out var total))
        {
            totals[(productClass, method)] = total = new AccuracyTotals();
        }

        return total;
    }

    /// <summary>A product's history starts with its first demand: weeks before it was sold are not weeks without demand.</summary>
    private static int FirstDemand(double[] series)
    {
        var first = Array.FindIndex(series, q => q > 0);
        return first < 0 ? Math.Max(0, series.Length - 1) : first;
    }

    private static SpikeCheckDto Check(DateOnly week, PeriodCheck check) =>
        new(week, Round(check.Actual), Round(check.Expected), Round(check.High), check.IsSpike);

    private static MethodAccuracyDto ToDto(MethodAccuracy a) =>
        new(a.Method, a.Points, Round4(a.Wape), double.IsFinite(a.Mase) ? Round4(a.Mase) : null, Round4(a.Bias));

    private static decimal Round(double value) => Math.Round((decimal)value, 3, MidpointRounding.AwayFromZero);

    private static decimal? Round4(double? value) => value is { } v && double.IsFinite(v) ? Math.Round((decimal)v, 4, MidpointRounding.AwayFromZero) : null;
}

/// <summary>The latest all-products backtest, per node; one run at a time.</summary>
public sealed class ForecastCache(TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateOnly Week, DateTimeOffset At, ForecastAccuracyDto Value)? _latest;

    public void Dispose() => _gate.Dispose();

    public async Task<ForecastAccuracyDto> GetAsync(DateOnly week, TimeSpan keepFor, Func<Task<ForecastAccuracyDto>> run)
    {
        await _gate.WaitAsync();
        try
        {
            if (_latest is { } latest && latest.Week == week && time.GetUtcNow() - latest.At < keepFor)
            {
                return latest.Value;
            }

            var value = await run();
            _latest = (week, time.GetUtcNow(), value);
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }
}
