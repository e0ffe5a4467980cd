namespace Orderly.Domain.Billing;

public enum InvoiceStatus
{
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
    Overdue,
    Cancelled,
}

/// <summary>An invoice, or a credit note (红字发票) that reduces an issued invoice for a return or a price correction.</summary>
public enum InvoiceKind
{
    Invoice,
    CreditNote,
}

/// <summary>The fapiao the tax system issues for the invoice: 普通发票 or 增值税专用发票 (the buyer may deduct its input tax).</summary>
public enum FapiaoType
{
    Ordinary,
    Special,
}

/// <summary>When a customer's invoices are raised: for what was shipped (the default) or for what was ordered.</summary>
public enum InvoicingPolicy
{
    OnShipment,
    OnOrder,
}
