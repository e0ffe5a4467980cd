using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>
/// PUT body: <c>Manual</c> with both numbers, or <c>Computed</c> without them. <c>MaxCoverDays</c> and
/// <c>ServiceLevel</c> (a fraction, e.g. 0.98) override the company defaults for this product and warehouse.
/// </summary>
public sealed record StockPolicyRequest(StockPolicyMode Mode, decimal? SafetyStock = null, decimal? ReorderPoint = null, int? MaxCoverDays = null, decimal? ServiceLevel = null);

public sealed record StockComputationDto(
    DateTimeOffset ComputedAt, int WindowDays, int DaysWithDemand, decimal MeanDailyDemand, decimal DemandStdDev, int LeadTimeDays,
    Guid? LeadTimeSupplierId, decimal ServiceLevel, decimal Z, decimal SafetyStock, decimal ReorderPoint,
    SafetyStockBasis Basis, string? ForecastMethod, decimal? ForecastRmse, decimal? LeadTimeDemand);

/// <summary>A policy; <c>SafetyStock</c> and <c>ReorderPoint</c> are the numbers in force (manual, or the last computation).</summary>
public sealed record StockPolicyDto(
    Guid? Id, Guid ProductId, string Sku, string ProductName, Guid WarehouseId, string WarehouseCode, StockPolicyMode Mode,
    decimal? SafetyStock, decimal? ReorderPoint, decimal? ManualSafetyStock, decimal? ManualReorderPoint, int? MaxCoverDays, decimal? ServiceLevel,
    StockComputationDto? LastComputation, DateTimeOffset? UpdatedAt, int Version)
{
    /// <param name="stored">False for the implicit default of a product and warehouse without a policy row.</param>
    public static StockPolicyDto From(StockPolicy p, bool stored, string sku, string name, string code) => new(
        stored ? p.Id : null, p.ProductId, sku, name, p.WarehouseId, code, p.Mode, p.SafetyStock, p.ReorderPoint, p.ManualSafetyStock, p.ManualReorderPoint,
        p.MaxCoverDays, p.ServiceLevel,
        p.LastComputation is { } c && p.ComputedAt is { } at
            ? new StockComputationDto(at, c.WindowDays, c.DaysWithDemand, c.MeanDailyDemand, c.DemandStdDev, c.LeadTimeDays, p.LeadTimeSupplierId,
                c.ServiceLevel, c.Z, c.SafetyStock, c.ReorderPoint, c.Basis, c.ForecastMethod, c.ForecastRmse, c.LeadTimeDemand)
            : null,
        p.Version == 0 ? null : p.UpdatedAt, p.Version);
}

public sealed record RecomputeRequest(PolicyKey[]? Items = null);

public sealed record ReorderSuggestionDto(
    Guid ProductId, string Sku, string ProductName, Guid WarehouseId, string WarehouseCode, decimal OnHand, decimal Available, decimal Incoming,
    decimal? SafetyStock, decimal ReorderPoint, decimal MeanDailyDemand, int ReviewPeriodDays, decimal SuggestedQuantity,
    Guid? SupplierId, string? SupplierCode, string? SupplierName, int LeadTimeDays);

public sealed record ReorderSuggestions(IReadOnlyList<ReorderSuggestionDto> Items);

/// <summary>Safety stock and reorder point per product and warehouse, their recomputation, and what to reorder.</summary>
public static class ReplenishmentEndpoints
{
    public static void MapReplenishmentEndpoints(this IEndpointRouteBuilder app)
    {
        var inventory = app.MapGroup("/api/inventory").WithTags("Inventory").RequireAuthorization(Policies.Read);
        inventory.MapGet("/policies", ListAsync).WithName("ListStockPolicies").WithSummary("Safety stock and reorder points per product and warehouse, a page at a time.");
        inventory.MapGet("/policies/{productId:guid}/{warehouseId:guid}", GetAsync).WithName("GetStockPolicy").WithSummary("The stock policy of one product in one warehouse (the computed default when none was saved).");
        inventory.MapPut("/policies/{productId:guid}/{warehouseId:guid}", PutAsync).WithName("SetStockPolicy").WithSummary("Sets a manual policy or returns to a computed one; send the ETag you read in If-Match.").RequiresIfMatch().RequireAuthorization(Policies.ManageStock);
        inventory.MapPost("/policies/recompute", RecomputeAsync).WithName("RecomputeStockPolicies").WithSummary("Recomputes computed policies from recent demand and lead times; 409 while a run is in progress.").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.ManageStock);
        inventory.MapGet("/reorder-suggestions", SuggestionsAsync).WithName("GetReorderSuggestions").WithSummary("What to reorder: products below their reorder point, with the quantity to reach it.");
    }

    private static async Task<Ok<Page<StockPolicyDto>>> ListAsync(
        OrderlyDbContext db, Guid? productId, Guid? warehouseId, StockPolicyMode? mode, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.StockPolicies.AsNoTracking();
        if (productId is { } p)
        {
            query = query.Where(x => x.ProductId == p);
        }

        if (warehouseId is { } w)
        {
            query = query.Where(x => x.WarehouseId == w);
        }

        if (mode is { } m)
        {
            query = query.Where(x => x.Mode == m);
        }

        if (Paging.ParseCursor(cursor) is { } after)
        {
            query = query.Where(x => x.Id.CompareTo(after) > 0);
        }

        var rows = await query.OrderBy(x => x.Id).Take(take + 1)
            .Join(db.ProductRefs(), x => x.ProductId, pr => pr.Id, (x, pr) => new { x, pr.Sku, pr.Name })
            .Join(db.Warehouses, y => y.x.WarehouseId, wh => wh.Id, (y, wh) => new { y.x, y.Sku, y.Name, wh.Code })
            .OrderBy(y => y.x.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(Paging.From(rows.ConvertAll(r => StockPolicyDto.From(r.x, stored: true, r.Sku, r.Name, r.Code)), take, r => r.Id!.Value));
    }

    private static async Task<Ok<StockPolicyDto>> GetAsync(Guid productId, Guid warehouseId, OrderlyDbContext db, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var (sku, name, _) = await ProductAsync(db, productId, ct);
        var code = await WarehouseCodeAsync(db, warehouseId, ct);
        var stored = await db.StockPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.ProductId == productId && p.WarehouseId == warehouseId, ct);
        var policy = stored ?? Implicit(productId, warehouseId, time);
        ETags.Write(http, policy.Version);
        return TypedResults.Ok(StockPolicyDto.From(policy, stored is not null, sku, name, code));
    }

    private static async Task<Ok<StockPolicyDto>> PutAsync(
        Guid productId, Guid warehouseId, StockPolicyRequest request, OrderlyDbContext db, Writes writes, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var (sku, name, wholeUnits) = await ProductAsync(db, productId, ct);
        var code = await WarehouseCodeAsync(db, warehouseId, ct);
        CheckShape(request);
        var policy = await writes.RunAsync(async token =>
        {
            var now = time.GetUtcNow();
            var policy = await db.StockPolicies.FirstOrDefaultAsync(p => p.ProductId == productId && p.WarehouseId == warehouseId, token);
            if (policy is null)
            {
                ETags.RequireMatch(http, Implicit(productId, warehouseId, time));
                policy = new StockPolicy(productId, warehouseId, now);
                db.StockPolicies.Add(policy);
            }
            else
            {
                ETags.RequireMatch(http, policy);
            }

            if (request.Mode == StockPolicyMode.Manual)
            {
                policy.SetManual(request.SafetyStock!.Value, request.ReorderPoint!.Value, request.MaxCoverDays, request.ServiceLevel, wholeUnits, now);
            }
            else
            {
                policy.SetComputed(request.MaxCoverDays, request.ServiceLevel, now);
            }

            return policy;
        }, ct);
        ETags.Write(http, policy.Version);
        return TypedResults.Ok(StockPolicyDto.From(policy, stored: true, sku, name, code));
    }

    private static async Task<Ok<RecomputeResult>> RecomputeAsync(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] RecomputeRequest? request,
        ReplenishmentService replenishment, CancellationToken ct) =>
        TypedResults.Ok(await replenishment.TryRecomputeAsync(request?.Items, ct)
            ?? throw new ConflictException("JobAlreadyRunning", "Stock policies are being recomputed right now (on this or another node); try again in a moment."));

    private static async Task<Ok<ReorderSuggestions>> SuggestionsAsync(Reordering reordering, Guid? productId, Guid? warehouseId, CancellationToken ct) =>
        TypedResults.Ok(await reordering.SuggestAsync(productId, warehouseId, ct));

    private static void CheckShape(StockPolicyRequest request)
    {
        var violations = new List<RuleViolation>();
        if (request.Mode == StockPolicyMode.Manual)
        {
            if (request.SafetyStock is null)
            {
                violations.Add(new("safetyStock", "Required", "A manual policy names its safety stock."));
            }

            if (request.ReorderPoint is null)
            {
                violations.Add(new("reorderPoint", "Required", "A manual policy names its reorder point."));
            }
        }
        else
        {
            if (request.SafetyStock is not null)
            {
                violations.Add(new("safetyStock", "NotSetInComputedMode", "A computed policy takes its safety stock from demand history."));
            }

            if (request.ReorderPoint is not null)
            {
                violations.Add(new("reorderPoint", "NotSetInComputedMode", "A computed policy takes its reorder point from demand history."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }
    }

    private static async Task<(string Sku, string Name, bool WholeUnits)> ProductAsync(OrderlyDbContext db, Guid productId, CancellationToken ct)
    {
        var product = await db.ProductRefs().Where(p => p.Id == productId).Select(p => new { p.Sku, p.Name, p.IsWholeUnit }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Product", productId);
        return (product.Sku, product.Name, product.IsWholeUnit);
    }

    private static async Task<string> WarehouseCodeAsync(OrderlyDbContext db, Guid warehouseId, CancellationToken ct) =>
        await db.Warehouses.AsNoTracking().Where(w => w.Id == warehouseId).Select(w => w.Code).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException("Warehouse", warehouseId);

    /// <summary>The policy every product and warehouse has before anyone saves one: computed, with the defaults, version 0.</summary>
    private static StockPolicy Implicit(Guid productId, Guid warehouseId, TimeProvider time)
    {
        var policy = new StockPolicy(productId, warehouseId, time.GetUtcNow());
        policy.Version = 0;
        return policy;
    }
}
