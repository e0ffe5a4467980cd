namespace Orderly.Domain.Purchasing;

public enum PurchaseOrderStatus
{
    Draft,
    Approved,
    Sent,
    Confirmed,
    PartiallyReceived,
    Received,
    Closed,
    Cancelled,
}
