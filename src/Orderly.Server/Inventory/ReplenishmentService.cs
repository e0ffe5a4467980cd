using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>One product in one warehouse.</summary>
public sealed record PolicyKey(Guid ProductId, Guid WarehouseId);

/// <summary>The active supplier with the shortest lead time for a product.</summary>
public sealed record SupplierChoice(Guid SupplierId, string Code, string Name, int LeadTimeDays);

/// <summary>What a recomputation did: how many policies, over which business days.</summary>
public sealed record RecomputeResult(int Computed, DateTimeOffset ComputedAt, int WindowDays, DateOnly WindowFrom, DateOnly WindowTo);

/// <summary>
/// Computes safety stock and reorder point from demand history for every stocked product and warehouse (or the
/// ones given) and stores each result with its inputs. Policies set by hand keep their numbers; their stored
/// computation shows what the history would suggest. Runs under a database lease, so one node at a time does it.
/// </summary>
public sealed class ReplenishmentService(
    OrderlyDbContext db, Writes writes, JobLeases leases, ReplenishmentDemand demand, BusinessCalendar calendar,
    IOptions<ReplenishmentOptions> options, TimeProvider time, IEnumerable<IDemandForecastSource> forecastSources)
{
    public const string LeaseName = "inventory.replenishment";
    public const int MaxKeysPerRequest = 1000;

    /// <summary>Rows per INSERT: far below the parameter limits of both providers (SQLite 32766, PostgreSQL 65535).</summary>
    private const int RowsPerStatement = 400;

    /// <summary>Recomputes now unless another run holds the lease, in which case it returns null.</summary>
    public async Task<RecomputeResult?> TryRecomputeAsync(IReadOnlyCollection<PolicyKey>? only, CancellationToken ct)
    {
        if (only is not null)
        {
            await CheckKeysAsync(only, ct);
        }

        await using var lease = await leases.TryAcquireAsync(LeaseName, options.Value.LeaseFor, ct);
        if (lease is null)
        {
            return null;
        }

        var result = await ComputeAsync(only, ct);
        if (only is null)
        {
            lease.Complete();
        }

        return result;
    }

    /// <summary>The computation itself; the caller holds the lease.</summary>
    public async Task<RecomputeResult> ComputeAsync(IReadOnlyCollection<PolicyKey>? only, CancellationToken ct)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var to = calendar.DateOf(now);
        var from = to.AddDays(-settings.WindowDays);

        var policies = await db.StockPolicies.AsNoTracking()
            .Select(p => new { p.ProductId, p.WarehouseId, p.ServiceLevel })
            .ToDictionaryAsync(p => new PolicyKey(p.ProductId, p.WarehouseId), p => p.ServiceLevel, ct);
        HashSet<PolicyKey> targets;
        if (only is null)
        {
            targets = [.. await db.StockBalances.AsNoTracking().Select(b => new PolicyKey(b.ProductId, b.WarehouseId)).ToListAsync(ct)];
            targets.UnionWith(policies.Keys);
        }
        else
        {
            targets = [.. only];
        }

        var wholeUnits = await db.Products.AsNoTracking().Select(p => new { p.Id, p.IsWholeUnit }).ToDictionaryAsync(p => p.Id, p => p.IsWholeUnit, ct);
        var suppliers = await SuppliersAsync(ct);
        var daily = await demand.DailyAsync(from, to, ct);
        var leadTimes = targets.ToDictionary(k => k, k => suppliers.GetValueOrDefault(k.ProductId)?.LeadTimeDays ?? settings.DefaultLeadTimeDays);
        var horizon = leadTimes.Count == 0 ? 1 : Math.Max(1, (leadTimes.Values.Max() + 6) / 7);
        var forecasts = forecastSources.FirstOrDefault() is { } source && targets.Count > 0
            ? await source.ForecastAsync(targets, horizon, ct)
            : new Dictionary<PolicyKey, LeadTimeForecast>();

        var rows = new List<(PolicyKey Key, SafetyStockResult Result, Guid? SupplierId)>(targets.Count);
        foreach (var key in targets.OrderBy(k => k.ProductId).ThenBy(k => k.WarehouseId))
        {
            var supplier = suppliers.GetValueOrDefault(key.ProductId);
            var series = daily.GetValueOrDefault((key.ProductId, key.WarehouseId)) ?? new decimal[settings.WindowDays];
            var whole = wholeUnits.GetValueOrDefault(key.ProductId, true);
            var result = SafetyStock.Compute(series, leadTimes[key], policies.GetValueOrDefault(key) ?? settings.ServiceLevel, whole);
            if (forecasts.GetValueOrDefault(key) is { } forecast)
            {
                result = SafetyStock.FromForecast(result, forecast, whole);
            }

            rows.Add((key, result, supplier?.SupplierId));
        }

        await writes.RunAsync(async token =>
        {
            foreach (var chunk in rows.Chunk(RowsPerStatement))
            {
                await UpsertAsync(chunk, now, token);
            }
        }, ct);
        return new RecomputeResult(rows.Count, now, settings.WindowDays, from, to.AddDays(-1));
    }

    /// <summary>Per product, the active supplier listing it with the shortest lead time (ties: the lower code).</summary>
    public async Task<Dictionary<Guid, SupplierChoice>> SuppliersAsync(CancellationToken ct)
    {
        var suppliers = await db.Suppliers.AsNoTracking().Where(s => s.IsActive).ToListAsync(ct);
        var best = new Dictionary<Guid, SupplierChoice>();
        foreach (var supplier in suppliers.OrderBy(s => s.Code, StringComparer.Ordinal))
        {
            foreach (var product in supplier.Products)
            {
                var lead = supplier.LeadTimeFor(product.ProductId);
                if (!best.TryGetValue(product.ProductId, out var current) || lead < current.LeadTimeDays)
                {
                    best[product.ProductId] = new SupplierChoice(supplier.Id, supplier.Code, supplier.Name, lead);
                }
            }
        }

        return best;
    }

    private async Task CheckKeysAsync(IReadOnlyCollection<PolicyKey> keys, CancellationToken ct)
    {
        if (keys.Count is 0 or > MaxKeysPerRequest)
        {
            throw new RuleViolationException("items", "ItemCount", $"Give 1 to {MaxKeysPerRequest} products and warehouses, or none for all.");
        }

        var productIds = keys.Select(k => k.ProductId).Distinct().ToList();
        var warehouseIds = keys.Select(k => k.WarehouseId).Distinct().ToList();
        var products = await db.Products.Where(p => productIds.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct);
        var warehouses = await db.Warehouses.Where(w => warehouseIds.Contains(w.Id)).Select(w => w.Id).ToListAsync(ct);
        var violations = new List<RuleViolation>();
        var i = 0;
        foreach (var key in keys)
        {
            if (!products.Contains(key.ProductId))
            {
                violations.Add(new($"items[{i}].productId", "UnknownProduct", $"Product {key.ProductId} does not exist."));
            }

            if (!warehouses.Contains(key.WarehouseId))
            {
                violations.Add(new($"items[{i}].warehouseId", "UnknownWarehouse", $"Warehouse {key.WarehouseId} does not exist."));
            }

            i++;
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }
    }

    /// <summary>
    /// One INSERT ... ON CONFLICT DO UPDATE for many rows (the same SQL on SQLite and PostgreSQL). It touches only the
    /// computation's columns, so neither a person's settings nor the version (the ETag people edit against) change,
    /// and no audit record is written for what a machine recomputed.
    /// </summary>
    private async Task UpsertAsync((PolicyKey Key, SafetyStockResult Result, Guid? SupplierId)[] rows, DateTimeOffset now, CancellationToken ct)
    {
        var sql = new StringBuilder("""
            INSERT INTO stock_policies (id, product_id, warehouse_id, mode, version, updated_at, computed_at, lead_time_supplier_id,
                window_days, days_with_demand, mean_daily_demand, demand_std_dev, lead_time_days, computed_service_level, z,
                computed_safety_stock, computed_reorder_point, forecast_method, forecast_rmse, lead_time_demand)
            VALUES
            """);
        var parameters = new List<object>(rows.Length * 16);
        var at = now.UtcDateTime;
        for (var i = 0; i < rows.Length; i++)
        {
            var (key, r, supplierId) = rows[i];
            var values = new object[]
            {
                Ids.New(now), key.ProductId, key.WarehouseId, nameof(StockPolicyMode.Computed), at, at,
                r.WindowDays, r.DaysWithDemand, r.MeanDailyDemand, r.DemandStdDev, r.LeadTimeDays, r.ServiceLevel, r.Z,
                Quantity.ToStored(r.SafetyStock), Quantity.ToStored(r.ReorderPoint),
            };
            var first = parameters.Count;
            parameters.AddRange(values);
            string P(int offset) => string.Create(CultureInfo.InvariantCulture, $"{{{first + offset}}}");
            var supplier = supplierId is { } id ? Param(parameters, id) : "NULL";
            sql.Append(i == 0 ? "\n(" : ",\n(")
                .Append(string.Join(", ", P(0), P(1), P(2), P(3), "0", P(4), P(5), supplier))
                .Append(", ").Append(string.Join(", ", Enumerable.Range(6, 9).Select(P)))
                .Append(", ").Append(r.ForecastMethod is { } method ? Param(parameters, method) : "NULL")
                .Append(", ").Append(r.ForecastRmse is { } rmse ? Param(parameters, rmse) : "NULL")
                .Append(", ").Append(r.LeadTimeDemand is { } leadDemand ? Param(parameters, leadDemand) : "NULL")
                .Append(')');
        }

        sql.Append("""

            ON CONFLICT (product_id, warehouse_id) DO UPDATE SET
                computed_at = excluded.computed_at, lead_time_supplier_id = excluded.lead_time_supplier_id,
                window_days = excluded.window_days, days_with_demand = excluded.days_with_demand,
                mean_daily_demand = excluded.mean_daily_demand, demand_std_dev = excluded.demand_std_dev,
                lead_time_days = excluded.lead_time_days, computed_service_level = excluded.computed_service_level, z = excluded.z,
                computed_safety_stock = excluded.computed_safety_stock, computed_reorder_point = excluded.computed_reorder_point,
                forecast_method = excluded.forecast_method, forecast_rmse = excluded.forecast_rmse,
                lead_time_demand = excluded.lead_time_demand
            """);
        await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
    }

    private static string Param(List<object> parameters, object value)
    {
        parameters.Add(value);
        return string.Create(CultureInfo.InvariantCulture, $"{{{parameters.Count - 1}}}");
    }
}
