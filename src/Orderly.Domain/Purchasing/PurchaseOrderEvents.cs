using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Purchasing;

/// <summary>An event of a purchase order (aggregate type <c>PurchaseOrder</c>); none concerns a customer.</summary>
public interface IPurchaseOrderEvent : IDomainEvent
{
    Guid PurchaseOrderId { get; }

    [JsonIgnore]
    string IDomainEvent.AggregateType => "PurchaseOrder";

    [JsonIgnore]
    Guid IDomainEvent.AggregateId => PurchaseOrderId;
}

public sealed record PurchaseOrderApproved(Guid PurchaseOrderId, string Number, Guid SupplierId, decimal Total, string Currency, Guid? By) : IPurchaseOrderEvent;

/// <summary>Sent to the supplier: Communication e-mails it (with the PDF when a "purchase-order" document source exists).</summary>
public sealed record PurchaseOrderSent(Guid PurchaseOrderId, string Number, Guid SupplierId, string? SupplierEmail, string Language, Guid? By) : IPurchaseOrderEvent;

public sealed record PurchaseOrderConfirmedLine(Guid LineId, Guid ProductId, decimal Quantity, DateOnly? PromisedDate);

public sealed record PurchaseOrderConfirmed(Guid PurchaseOrderId, string Number, Guid SupplierId, IReadOnlyList<PurchaseOrderConfirmedLine> Lines, Guid? By) : IPurchaseOrderEvent;

public sealed record PurchaseOrderReceivedLine(Guid LineId, Guid ProductId, decimal Accepted, decimal Rejected);

public sealed record PurchaseOrderReceived(Guid PurchaseOrderId, string Number, Guid SupplierId, Guid WarehouseId, IReadOnlyList<PurchaseOrderReceivedLine> Lines, Guid? By) : IPurchaseOrderEvent;
