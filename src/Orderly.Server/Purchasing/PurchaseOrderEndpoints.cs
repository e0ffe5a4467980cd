using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Purchasing;
using Orderly.Server.Data;
using Orderly.Server.Documents;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Purchasing;

/// <summary>Purchase orders: create (by hand or from reorder suggestions), approve, send, confirm, receive, cancel, close.</summary>
public static class PurchaseOrderEndpoints
{
    public static void MapPurchaseOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var pos = app.MapGroup("/api/purchase-orders").WithTags("Purchasing").RequireAuthorization(Policies.Read);
        pos.MapPost("/", CreateAsync).WithName("CreatePurchaseOrder").AcceptsIdempotencyKey().RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("Creates a draft purchase order; priced from the supplier's price list unless a unit price is given; blocked for a supplier whose scorecard blocks.");
        pos.MapPost("/from-suggestions", FromSuggestionsAsync).WithName("CreatePurchaseOrdersFromSuggestions").RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("One draft purchase order per supplier and warehouse from the reorder suggestions, quantities rounded up to MOQ and pack size.");
        pos.MapGet("/", ListAsync).WithName("ListPurchaseOrders").WithSummary("Purchase orders, newest first, a page at a time.");
        pos.MapGet("/{id:guid}", GetAsync).WithName("GetPurchaseOrder").WithSummary("One purchase order with its lines, receipts and shipping notices.");
        pos.MapPost("/{id:guid}/approve", ApproveAsync).WithName("ApprovePurchaseOrder").RequireAuthorization(PurchasingPolicies.ApprovePurchaseOrders)
            .WithSummary("Approves a draft within the approver's limit for its amount.");
        pos.MapPost("/{id:guid}/send", SendAsync).WithName("SendPurchaseOrder").RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("Sends an approved order to the supplier (raises PurchaseOrderSent; Communication e-mails it).");
        pos.MapPost("/{id:guid}/confirm", ConfirmAsync).WithName("ConfirmPurchaseOrder").RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("Records the supplier's confirmation: quantities and promised dates per line.");
        pos.MapPost("/{id:guid}/receipts", ReceiveAsync).WithName("ReceivePurchaseOrder").RequireAuthorization(PurchasingPolicies.ReceivePurchaseOrders)
            .WithSummary("Receives goods: per line the quantity arrived and how much was rejected (with the reason); the rest enters stock and fills backorders.");
        pos.MapPost("/{id:guid}/shipping-notices", NoticeAsync).WithName("PostPurchaseOrderShippingNotice").RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("Records the supplier's shipping notice; for a drop-ship order it ships the sales lines to the customer.");
        pos.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelPurchaseOrder").RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("Cancels what is still open: Cancelled when nothing arrived, else Closed.");
        pos.MapPost("/{id:guid}/close", CloseAsync).WithName("ClosePurchaseOrder").RequireAuthorization(PurchasingPolicies.ManagePurchasing)
            .WithSummary("Closes a received or partly received order; what is still open will not come.");
        pos.MapGet("/{id:guid}/document.pdf", (Guid id, string? lang, PurchaseOrderDocument d, HttpContext h, CancellationToken ct) =>
                Documents.DocumentEndpoints.PdfAsync(h, d.RenderAsync(id, Documents.DocumentLanguage.Parse(lang), ct)))
            .ProducesDocument().WithName("PurchaseOrderPdf").WithSummary("The purchase order as the supplier receives it (PDF, ?lang=zh-CN|en).");
        pos.MapGet("/backorder-dates", BackorderDatesAsync).WithName("GetBackorderDates")
            .WithSummary("When each backordered line of a sales order can ship, from stock and the open purchase orders' promised dates.");
    }

    private static async Task<IResult> CreateAsync(PurchaseOrderRequest request, PurchaseOrderService service, Idempotency idempotency, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct)
    {
        var actor = CurrentUser.IdOf(http.User);
        return await idempotency.CreateAsync<PurchaseOrderRequest, PurchaseOrderDto>(http, json.Value.SerializerOptions, "purchase-orders", actor, request,
            async beforeCommit =>
            {
                var (po, warnings) = await service.CreateAsync(request, actor,
                    beforeCommit is null ? null : (po, w, token) => beforeCommit(PurchaseOrderDto.From(po, w), token), ct);
                return PurchaseOrderDto.From(po, warnings);
            },
            dto => $"/api/purchase-orders/{dto.Id}");
    }

    private static async Task<Ok<FromSuggestionsResult>> FromSuggestionsAsync(FromSuggestionsRequest? request, PurchaseOrderService service, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await service.FromSuggestionsAsync(request ?? new FromSuggestionsRequest(), CurrentUser.IdOf(http.User), ct));

    private static async Task<Ok<Page<PurchaseOrderDto>>> ListAsync(
        OrderlyDbContext db, Guid? supplierId, PurchaseOrderStatus? status, Guid? warehouseId, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.Set<PurchaseOrder>().AsNoTracking();
        if (supplierId is { } s)
        {
            query = query.Where(o => o.SupplierId == s);
        }

        if (status is { } st)
        {
            query = query.Where(o => o.Status == st);
        }

        if (warehouseId is { } w)
        {
            query = query.Where(o => o.WarehouseId == w);
        }

        if (Paging.ParseCursor(cursor) is { } after)
        {
            query = query.Where(o => o.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(o => o.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(rows.ConvertAll(o => PurchaseOrderDto.From(o)), take, o => o.Id));
    }

    private static async Task<Ok<PurchaseOrderDetailDto>> GetAsync(Guid id, OrderlyDbContext db, HttpContext http, CancellationToken ct)
    {
        var po = await db.Set<PurchaseOrder>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("Purchase order", id);
        ETags.Write(http, po.Version);
        return TypedResults.Ok(await PurchaseOrderDetailDto.LoadAsync(db, po, withListPrices: true, ct));
    }

    private static async Task<Ok<PurchaseOrderDto>> ApproveAsync(Guid id, PurchaseOrderService service, Caller caller, CancellationToken ct) =>
        TypedResults.Ok(PurchaseOrderDto.From(await service.ApproveAsync(id, caller, ct)));

    private static async Task<Ok<PurchaseOrderDto>> SendAsync(Guid id, PurchaseOrderService service, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(PurchaseOrderDto.From(await service.SendAsync(id, CurrentUser.IdOf(http.User), ct)));

    private static async Task<Ok<PurchaseOrderDto>> ConfirmAsync(Guid id, ConfirmRequest request, PurchaseOrderService service, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(PurchaseOrderDto.From(await service.ConfirmAsync(id, null, request, CurrentUser.IdOf(http.User), ct)));

    private static async Task<Created<ReceiveResult>> ReceiveAsync(Guid id, PurchaseReceiptRequest request, PurchaseOrderService service, HttpContext http, CancellationToken ct)
    {
        var (po, receipt) = await service.ReceiveAsync(id, request, CurrentUser.IdOf(http.User), ct);
        return TypedResults.Created($"/api/purchase-orders/{id}", new ReceiveResult(PurchaseOrderDto.From(po), PurchaseOrderDetailDto.ReceiptOf(receipt)));
    }

    private static async Task<Created<ShippingNoticeDto>> NoticeAsync(Guid id, ShippingNoticeRequest request, PurchaseOrderService service, HttpContext http, CancellationToken ct)
    {
        var (_, notice) = await service.NoticeAsync(id, null, request, CurrentUser.IdOf(http.User), ct);
        return TypedResults.Created($"/api/purchase-orders/{id}", PurchaseOrderDetailDto.NoticeOf(notice));
    }

    private static async Task<Ok<PurchaseOrderDto>> CancelAsync(Guid id, ReasonRequest? request, PurchaseOrderService service, CancellationToken ct) =>
        TypedResults.Ok(PurchaseOrderDto.From(await service.CancelAsync(id, request?.Reason, ct)));

    private static async Task<Ok<PurchaseOrderDto>> CloseAsync(Guid id, ReasonRequest? request, PurchaseOrderService service, CancellationToken ct) =>
        TypedResults.Ok(PurchaseOrderDto.From(await service.CloseAsync(id, request?.Reason, ct)));

    private static async Task<Ok<ItemList<BackorderDateDto>>> BackorderDatesAsync(Guid orderId, BackorderDates dates, CancellationToken ct) =>
        TypedResults.Ok(new ItemList<BackorderDateDto>(await dates.ForOrderAsync(orderId, ct)));
}

public sealed record ItemList<T>(IReadOnlyList<T> Items);

public sealed record PurchaseOrderDetailDto(PurchaseOrderDto Order, IReadOnlyList<PurchaseReceiptDto> Receipts, IReadOnlyList<ShippingNoticeDto> ShippingNotices)
{
    public static async Task<PurchaseOrderDetailDto> LoadAsync(OrderlyDbContext db, PurchaseOrder po, bool withListPrices, CancellationToken ct)
    {
        var receipts = await db.Set<PurchaseReceipt>().AsNoTracking().Where(r => r.PurchaseOrderId == po.Id).OrderBy(r => r.Id).ToListAsync(ct);
        var notices = await db.Set<ShippingNotice>().AsNoTracking().Where(n => n.PurchaseOrderId == po.Id).OrderBy(n => n.Id).ToListAsync(ct);
        return new(PurchaseOrderDto.From(po, null, withListPrices), receipts.ConvertAll(ReceiptOf), notices.ConvertAll(NoticeOf));
    }

    public static PurchaseReceiptDto ReceiptOf(PurchaseReceipt r) => new(r.Id, r.PurchaseOrderId, r.StockReceiptId, r.ReceivedOn,
        [.. r.Lines.Select(l => new PurchaseReceiptLineDto(l.PurchaseOrderLineId, l.ProductId, l.Arrived, l.Rejected, l.Accepted, l.RejectReason))]);

    public static ShippingNoticeDto NoticeOf(ShippingNotice n) => new(n.Id, n.PurchaseOrderId, n.Carrier, n.TrackingNumber, n.ShipDate, n.Eta, n.ShipmentId,
        [.. n.Lines.Select(l => new NoticeLineRequest(l.PurchaseOrderLineId, l.Quantity))]);
}
