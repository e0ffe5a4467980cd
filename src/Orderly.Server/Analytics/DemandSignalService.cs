using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Orderly.Domain.Analytics;
using Orderly.Domain.Common;
using Orderly.Domain.Forecasting;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Analytics;

/// <summary>
/// Demand spikes and drops: each closed business week, every product's ordered quantity (company-wide) and shipments
/// per warehouse against the forecast recomputed from the history up to the week before (the backtest-chosen method
/// and its prediction interval, as <see cref="ForecastService"/> would have shown it on that Monday). A signal is a
/// <see cref="DemandSignal"/> row and its event, saved together; the unique (product, warehouse, week) key keeps
/// reruns and concurrent runs from raising one twice.
/// </summary>
public sealed class DemandSignalService(
    OrderlyDbContext db, WeeklyDemand demand, BusinessCalendar calendar, IOptions<ForecastOptions> options, ILogger<DemandSignalService> log)
    : IDemandSignalSource
{
    public const int MaxRows = 500;

    /// <summary>The first and last day <c>from</c>/<c>to</c> may name: a guard against dates nobody means.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    public static readonly DateOnly Latest = new(2999, 12, 31);

    public string Policy => AnalyticsPolicies.ReadDemandSignals;

    /// <summary>Monday of the last complete business week.</summary>
    public DateOnly LastClosedWeek() => WeeklyDemand.WeekStart(calendar.Today).AddDays(-7);

    /// <summary>Checks one closed week (any day of it) and records its new signals; signals already recorded are left alone.</summary>
    public async Task<DemandSignalRun> DetectAsync(DateOnly anyDay, CancellationToken ct)
    {
        var week = WeeklyDemand.WeekStart(anyDay);
        if (week > LastClosedWeek())
        {
            throw new RuleViolationException("week", "WeekNotClosed", $"The week of {week:yyyy-MM-dd} has not closed yet.");
        }

        var o = options.Value;
        var rules = new DemandSignalRules(o.SpikeMinVolume, o.SignalMinHistoryWeeks, o.DropClasses);
        var settings = ForecastSettings.Default with { IntervalLevel = o.SignalIntervalLevel };
        var from = week.AddDays(-7 * o.HistoryWeeks);
        var to = week.AddDays(7);
        var ordered = await demand.ByProductAsync(from, to, null, ct);
        var shipped = await demand.ShippedAsync(from, to, ct);
        var abc = await AbcAsync(from, week, ordered.Keys, ct);

        var series = ordered.Select(p => (ProductId: p.Key, WarehouseId: (Guid?)null, Weekly: p.Value))
            .Concat(shipped.Select(p => (p.Key.ProductId, WarehouseId: (Guid?)p.Key.WarehouseId, Weekly: p.Value)))
            .ToList();
        var checks = new DemandCheck?[series.Count];
        Parallel.For(0, series.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var weekly = series[i].Weekly;
            var before = weekly.AsSpan(0, weekly.Length - 1);
            var first = before.IndexOfAnyExcept(0d);
            if (first >= 0)
            {
                checks[i] = DemandSignals.Check(before[first..], weekly[^1], abc.GetValueOrDefault(series[i].ProductId, 'C'), rules, settings);
            }
        });

        var existing = (await db.Set<DemandSignal>().AsNoTracking().Where(s => s.WeekStart == week)
            .Select(s => new { s.ProductId, s.WarehouseId }).ToListAsync(ct))
            .Select(s => (s.ProductId, s.WarehouseId)).ToHashSet();
        var run = new DemandSignalRun(week, series.Count, checks.Count(c => c is not null), 0, 0, 0);
        for (var i = 0; i < series.Count; i++)
        {
            if (checks[i] is not { Kind: not null } check)
            {
                continue;
            }

            var (productId, warehouseId, _) = series[i];
            if (existing.Contains((productId, warehouseId ?? DemandSignal.AllWarehouses)))
            {
                run = run with { AlreadyRecorded = run.AlreadyRecorded + 1 };
                continue;
            }

            var signal = DemandSignal.Create(check, productId, warehouseId, week, abc.GetValueOrDefault(productId, 'C'), db.Now);
            db.Add(signal);
            db.Events.Raise(signal.ToEvent());
            try
            {
                // One transaction per signal: its row and its outbox event, or neither.
                await db.SaveChangesAsync(ct);
                run = signal.Kind == DemandSignalKind.Spike ? run with { Spikes = run.Spikes + 1 } : run with { Drops = run.Drops + 1 };
            }
            catch (DbUpdateException e) when (IsUniqueViolation(e))
            {
                // Another run recorded it first; its event went out with its row.
                db.Entry(signal).State = EntityState.Detached;
                db.Events.Take();
                run = run with { AlreadyRecorded = run.AlreadyRecorded + 1 };
            }
        }

        log.LogInformation("Demand signals for the week of {Week}: {Spikes} spikes, {Drops} drops, {Already} already recorded, {Checked} of {Series} series checked",
            week, run.Spikes, run.Drops, run.AlreadyRecorded, run.Checked, run.Series);
        return run;
    }

    /// <summary>The signals of the weeks starting in [from, to], newest week first, biggest surprise first.</summary>
    public async Task<DemandSignalsDto> ListAsync(DateOnly? from, DateOnly? to, string? kind, Guid? productId, CancellationToken ct)
    {
        var violations = new List<RuleViolation>();
        if (from is { } f && (f < Earliest || f > Latest))
        {
            violations.Add(new RuleViolation("from", "OutOfRange", $"from is between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}."));
        }

        if (to is { } t && (t < Earliest || t > Latest))
        {
            violations.Add(new RuleViolation("to", "OutOfRange", $"to is between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}."));
        }

        var last = violations.Count == 0 ? to ?? calendar.Today : default;
        var first = violations.Count == 0 ? from ?? WeeklyDemand.WeekStart(last).AddDays(-7 * 12) : default;
        if (violations.Count == 0 && first > last)
        {
            violations.Add(new RuleViolation("from", "InvalidPeriod", "The period's first day is after its last."));
        }

        DemandSignalKind? wanted = null;
        if (!string.IsNullOrEmpty(kind))
        {
            if (Enum.TryParse<DemandSignalKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(kind[0]))
            {
                wanted = parsed;
            }
            else
            {
                violations.Add(new RuleViolation("kind", "UnknownValue", "kind is spike or drop."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        var weekFrom = WeeklyDemand.WeekStart(first);
        var query = db.Set<DemandSignal>().AsNoTracking().Where(s => s.WeekStart >= weekFrom && s.WeekStart <= last);
        if (wanted is { } k)
        {
            query = query.Where(s => s.Kind == k);
        }

        if (productId is { } p)
        {
            query = query.Where(s => s.ProductId == p);
        }

        var signals = await query.OrderByDescending(s => s.WeekStart).ThenBy(s => s.ProductId).ThenBy(s => s.WarehouseId).Take(MaxRows).ToListAsync(ct);
        var productIds = signals.Select(s => s.ProductId).Distinct().ToList();
        var products = await db.ProductRefs().Where(x => productIds.Contains(x.Id)).Select(x => new { x.Id, x.Sku, x.Name }).ToDictionaryAsync(x => x.Id, ct);
        var warehouseIds = signals.Select(s => s.WarehouseId).Where(w => w != DemandSignal.AllWarehouses).Distinct().ToList();
        var warehouses = warehouseIds.Count == 0 ? [] : await db.Warehouses.AsNoTracking().Where(w => warehouseIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var items = signals
            .Select(s => new DemandSignalDto(
                s.Id, s.Kind, s.WeekStart, s.ProductId, products.GetValueOrDefault(s.ProductId)?.Sku ?? "", products.GetValueOrDefault(s.ProductId)?.Name ?? "",
                s.WarehouseId == DemandSignal.AllWarehouses ? null : s.WarehouseId, warehouses.GetValueOrDefault(s.WarehouseId),
                s.Actual, s.Expected, s.Low, s.High, s.Method, s.AbcClass.ToString(), s.DetectedAt))
            .OrderByDescending(s => s.WeekStart).ThenByDescending(s => Math.Abs(s.Actual - s.Expected)).ThenBy(s => s.Sku, StringComparer.Ordinal)
            .ToList();
        return new DemandSignalsDto(weekFrom, last, items);
    }

    /// <summary>Inventory's alert board: the signals of the weeks since <paramref name="since"/>, products and warehouses only.</summary>
    async Task<IReadOnlyList<DemandSignalNote>> IDemandSignalSource.RecentAsync(DateOnly since, CancellationToken ct)
    {
        var list = await ListAsync(since, null, null, null, ct);
        return [.. list.Items.Select(s => new DemandSignalNote(s.Kind.ToString(), s.WeekStart, s.ProductId, s.Sku, s.Name, s.WarehouseId, s.WarehouseCode, s.Actual, s.Expected, s.Low, s.High))];
    }

    /// <summary>ABC class of each product by the value of its orders over the history before the week (default currency).</summary>
    private async Task<Dictionary<Guid, char>> AbcAsync(DateOnly from, DateOnly to, IEnumerable<Guid> products, CancellationToken ct)
    {
        var currency = Currency.Default;
        var values = await db.Set<DailyProductSalesRow>().AsNoTracking()
            .Where(r => r.Day >= from && r.Day < to && r.Currency == currency)
            .GroupBy(r => r.ProductId).Select(g => new { ProductId = g.Key, Minor = g.Sum(r => r.ValueMinor) })
            .ToDictionaryAsync(r => r.ProductId, r => (double)r.Minor, ct);
        return AbcXyz.Abc(products.Select(id => KeyValuePair.Create(id, values.GetValueOrDefault(id))));
    }

    private static bool IsUniqueViolation(DbUpdateException update) => update.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}

/// <summary>What one check of a week did.</summary>
/// <param name="Series">Product (company-wide) and product x warehouse series with demand in the window.</param>
/// <param name="Checked">Series with enough history to judge.</param>
public sealed record DemandSignalRun(DateOnly WeekStart, int Series, int Checked, int Spikes, int Drops, int AlreadyRecorded);

/// <param name="WarehouseId">Null: the company's ordered quantity; else that warehouse's shipments.</param>
/// <param name="AbcClass">The product's ABC class when the week was checked.</param>
public sealed record DemandSignalDto(
    Guid Id, DemandSignalKind Kind, DateOnly WeekStart, Guid ProductId, string Sku, string Name, Guid? WarehouseId, string? WarehouseCode,
    decimal Actual, decimal Expected, decimal Low, decimal High, ForecastMethod Method, string AbcClass, DateTimeOffset DetectedAt);

/// <summary>The signals of the weeks starting from <paramref name="From"/> (a Monday) to <paramref name="To"/>; at most 500.</summary>
public sealed record DemandSignalsDto(DateOnly From, DateOnly To, IReadOnlyList<DemandSignalDto> Items);
