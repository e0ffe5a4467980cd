using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Allocation;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;
using Orderly.Server.Purchasing;

namespace Orderly.Server.Allocation;

public sealed record ReallocationPreview(string PlanId, IReadOnlyList<ReallocationMove> Moves);

public sealed record ApplyReallocationRequest(string PlanId, Guid? ProductId = null);

public sealed record ReplenishmentRequestDto(Guid Id, Guid ProductId, string Sku, Guid OrderId, string OrderNumber, Guid OrderLineId, decimal Quantity, RequestStatus Status, DateTimeOffset CreatedAt);

/// <summary><c>quantity</c> is what the supplier still has to ship; <c>requested</c> and <c>shipped</c> keep the whole story.</summary>
public sealed record DropShipRequestDto(
    Guid Id, Guid SupplierId, string SupplierName, Guid ProductId, string Sku, Guid OrderId, string OrderNumber, decimal Quantity,
    RequestStatus Status, DateTimeOffset CreatedAt, decimal Requested, decimal Shipped);

public static class AllocationEndpoints
{
    public static void MapAllocationEndpoints(this IEndpointRouteBuilder app)
    {
        var allocation = app.MapGroup("/api/allocation").WithTags("Allocation").RequireAuthorization(Policies.Read);
        allocation.MapGet("/reallocation", PreviewAsync).WithName("PreviewReallocation").RequireAuthorization(Policies.ApproveOrders)
            .WithSummary("What a re-allocation run would move, from which order to which, without changing anything.");
        allocation.MapPost("/reallocation", ApplyAsync).WithName("ApplyReallocation").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.ApproveOrders)
            .WithSummary("Applies the previewed plan; 409 PlanChanged when orders or stock moved since the preview.");
        allocation.MapGet("/replenishment-requests", ReplenishmentAsync).WithName("ListReplenishmentRequests").WithSummary("Requests to replenish a warehouse raised by allocation for backordered lines.");
        allocation.MapGet("/drop-ship-requests", DropShipAsync).WithName("ListDropShipRequests").WithSummary("Lines allocated to a supplier for drop shipping, with what is still to ship.");
    }

    private static async Task<Ok<ReallocationPreview>> PreviewAsync(ReallocationService reallocation, Guid? productId, CancellationToken ct)
    {
        var plan = await reallocation.PlanAsync(productId, ct);
        return TypedResults.Ok(new ReallocationPreview(plan.Id, plan.Moves));
    }

    private static async Task<Ok<ReallocationPreview>> ApplyAsync(ApplyReallocationRequest request, ReallocationService reallocation, HttpContext http, CancellationToken ct)
    {
        var plan = await reallocation.ApplyAsync(request.PlanId, request.ProductId, CurrentUser.IdOf(http.User), ct);
        return TypedResults.Ok(new ReallocationPreview(plan.Id, plan.Moves));
    }

    private static async Task<Ok<List<ReplenishmentRequestDto>>> ReplenishmentAsync(
        OrderlyDbContext db, DataScope scope, RequestStatus? status, Guid? productId, CancellationToken ct)
    {
        var query = db.ReplenishmentRequests.AsNoTracking().Where(r => r.Status == (status ?? RequestStatus.Open));
        if (await scope.VisibleOrderIdsAsync(ct) is { } visible)
        {
            query = query.Where(r => visible.Contains(r.OrderId));
        }

        if (productId is { } p)
        {
            query = query.Where(r => r.ProductId == p);
        }

        var rows = await query
            .Join(db.ProductRefs(), r => r.ProductId, p => p.Id, (r, p) => new { r, p.Sku })
            .Join(db.OrderRefs(), x => x.r.OrderId, o => o.Id, (x, o) => new { x.r, x.Sku, o.Number })
            .OrderByDescending(x => x.r.Id).Take(Paging.MaxLimit)
            .ToListAsync(ct);
        return TypedResults.Ok(rows.ConvertAll(x => new ReplenishmentRequestDto(x.r.Id, x.r.ProductId, x.Sku, x.r.OrderId, x.Number, x.r.OrderLineId, x.r.Quantity, x.r.Status, x.r.CreatedAt)));
    }

    private static async Task<Ok<List<DropShipRequestDto>>> DropShipAsync(
        OrderlyDbContext db, DataScope scope, RequestStatus? status, Guid? supplierId, CancellationToken ct)
    {
        var query = db.DropShipRequests.AsNoTracking().Where(r => r.Status == (status ?? RequestStatus.Open));
        if (await scope.VisibleOrderIdsAsync(ct) is { } visible)
        {
            query = query.Where(r => visible.Contains(r.OrderId));
        }

        if (supplierId is { } s)
        {
            query = query.Where(r => r.SupplierId == s);
        }

        var rows = await query
            .Join(db.ProductRefs(), r => r.ProductId, p => p.Id, (r, p) => new { r, p.Sku })
            .Join(db.SupplierRefs(), x => x.r.SupplierId, s => s.Id, (x, s) => new { x.r, x.Sku, s.Name })
            .Join(db.OrderRefs(), x => x.r.OrderId, o => o.Id, (x, o) => new { x.r, x.Sku, x.Name, o.Number })
            .OrderByDescending(x => x.r.Id).Take(Paging.MaxLimit)
            .ToListAsync(ct);
        return TypedResults.Ok(rows.ConvertAll(x => new DropShipRequestDto(x.r.Id, x.r.SupplierId, x.Name, x.r.ProductId, x.Sku, x.r.OrderId, x.Number,
            x.r.Quantity - x.r.Shipped, x.r.Status, x.r.CreatedAt, x.r.Quantity, x.r.Shipped)));
    }
}
