using Orderly.Domain.Common;

namespace Orderly.Domain.Billing;

/// <summary>
/// An invoice (or credit note) to a customer. A draft may be cancelled; once issued it carries a gapless number and
/// is never edited again, only paid, credited or written off. Amounts are integer minor units of one currency.
/// </summary>
public sealed class Invoice : IVersioned, IHasDomainEvents
{
    private readonly List<InvoiceLine> _lines = [];
    private readonly List<IDomainEvent> _events = [];

    private Invoice()
    {
    }

    private Invoice(InvoiceKind kind, Guid customerId, Guid? orderId, Guid? creditedInvoiceId, string currency, bool taxInclusive,
        BuyerTaxHeader buyer, FapiaoType fapiaoType, IReadOnlyList<InvoiceLineDraft> lines, DateTimeOffset now, Guid? by)
    {
        if (lines.Count == 0)
        {
            throw new RuleViolationException("lines", "NothingToInvoice", "There is nothing to invoice.");
        }

        Id = Ids.New(now);
        Kind = kind;
        CustomerId = customerId;
        OrderId = orderId;
        CreditedInvoiceId = creditedInvoiceId;
        Currency = currency;
        TaxInclusive = taxInclusive;
        Status = InvoiceStatus.Draft;
        CreatedAt = now;
        CreatedBy = by;
        FapiaoType = fapiaoType;
        SetBuyer(buyer);
        var number = 1;
        foreach (var line in lines)
        {
            _lines.Add(new InvoiceLine(number++, line.OrderLineId, line.ProductId, line.Description, line.Unit, line.Quantity, line.Rate, line.Amounts,
                line.DownPaymentInvoiceId));
        }

        var totals = _lines.Aggregate(TaxSplit.Zero, (sum, l) => sum + l.Amounts);
        NetMinor = totals.NetMinor;
        TaxMinor = totals.TaxMinor;
        TotalMinor = totals.GrossMinor;
        if (kind == InvoiceKind.Invoice && TotalMinor <= 0)
        {
            throw _lines.Any(l => l.DownPaymentInvoiceId is not null)
                ? new RuleViolationException("lines", "DeductionExceedsInvoice", "The down payments to deduct exceed what this invoice carries; invoice more first.")
                : new RuleViolationException("lines", "NothingToInvoice", "There is nothing to invoice.");
        }
    }

    public Guid Id { get; private set; }
    public InvoiceKind Kind { get; private set; }
    public string? Number { get; private set; }
    public Guid CustomerId { get; private set; }
    public Guid? OrderId { get; private set; }
    public Guid? CreditedInvoiceId { get; private set; }
    public string Currency { get; private set; } = Common.Currency.Default;
    public bool TaxInclusive { get; private set; }

    /// <summary>A down-payment invoice (预付款发票): an amount asked before delivery, deducted on the order's final invoice.</summary>
    public bool IsDownPayment { get; private set; }

    public InvoiceStatus Status { get; private set; }
    public DateOnly? IssueDate { get; private set; }
    public DateOnly? DueDate { get; private set; }
    public long NetMinor { get; private set; }
    public long TaxMinor { get; private set; }
    public long TotalMinor { get; private set; }

    /// <summary>Paid by allocated payments.</summary>
    public long PaidMinor { get; private set; }

    /// <summary>Reduced by credit notes (on an invoice) or applied to the credited invoice (on a credit note).</summary>
    public long CreditedMinor { get; private set; }

    /// <summary>The total of the credit notes against an invoice, applied or not (what may still be credited is the rest).</summary>
    public long CreditNotesMinor { get; private set; }

    public long WrittenOffMinor { get; private set; }
    public string BuyerName { get; private set; } = "";
    public string? BuyerTaxId { get; private set; }
    public string? BuyerAddress { get; private set; }
    public string? BuyerPhone { get; private set; }
    public string? BuyerBank { get; private set; }
    public string? BuyerAccount { get; private set; }
    public FapiaoType FapiaoType { get; private set; }
    public string? FapiaoNumber { get; private set; }
    public string? Note { get; private set; }

    /// <summary>The dunning step (days from due) of the last reminder raised.</summary>
    public int? RemindedAtStep { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset? IssuedAt { get; private set; }
    public Guid? IssuedBy { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<InvoiceLine> Lines => _lines;

    /// <summary>What the customer still owes on it (an invoice), or what is left to apply (a credit note).</summary>
    public long DueMinor => Status is InvoiceStatus.Draft or InvoiceStatus.Cancelled ? 0 : TotalMinor - PaidMinor - CreditedMinor - WrittenOffMinor;

    public bool IsOpen => Kind == InvoiceKind.Invoice && Status is InvoiceStatus.Issued or InvoiceStatus.PartiallyPaid or InvoiceStatus.Overdue;

    public BuyerTaxHeader Buyer => new(BuyerName, BuyerTaxId, BuyerAddress, BuyerPhone, BuyerBank, BuyerAccount);

    public static Invoice Draft(Guid customerId, Guid? orderId, string currency, bool taxInclusive, BuyerTaxHeader buyer, FapiaoType fapiaoType,
        IReadOnlyList<InvoiceLineDraft> lines, DateTimeOffset now, Guid? by) =>
        new(InvoiceKind.Invoice, customerId, orderId, null, currency, taxInclusive, buyer, fapiaoType, lines, now, by);

    /// <summary>A down-payment invoice of an order: lines without order lines (one per VAT rate, see <see cref="DownPayments"/>).</summary>
    public static Invoice DownPayment(Guid customerId, Guid orderId, string currency, bool taxInclusive, BuyerTaxHeader buyer, FapiaoType fapiaoType,
        IReadOnlyList<InvoiceLineDraft> lines, DateTimeOffset now, Guid? by)
    {
        if (lines.Any(l => l.OrderLineId is not null || l.DownPaymentInvoiceId is not null || l.Amounts.GrossMinor <= 0))
        {
            throw new ArgumentException("A down payment's lines are positive amounts of no order line.", nameof(lines));
        }

        return new Invoice(InvoiceKind.Invoice, customerId, orderId, null, currency, taxInclusive, buyer, fapiaoType, lines, now, by) { IsDownPayment = true };
    }

    /// <summary>A credit note against an issued invoice, for at most what the invoice still carries.</summary>
    public static Invoice CreditNoteFor(Invoice credited, IReadOnlyList<InvoiceLineDraft> lines, string? reason, DateTimeOffset now, Guid? by)
    {
        if (credited.Kind != InvoiceKind.Invoice || credited.Status is InvoiceStatus.Draft or InvoiceStatus.Cancelled)
        {
            throw new IllegalTransitionException("invoice", credited.Status.ToString(), "credit");
        }

        var note = new Invoice(InvoiceKind.CreditNote, credited.CustomerId, credited.OrderId, credited.Id, credited.Currency, credited.TaxInclusive,
            credited.Buyer, credited.FapiaoType, lines, now, by) { Note = reason };
        if (note.TotalMinor > credited.TotalMinor - credited.CreditNotesMinor)
        {
            throw new RuleViolationException("lines", "CreditExceedsInvoice", "A credit note cannot credit more than the invoice still carries.");
        }

        return note;
    }

    public void Issue(string number, DateOnly issueDate, int paymentTermsDays, DateTimeOffset now, Guid? by)
    {
        Require(Status == InvoiceStatus.Draft, "issue");
        Number = number;
        Status = InvoiceStatus.Issued;
        IssueDate = issueDate;
        DueDate = issueDate.AddDays(Math.Max(0, paymentTermsDays));
        IssuedAt = now;
        IssuedBy = by;
        if (Kind == InvoiceKind.Invoice)
        {
            _events.Add(new InvoiceIssued(Id, number, OrderId, CustomerId, Money(TotalMinor), Money(DueMinor), Currency, DueDate.Value.ToString("yyyy-MM-dd")));
        }
    }

    /// <summary>Issues a credit note and applies it to its invoice; what exceeds the invoice's due stays as credit on the note.</summary>
    public void IssueCreditNote(Invoice credited, string number, DateOnly issueDate, DateTimeOffset now, Guid? by)
    {
        if (Kind != InvoiceKind.CreditNote || credited.Id != CreditedInvoiceId)
        {
            throw new InvalidOperationException("Not this invoice's credit note.");
        }

        Issue(number, issueDate, 0, now, by);
        var applied = Math.Min(TotalMinor, Math.Max(0, credited.DueMinor));
        credited.CreditedMinor += applied;
        credited.CreditNotesMinor += TotalMinor;
        CreditedMinor = applied;
        credited.Settle();
        Settle();
        _events.Add(new CreditNoteIssued(Id, number, credited.Id, CustomerId, Money(TotalMinor), Currency));
    }

    public void Annotate(string? note)
    {
        Require(Status == InvoiceStatus.Draft, "annotate");
        Note = note;
    }

    public void Cancel()
    {
        Require(Status == InvoiceStatus.Draft, "cancel");
        Status = InvoiceStatus.Cancelled;
    }

    public void ApplyPayment(long amountMinor)
    {
        Require(IsOpen, "pay");
        if (amountMinor <= 0 || amountMinor > DueMinor)
        {
            throw new RuleViolationException("amount", "AllocationExceedsDue", $"The invoice {Number} has {Money(DueMinor)} {Currency} due.");
        }

        PaidMinor += amountMinor;
        Settle();
    }

    public void WriteOff(long amountMinor)
    {
        Require(IsOpen, "write off");
        if (amountMinor <= 0 || amountMinor > DueMinor)
        {
            throw new RuleViolationException("amount", "WriteOffExceedsDue", $"The invoice {Number} has {Money(DueMinor)} {Currency} due.");
        }

        WrittenOffMinor += amountMinor;
        Settle();
    }

    /// <summary>Marks an open invoice overdue once its due date has passed; true when it changed.</summary>
    public bool MarkOverdue(DateOnly today)
    {
        if (!IsOpen || Status == InvoiceStatus.Overdue || DueDate is not { } due || today <= due || DueMinor <= 0)
        {
            return false;
        }

        Status = InvoiceStatus.Overdue;
        _events.Add(new InvoiceOverdue(Id, Number!, CustomerId, Money(DueMinor), Currency, due.ToString("yyyy-MM-dd"), today.DayNumber - due.DayNumber));
        return true;
    }

    /// <summary>
    /// Raises the reminder of the latest step (days from the due date, negative before it) that has come and was not
    /// yet sent; a run that missed days catches up with one reminder, never a burst. True when one was raised.
    /// </summary>
    public bool RemindIfDue(DateOnly today, IReadOnlyCollection<int> steps)
    {
        if (!IsOpen || DueDate is not { } due || DueMinor <= 0)
        {
            return false;
        }

        var days = today.DayNumber - due.DayNumber;
        var step = steps.Where(s => s <= days && (RemindedAtStep is null || s > RemindedAtStep)).DefaultIfEmpty(int.MinValue).Max();
        if (step == int.MinValue)
        {
            return false;
        }

        RemindedAtStep = step;
        _events.Add(new InvoiceReminderDue(Id, Number!, CustomerId, Money(DueMinor), Currency, due.ToString("yyyy-MM-dd"), days));
        return true;
    }

    public void RecordFapiao(FapiaoType type, string? number, BuyerTaxHeader? buyer)
    {
        Require(Status != InvoiceStatus.Cancelled, "record the fapiao of");
        if (number is not null && Status == InvoiceStatus.Draft)
        {
            throw new RuleViolationException("fapiaoNumber", "FapiaoBeforeIssue", "A fapiao number is recorded once the invoice is issued.");
        }

        if (buyer is not null)
        {
            Require(Status == InvoiceStatus.Draft, "change the buyer of");
            SetBuyer(buyer);
        }

        FapiaoType = type;
        FapiaoNumber = number ?? FapiaoNumber;
    }

    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = _events.ToList();
        _events.Clear();
        return taken;
    }

    private void SetBuyer(BuyerTaxHeader buyer)
    {
        BuyerName = buyer.Name;
        BuyerTaxId = buyer.TaxId;
        BuyerAddress = buyer.Address;
        BuyerPhone = buyer.Phone;
        BuyerBank = buyer.Bank;
        BuyerAccount = buyer.Account;
    }

    private void Settle()
    {
        if (Status is InvoiceStatus.Draft or InvoiceStatus.Cancelled)
        {
            return;
        }

        var due = TotalMinor - PaidMinor - CreditedMinor - WrittenOffMinor;
        if (due <= 0)
        {
            Status = InvoiceStatus.Paid;
        }
        else if (Status != InvoiceStatus.Overdue)
        {
            Status = PaidMinor > 0 ? InvoiceStatus.PartiallyPaid : InvoiceStatus.Issued;
        }
    }

    private decimal Money(long minor) => Common.Money.FromMinor(minor, Currency).Amount;

    private void Require(bool allowed, string action)
    {
        if (!allowed)
        {
            throw new IllegalTransitionException(Kind == InvoiceKind.CreditNote ? "credit note" : "invoice", Status.ToString(), action);
        }
    }
}
