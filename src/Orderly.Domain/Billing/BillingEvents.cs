using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Billing;

public sealed record InvoiceIssued(Guid InvoiceId, string Number, Guid? OrderId, Guid CustomerId, decimal Total, decimal Due, string Currency, string DueDate) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Invoice";
    [JsonIgnore] public Guid AggregateId => InvoiceId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}

public sealed record CreditNoteIssued(Guid InvoiceId, string Number, Guid CreditedInvoiceId, Guid CustomerId, decimal Total, string Currency) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Invoice";
    [JsonIgnore] public Guid AggregateId => InvoiceId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}

public sealed record InvoiceOverdue(Guid InvoiceId, string Number, Guid CustomerId, decimal Due, string Currency, string DueDate, int DaysOverdue) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Invoice";
    [JsonIgnore] public Guid AggregateId => InvoiceId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}

/// <summary>A reminder is due: <paramref name="DaysFromDue"/> is negative before the due date.</summary>
public sealed record InvoiceReminderDue(Guid InvoiceId, string Number, Guid CustomerId, decimal Due, string Currency, string DueDate, int DaysFromDue) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Invoice";
    [JsonIgnore] public Guid AggregateId => InvoiceId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}

public sealed record PaymentAllocated(Guid InvoiceId, decimal Amount);

public sealed record PaymentReceived(Guid PaymentId, Guid CustomerId, decimal Amount, string Currency, string ReceivedOn, IReadOnlyList<PaymentAllocated> Allocations) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Payment";
    [JsonIgnore] public Guid AggregateId => PaymentId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}

public sealed record QuotationExpiring(Guid QuotationId, string Number, Guid CustomerId, string ValidUntil, Guid? OwnerUserId) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Quotation";
    [JsonIgnore] public Guid AggregateId => QuotationId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}

public sealed record QuotationAccepted(Guid QuotationId, string Number, Guid CustomerId, Guid OrderId) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Quotation";
    [JsonIgnore] public Guid AggregateId => QuotationId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}

public sealed record CustomerCreditHeld(Guid CustomerId, string Reason) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Customer";
    [JsonIgnore] public Guid AggregateId => CustomerId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}

public sealed record CustomerCreditReleased(Guid CustomerId, string Reason) : IDomainEvent
{
    [JsonIgnore] public string AggregateType => "Customer";
    [JsonIgnore] public Guid AggregateId => CustomerId;
    [JsonIgnore] public Guid? ConcernsCustomer => CustomerId;
}
