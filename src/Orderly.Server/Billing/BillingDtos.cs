using Orderly.Domain.Billing;

namespace Orderly.Server.Billing;

public sealed record InvoiceLineInput(Guid OrderLineId, decimal Quantity);

/// <param name="DeductDownPayments">Deduct the order's issued down payments on this invoice: by default only on the final invoice.</param>
public sealed record CreateInvoiceInput(Guid OrderId, InvoiceLineInput[]? Lines = null, string? Note = null, bool? DeductDownPayments = null);

/// <summary>A down-payment invoice of an order: an amount (gross) or a percentage of the order's gross total.</summary>
public sealed record DownPaymentInput(Guid OrderId, decimal? Amount = null, decimal? Percent = null, string? Note = null);

public sealed record CreditNoteLineInput(int InvoiceLineId, decimal? Quantity = null, decimal? Amount = null);

/// <summary>A credit note: per invoice line a returned quantity or a price correction amount (gross).</summary>
public sealed record CreditNoteInput(CreditNoteLineInput[] Lines, string Reason);

public sealed record FapiaoInput(FapiaoType FapiaoType, string? FapiaoNumber = null, BuyerInput? Buyer = null);

public sealed record BuyerInput(string Name, string? TaxId = null, string? Address = null, string? Phone = null, string? Bank = null, string? Account = null);

public sealed record WriteOffInput(decimal Amount, string Reason);

public sealed record InvoiceLineDto(
    int Id, int LineNumber, Guid? OrderLineId, Guid? ProductId, string Description, string Unit, decimal Quantity,
    decimal VatPercent, bool VatExempt, decimal Net, decimal Tax, decimal Gross, Guid? DownPaymentInvoiceId = null);

public sealed record BuyerDto(string Name, string? TaxId, string? Address, string? Phone, string? Bank, string? Account);

public sealed record InvoiceDto(
    Guid Id, string? Number, InvoiceKind Kind, InvoiceStatus Status, Guid? OrderId, string? OrderNumber, Guid CustomerId, string CustomerName,
    IReadOnlyList<InvoiceLineDto> Lines, decimal Net, decimal Tax, decimal Total, decimal Paid, decimal Credited, decimal WrittenOff, decimal Due,
    DateOnly? IssueDate, DateOnly? DueDate, string Currency, bool TaxInclusive, BuyerDto Buyer, FapiaoType FapiaoType, string? FapiaoNumber,
    Guid? CreditedInvoiceId, string? Note, DateTimeOffset CreatedAt, int Version, bool IsDownPayment = false);

public sealed record InvoiceSummaryDto(
    Guid Id, string? Number, InvoiceKind Kind, InvoiceStatus Status, Guid? OrderId, Guid CustomerId, string CustomerName,
    decimal Total, decimal Paid, decimal Due, DateOnly? IssueDate, DateOnly? DueDate, string Currency, bool IsDownPayment = false);

public sealed record AllocationInput(Guid InvoiceId, decimal Amount);

public sealed record PaymentInput(
    Guid CustomerId, decimal Amount, string Currency, PaymentMethod Method, DateOnly ReceivedOn, string? Reference = null,
    AllocationInput[]? Allocations = null, DateOnly? BillMaturity = null);

public sealed record AllocateInput(AllocationInput[] Allocations);

public sealed record RefundInput(decimal Amount, string? Reason = null);

public sealed record AllocationDto(Guid InvoiceId, string? InvoiceNumber, decimal Amount, DateTimeOffset At, Guid? By);

public sealed record PaymentDto(
    Guid Id, Guid CustomerId, string CustomerName, PaymentMethod Method, decimal Amount, decimal Allocated, decimal Refunded, decimal Unallocated,
    string Currency, DateOnly ReceivedOn, string? Reference, DateOnly? BillMaturity, IReadOnlyList<AllocationDto> Allocations,
    DateTimeOffset RecordedAt, Guid? RecordedBy, int Version);

public sealed record SuggestedAllocationDto(Guid InvoiceId, string? Number, DateOnly? DueDate, decimal Due, decimal Amount);

public sealed record AllocationSuggestionDto(Guid CustomerId, string Currency, decimal Amount, IReadOnlyList<SuggestedAllocationDto> Allocations, decimal Unallocated);

public sealed record AgingRowDto(Guid CustomerId, string CustomerCode, string CustomerName, string Currency,
    decimal Current, decimal D1_30, decimal D31_60, decimal D61_90, decimal D90plus, decimal Total);

public sealed record AgingDto(DateOnly AsOf, string Currency, IReadOnlyList<AgingRowDto> Customers, AgingRowDto Total);

public sealed record DsoDto(DateOnly AsOf, int PeriodDays, string Currency, decimal Receivables, decimal Sales, decimal? Dso);

public sealed record StatementLineDto(DateOnly Date, string Kind, string? Number, Guid? Ref, decimal Debit, decimal Credit, decimal Balance, DateOnly? DueDate);

public sealed record StatementDto(
    Guid CustomerId, string CustomerCode, string CustomerName, string Currency, DateOnly From, DateOnly To,
    decimal OpeningBalance, IReadOnlyList<StatementLineDto> Lines, decimal ClosingBalance,
    decimal Invoiced, decimal Received, decimal Due, decimal Credit);

public sealed record BillingProfileInput(
    InvoicingPolicy Policy, bool TaxInclusive, FapiaoType FapiaoType,
    string? TaxId = null, string? Address = null, string? Phone = null, string? Bank = null, string? Account = null);

public sealed record BillingProfileDto(
    Guid CustomerId, InvoicingPolicy Policy, bool TaxInclusive, FapiaoType FapiaoType, string? TaxId, string? Address, string? Phone,
    string? Bank, string? Account, bool OnCreditHold, string? HoldReason, int Version);

public sealed record TaxRateInput(decimal VatPercent, bool Exempt = false);

public sealed record TaxRateDto(Guid ProductId, decimal VatPercent, bool Exempt);

public sealed record ReleaseHoldInput(string? Note = null);
