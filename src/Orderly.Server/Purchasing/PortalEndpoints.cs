using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Purchasing;
using Orderly.Server.Data;
using Orderly.Server.Documents;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Purchasing;

/// <summary>
/// The supplier portal: a user with the Supplier role, tied to one supplier, sees that supplier's sent purchase
/// orders only (no sales lines, no price-list prices of others), confirms them, proposes other dates and posts
/// shipping notices. Every query is filtered by the caller's supplier; another supplier's order is a 404.
/// </summary>
public static class PortalEndpoints
{
    private static readonly PurchaseOrderStatus[] Visible =
        [PurchaseOrderStatus.Sent, PurchaseOrderStatus.Confirmed, PurchaseOrderStatus.PartiallyReceived, PurchaseOrderStatus.Received, PurchaseOrderStatus.Closed];

    public static void MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        var portal = app.MapGroup("/api/portal").WithTags("Supplier portal").RequireAuthorization(PurchasingPolicies.SupplierPortal);
        portal.MapGet("/purchase-orders", ListAsync).WithName("PortalListPurchaseOrders").WithSummary("The caller's supplier's purchase orders, newest first.");
        portal.MapGet("/purchase-orders/{id:guid}", GetAsync).WithName("PortalGetPurchaseOrder").WithSummary("One of the caller's supplier's purchase orders.");
        portal.MapGet("/purchase-orders/{id:guid}/document.pdf", DocumentAsync).ProducesDocument().WithName("PortalPurchaseOrderPdf")
            .WithSummary("One of the caller's supplier's purchase orders as PDF (?lang=zh-CN|en).");
        portal.MapPost("/purchase-orders/{id:guid}/confirm", ConfirmAsync).WithName("PortalConfirmPurchaseOrder").WithSummary("Confirms quantities and promised dates per line.");
        portal.MapPost("/purchase-orders/{id:guid}/propose", ProposeAsync).WithName("PortalProposeDates").WithSummary("Proposes other dates per line, for the buyer to accept.");
        portal.MapPost("/purchase-orders/{id:guid}/shipping-notices", NoticeAsync).WithName("PortalPostShippingNotice").WithSummary("Posts a shipping notice with carrier and tracking number.");
    }

    /// <summary>The supplier the caller acts for; a Supplier login tied to none may do nothing.</summary>
    public static async Task<Guid> SupplierOfAsync(OrderlyDbContext db, Caller caller, CancellationToken ct) =>
        caller.PersonId is { } user && await db.Set<SupplierUser>().AsNoTracking().Where(u => u.UserId == user).Select(u => (Guid?)u.SupplierId).FirstOrDefaultAsync(ct) is { } supplier
            ? supplier
            : throw new ForbiddenException("NoSupplier", "This login is not tied to a supplier.");

    private static async Task<Ok<Page<PurchaseOrderDto>>> ListAsync(OrderlyDbContext db, Caller caller, int? limit, string? cursor, CancellationToken ct)
    {
        var supplier = await SupplierOfAsync(db, caller, ct);
        var take = Paging.Clamp(limit);
        var query = db.Set<PurchaseOrder>().AsNoTracking().Where(o => o.SupplierId == supplier && Visible.Contains(o.Status));
        if (Paging.ParseCursor(cursor) is { } after)
        {
            query = query.Where(o => o.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(o => o.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(rows.ConvertAll(o => PurchaseOrderDto.From(o, null, withListPrices: false)), take, o => o.Id));
    }

    private static async Task<Ok<PurchaseOrderDetailDto>> GetAsync(Guid id, OrderlyDbContext db, Caller caller, CancellationToken ct)
    {
        var supplier = await SupplierOfAsync(db, caller, ct);
        var po = await db.Set<PurchaseOrder>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id && o.SupplierId == supplier && Visible.Contains(o.Status), ct)
            ?? throw new NotFoundException("Purchase order", id);
        return TypedResults.Ok(await PurchaseOrderDetailDto.LoadAsync(db, po, withListPrices: false, ct));
    }

    private static async Task<IResult> DocumentAsync(Guid id, string? lang, OrderlyDbContext db, Caller caller, PurchaseOrderDocument document, HttpContext http, CancellationToken ct)
    {
        var supplier = await SupplierOfAsync(db, caller, ct);
        var language = Documents.DocumentLanguage.Parse(lang);
        var visible = await db.Set<PurchaseOrder>().AsNoTracking().AnyAsync(o => o.Id == id && o.SupplierId == supplier && Visible.Contains(o.Status), ct);
        return await Documents.DocumentEndpoints.PdfAsync(http, visible ? document.RenderAsync(id, language, ct) : Task.FromResult<Documents.RenderedDocument?>(null));
    }

    private static async Task<Ok<PurchaseOrderDto>> ConfirmAsync(Guid id, ConfirmRequest request, OrderlyDbContext db, Caller caller, PurchaseOrderService service, CancellationToken ct)
    {
        var supplier = await SupplierOfAsync(db, caller, ct);
        return TypedResults.Ok(PurchaseOrderDto.From(await service.ConfirmAsync(id, supplier, request, caller.PersonId, ct), null, withListPrices: false));
    }

    private static async Task<Ok<PurchaseOrderDto>> ProposeAsync(Guid id, ProposeRequest request, OrderlyDbContext db, Caller caller, PurchaseOrderService service, CancellationToken ct)
    {
        var supplier = await SupplierOfAsync(db, caller, ct);
        return TypedResults.Ok(PurchaseOrderDto.From(await service.ProposeAsync(id, supplier, request, ct), null, withListPrices: false));
    }

    private static async Task<Created<ShippingNoticeDto>> NoticeAsync(Guid id, ShippingNoticeRequest request, OrderlyDbContext db, Caller caller, PurchaseOrderService service, CancellationToken ct)
    {
        var supplier = await SupplierOfAsync(db, caller, ct);
        var (_, notice) = await service.NoticeAsync(id, supplier, request, caller.PersonId, ct);
        return TypedResults.Created($"/api/portal/purchase-orders/{id}", PurchaseOrderDetailDto.NoticeOf(notice));
    }
}
