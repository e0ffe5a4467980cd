using Orderly.Domain.Common;
using Orderly.Domain.Purchasing;

namespace Orderly.Server.Purchasing;

public sealed record PurchaseOrderLineRequest(Guid ProductId, decimal Quantity, decimal? UnitPrice = null);

public sealed record PurchaseOrderRequest(Guid SupplierId, Guid WarehouseId, PurchaseOrderLineRequest[] Lines, Guid? SalesOrderLineId = null);

public sealed record SuggestionPick(Guid ProductId, Guid WarehouseId, decimal? Quantity = null);

public sealed record FromSuggestionsRequest(SuggestionPick[]? Items = null);

public sealed record ConfirmLineRequest(Guid LineId, decimal Quantity, DateOnly PromisedDate);

public sealed record ConfirmRequest(ConfirmLineRequest[] Lines);

public sealed record ProposeLineRequest(Guid LineId, DateOnly ProposedDate);

public sealed record ProposeRequest(ProposeLineRequest[] Lines);

public sealed record ReceiptLineRequestDto(Guid LineId, decimal Quantity, decimal? Rejected = null, string? Reason = null);

public sealed record PurchaseReceiptRequest(ReceiptLineRequestDto[] Lines);

public sealed record ReasonRequest(string? Reason = null);

public sealed record NoticeLineRequest(Guid LineId, decimal Quantity);

public sealed record ShippingNoticeRequest(string Carrier, string? TrackingNumber, NoticeLineRequest[] Lines, DateOnly? ShipDate = null, DateOnly? Eta = null);

public sealed record PurchaseOrderLineDto(
    Guid Id, int LineNumber, Guid ProductId, decimal Quantity, decimal UnitPrice, decimal? ListPrice, Guid? SalesOrderLineId, DateOnly? ExpectedDate,
    decimal? ConfirmedQuantity, DateOnly? PromisedDate, DateOnly? ProposedDate, decimal Arrived, decimal Rejected, decimal Accepted,
    decimal ShippedBySupplier, decimal Cancelled, decimal Open);

public sealed record PurchaseOrderDto(
    Guid Id, string Number, Guid SupplierId, Guid WarehouseId, string Status, decimal Total, string Currency, bool DropShip, Guid? SalesOrderId,
    DateTimeOffset CreatedAt, DateTimeOffset? ApprovedAt, DateTimeOffset? SentAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? ClosedAt, string? StatusReason,
    IReadOnlyList<PurchaseOrderLineDto> Lines, int Version, IReadOnlyList<string> Warnings)
{
    public static PurchaseOrderDto From(PurchaseOrder o, IReadOnlyList<string>? warnings = null, bool withListPrices = true) => new(
        o.Id, o.Number, o.SupplierId, o.WarehouseId, o.Status.ToString(), o.Total.Amount, o.Currency, o.DropShip, withListPrices ? o.SalesOrderId : null,
        o.CreatedAt, o.ApprovedAt, o.SentAt, o.ConfirmedAt, o.ClosedAt, o.StatusReason,
        [.. o.Lines.OrderBy(l => l.LineNumber).Select(l => new PurchaseOrderLineDto(l.Id, l.LineNumber, l.ProductId, l.Quantity,
            Money.FromMinor(l.UnitPriceMinor, o.Currency).Amount,
            withListPrices && l.ListPriceMinor is { } lp ? Money.FromMinor(lp, o.Currency).Amount : null,
            withListPrices ? l.SalesOrderLineId : null, l.ExpectedDate, l.ConfirmedQuantity, l.PromisedDate, l.ProposedDate,
            l.Arrived, l.Rejected, l.Accepted, l.ShippedBySupplier, l.CancelledQuantity, l.Open))],
        o.Version, warnings ?? []);
}

public sealed record PurchaseReceiptDto(Guid Id, Guid PurchaseOrderId, Guid? StockReceiptId, DateOnly ReceivedOn, IReadOnlyList<PurchaseReceiptLineDto> Lines);

public sealed record PurchaseReceiptLineDto(Guid LineId, Guid ProductId, decimal Arrived, decimal Rejected, decimal Accepted, string? Reason);

public sealed record ReceiveResult(PurchaseOrderDto PurchaseOrder, PurchaseReceiptDto Receipt);

public sealed record FromSuggestionsResult(IReadOnlyList<PurchaseOrderDto> PurchaseOrders, IReadOnlyList<SkippedSuggestion> Skipped);

public sealed record SkippedSuggestion(Guid ProductId, Guid WarehouseId, string Code, string Message);

public sealed record ShippingNoticeDto(Guid Id, Guid PurchaseOrderId, string? Carrier, string? TrackingNumber, DateOnly ShipDate, DateOnly? Eta, Guid? ShipmentId,
    IReadOnlyList<NoticeLineRequest> Lines);

public sealed record BackorderDateDto(Guid OrderId, Guid LineId, Guid ProductId, decimal Backordered, DateOnly? ExpectedDate, string Source, Guid? PurchaseOrderId, string? PurchaseOrderNumber);
