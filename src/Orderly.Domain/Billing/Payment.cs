using Orderly.Domain.Common;

namespace Orderly.Domain.Billing;

public enum PaymentMethod
{
    BankTransfer,
    Cash,
    AcceptanceBill,
    Online,
}

/// <summary>
/// Money received from a customer, allocated to one or several of their invoices; what is not allocated is the
/// customer's credit, usable later or refunded. The version guards every allocation: two finance users allocating
/// the same payment at once cannot both spend the same unallocated amount.
/// </summary>
public sealed class Payment : IVersioned, IHasDomainEvents
{
    public const int ReferenceMaxLength = 100;

    private readonly List<PaymentAllocation> _allocations = [];
    private readonly List<IDomainEvent> _events = [];

    private Payment()
    {
    }

    public Payment(Guid customerId, PaymentMethod method, Money amount, DateOnly receivedOn, string? reference, DateOnly? billMaturity, DateTimeOffset now, Guid? by)
    {
        if (amount.Amount <= 0 || !amount.IsWholeMinorUnits)
        {
            throw new RuleViolationException("amount", "InvalidAmount", $"A payment is a positive amount in whole {amount.CurrencyCode} minor units.");
        }

        if (method == PaymentMethod.AcceptanceBill && billMaturity is null)
        {
            throw new RuleViolationException("billMaturity", "MaturityRequired", "An acceptance bill (承兑汇票) needs its maturity date.");
        }

        Id = Ids.New(now);
        CustomerId = customerId;
        Method = method;
        Currency = amount.CurrencyCode;
        AmountMinor = amount.MinorUnits;
        ReceivedOn = receivedOn;
        Reference = reference;
        BillMaturity = method == PaymentMethod.AcceptanceBill ? billMaturity : null;
        RecordedAt = now;
        RecordedBy = by;
    }

    public Guid Id { get; private set; }
    public Guid CustomerId { get; private set; }
    public PaymentMethod Method { get; private set; }
    public string Currency { get; private set; } = Common.Currency.Default;
    public long AmountMinor { get; private set; }
    public long AllocatedMinor { get; private set; }
    public long RefundedMinor { get; private set; }
    public DateOnly ReceivedOn { get; private set; }

    /// <summary>The day of the last refund (the statement shows refunds on it).</summary>
    public DateOnly? RefundedOn { get; private set; }
    public string? Reference { get; private set; }
    public DateOnly? BillMaturity { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }
    public Guid? RecordedBy { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<PaymentAllocation> Allocations => _allocations;

    /// <summary>Received and neither allocated nor refunded: the customer's credit from this payment.</summary>
    public long UnallocatedMinor => AmountMinor - AllocatedMinor - RefundedMinor;

    /// <summary>Allocates part of the payment to an open invoice of the same customer and currency.</summary>
    public PaymentAllocation Allocate(Invoice invoice, long amountMinor, DateTimeOffset now, Guid? by)
    {
        if (invoice.CustomerId != CustomerId)
        {
            throw new RuleViolationException("invoiceId", "OtherCustomersInvoice", $"Invoice {invoice.Number} is not this customer's.");
        }

        if (invoice.Currency != Currency)
        {
            throw new CurrencyMismatchException(Currency, invoice.Currency);
        }

        if (amountMinor <= 0 || amountMinor > UnallocatedMinor)
        {
            throw new RuleViolationException("amount", "AllocationExceedsPayment",
                $"The payment has {Common.Money.FromMinor(UnallocatedMinor, Currency).Amount} {Currency} left to allocate.");
        }

        invoice.ApplyPayment(amountMinor);
        AllocatedMinor += amountMinor;
        var allocation = new PaymentAllocation(Id, invoice.Id, amountMinor, now, by);
        _allocations.Add(allocation);
        return allocation;
    }

    public void Refund(long amountMinor, DateOnly on)
    {
        if (amountMinor <= 0 || amountMinor > UnallocatedMinor)
        {
            throw new RuleViolationException("amount", "RefundExceedsCredit",
                $"Only the unallocated {Common.Money.FromMinor(UnallocatedMinor, Currency).Amount} {Currency} can be refunded.");
        }

        RefundedMinor += amountMinor;
        RefundedOn = on;
    }

    /// <summary>Announces the receipt with the allocations made with it (called once, when it is recorded).</summary>
    public void AnnounceReceived() => _events.Add(new PaymentReceived(Id, CustomerId, Common.Money.FromMinor(AmountMinor, Currency).Amount, Currency,
        ReceivedOn.ToString("yyyy-MM-dd"), [.. _allocations.Select(a => new PaymentAllocated(a.InvoiceId, Common.Money.FromMinor(a.AmountMinor, Currency).Amount))]));

    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = _events.ToList();
        _events.Clear();
        return taken;
    }
}

/// <summary>An amount of a payment applied to one invoice; the one who allocated it is kept for separation of duties.</summary>
public sealed class PaymentAllocation
{
    private PaymentAllocation()
    {
    }

    internal PaymentAllocation(Guid paymentId, Guid invoiceId, long amountMinor, DateTimeOffset at, Guid? by)
    {
        PaymentId = paymentId;
        InvoiceId = invoiceId;
        AmountMinor = amountMinor;
        At = at;
        By = by;
    }

    public int Id { get; private set; }
    public Guid PaymentId { get; private set; }
    public Guid InvoiceId { get; private set; }
    public long AmountMinor { get; private set; }
    public DateTimeOffset At { get; private set; }
    public Guid? By { get; private set; }
}

/// <summary>Oldest first: the suggestion a finance user starts from when a payment arrives.</summary>
public static class AllocationSuggestion
{
    public sealed record OpenItem(Guid InvoiceId, DateOnly? DueDate, DateOnly? IssueDate, long DueMinor);

    public static IReadOnlyList<(Guid InvoiceId, long AmountMinor)> OldestFirst(long amountMinor, IEnumerable<OpenItem> open)
    {
        var result = new List<(Guid, long)>();
        var left = amountMinor;
        foreach (var item in open.Where(i => i.DueMinor > 0).OrderBy(i => i.DueDate ?? DateOnly.MaxValue).ThenBy(i => i.IssueDate).ThenBy(i => i.InvoiceId))
        {
            if (left <= 0)
            {
                break;
            }

            var take = Math.Min(left, item.DueMinor);
            result.Add((item.InvoiceId, take));
            left -= take;
        }

        return result;
    }
}
