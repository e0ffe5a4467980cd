using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

public sealed record StockAlertDto(
    Guid Id, StockAlertKind Kind, string Status, Guid ProductId, string Sku, string ProductName, Guid WarehouseId, string WarehouseCode,
    DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt, decimal OnHand, decimal Available, decimal? ReorderPoint, decimal MeanDailyDemand,
    decimal? CoverDays, DateOnly? LastSaleDate, decimal Backordered);

/// <summary>Low stock, stock-outs, excess and slow movers: listed, and evaluated on demand.</summary>
public static class StockAlertsEndpoints
{
    public static void MapStockAlertEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/inventory/alerts").WithTags("Inventory").RequireAuthorization(Policies.Read);
        alerts.MapGet("/", ListAsync).WithName("ListStockAlerts").WithSummary("Low stock, stock-outs, excess and slow movers, open or cleared, a page at a time.");
        alerts.MapPost("/evaluate", EvaluateAsync).WithName("EvaluateStockAlerts").WithSummary("Evaluates the stock alerts now instead of at the next scheduled run; 409 while a run is in progress.").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.ManageStock);
    }

    private static async Task<Ok<AlertEvaluation>> EvaluateAsync(StockAlertsService alerts, CancellationToken ct) =>
        TypedResults.Ok(await alerts.TryEvaluateAsync(ct)
            ?? throw new ConflictException("JobAlreadyRunning", "Stock alerts are being evaluated right now (on this or another node); try again in a moment."));

    private static async Task<Ok<Page<StockAlertDto>>> ListAsync(
        OrderlyDbContext db, string? status, string? kind, Guid? productId, Guid? warehouseId, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.StockAlerts.AsNoTracking();
        switch (status?.Trim().ToLowerInvariant())
        {
            case null or "":
                break;
            case "open":
                query = query.Where(a => a.ClearedAt == null);
                break;
            case "cleared":
                query = query.Where(a => a.ClearedAt != null);
                break;
            default:
                throw new RuleViolationException("status", "InvalidStatus", "The status is open or cleared.");
        }

        if (!string.IsNullOrWhiteSpace(kind))
        {
            if (!Enum.TryParse<StockAlertKind>(kind.Trim(), ignoreCase: true, out var k) || !Enum.IsDefined(k) || int.TryParse(kind, out _))
            {
                throw new RuleViolationException("kind", "InvalidKind", $"The kind is one of {string.Join(", ", Enum.GetNames<StockAlertKind>())}.");
            }

            query = query.Where(a => a.Kind == k);
        }

        if (productId is { } p)
        {
            query = query.Where(a => a.ProductId == p);
        }

        if (warehouseId is { } w)
        {
            query = query.Where(a => a.WarehouseId == w);
        }

        if (Paging.ParseCursor(cursor) is { } before)
        {
            query = query.Where(a => a.Id.CompareTo(before) < 0);
        }

        var rows = await query
            .OrderByDescending(a => a.Id)
            .Take(take + 1)
            .Join(db.ProductRefs(), a => a.ProductId, pr => pr.Id, (a, pr) => new { a, pr.Sku, pr.Name })
            .Join(db.Warehouses, x => x.a.WarehouseId, wh => wh.Id, (x, wh) => new { x.a, x.Sku, x.Name, wh.Code })
            .OrderByDescending(x => x.a.Id)
            .ToListAsync(ct);
        var items = rows.ConvertAll(x => new StockAlertDto(
            x.a.Id, x.a.Kind, x.a.IsOpen ? "Open" : "Cleared", x.a.ProductId, x.Sku, x.Name, x.a.WarehouseId, x.Code, x.a.RaisedAt, x.a.ClearedAt,
            x.a.OnHand, x.a.Available, x.a.ReorderPoint, x.a.MeanDailyDemand, x.a.CoverDays, x.a.LastSaleDate, x.a.Backordered));
        return TypedResults.Ok(Paging.From(items, take, i => i.Id));
    }
}
