using Orderly.Domain.Allocation;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;

namespace Orderly.Server.Orders;

public sealed record OrderLineInput(Guid ProductId, decimal Quantity, decimal? UnitPrice = null, decimal? DiscountPercent = null);

/// <param name="Submit">
/// Only on create: place and submit in one request and one transaction, answered with the submitted order
/// (<c>PendingApproval</c> or <c>Confirmed</c>); when the submit is refused, no draft is left behind.
/// </param>
public sealed record OrderInput(
    Guid CustomerId, OrderLineInput[] Lines, string? Currency = null, DateOnly? RequestedDeliveryDate = null, string? CustomerPo = null,
    ReservationPolicy? ReservationPolicy = null, bool Submit = false)
{
    public OrderRequest ToRequest() => new(
        CustomerId, Currency, RequestedDeliveryDate, CustomerPo,
        [.. Lines.Select(l => new OrderLineRequest(l.ProductId, l.Quantity, l.UnitPrice, l.DiscountPercent))]);
}

public sealed record ReasonInput(string? Reason = null);

public sealed record ShipmentLineInput(Guid LineId, decimal Quantity);

public sealed record ShipmentInput(ShipmentLineInput[] Lines, string? Carrier = null, string? TrackingNumber = null);

public sealed record ReservationDto(Guid WarehouseId, string WarehouseCode, decimal Quantity);

public sealed record OrderLineDto(
    Guid Id, int LineNumber, Guid ProductId, string Sku, string ProductName, string Unit, decimal Quantity,
    decimal UnitPrice, decimal ListPrice, decimal DiscountPercent, decimal LineTotal,
    decimal Reserved, decimal Backordered, decimal Shipped, decimal Delivered, decimal Returned, decimal Invoiced,
    IReadOnlyList<ReservationDto> Reservations, decimal DropShip = 0, AllocationDecisionDto? Allocation = null);

/// <summary>How the line was last allocated: what was chosen, every candidate considered and why.</summary>
public sealed record AllocationDecisionDto(
    DateTimeOffset DecidedAt, ReservationPolicy Policy, string Summary, IReadOnlyList<AllocationLine> Allocations, IReadOnlyList<CandidateNote> Candidates);

public sealed record StatusChangeDto(OrderStatus? From, OrderStatus To, DateTimeOffset At, Guid? By, string? ByName, string? Reason);

public sealed record OrderDto(
    Guid Id, string Number, Guid CustomerId, string CustomerCode, string CustomerName, OrderStatus Status, string Currency,
    decimal Total, DateOnly OrderDate, DateOnly? RequestedDeliveryDate, string? CustomerPo, IReadOnlyList<string> ApprovalReasons,
    string? StatusReason, DateTimeOffset CreatedAt, Guid? CreatedBy, DateTimeOffset? SubmittedAt, DateTimeOffset? ConfirmedAt,
    int Version, IReadOnlyList<OrderLineDto> Lines, IReadOnlyList<StatusChangeDto> StatusHistory, IReadOnlyList<EntryWarning> Warnings,
    IReadOnlyList<OrderAction> AllowedActions, ReservationPolicy ReservationPolicy = ReservationPolicy.ShipPartial,
    string PaymentStatus = "NotInvoiced", decimal Invoiced = 0, decimal Paid = 0, decimal Due = 0);

public sealed record OrderSummaryDto(
    Guid Id, string Number, Guid CustomerId, string CustomerName, OrderStatus Status, string Currency, decimal Total,
    DateOnly OrderDate, DateOnly? RequestedDeliveryDate, string? CustomerPo, int LineCount, DateTimeOffset CreatedAt,
    string PaymentStatus = "NotInvoiced", decimal Invoiced = 0, decimal Paid = 0, decimal Due = 0);

public sealed record ShipmentDto(Guid Id, Guid? WarehouseId, Guid? SupplierId, string? Carrier, string? TrackingNumber, DateTimeOffset ShippedAt, IReadOnlyList<ShipmentLineInput> Lines);

public sealed record ShipmentResult(IReadOnlyList<ShipmentDto> Shipments, OrderDto Order);

/// <summary>The live entry checks of a draft without saving it: what the clerk's screen shows as they type.</summary>
public sealed record EntryCheckDto(
    bool IsValid, decimal Total, string Currency, IReadOnlyList<RuleViolation> Errors, IReadOnlyList<EntryWarning> Warnings,
    IReadOnlyList<LinePromiseDto>? Lines = null);

/// <summary>Per entered line: what is available now and the earliest date the line's quantity can be delivered.</summary>
public sealed record LinePromiseDto(int Index, Guid ProductId, decimal Quantity, decimal Available, DateOnly? AvailableToPromise, Guid? FromWarehouseId);
