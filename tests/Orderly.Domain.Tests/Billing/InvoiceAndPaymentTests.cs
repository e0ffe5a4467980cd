using Orderly.Domain.Billing;
using Orderly.Domain.Common;

namespace Orderly.Domain.Tests.Billing;

public sealed class InvoiceAndPaymentTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly Guid Customer = Guid.NewGuid();

    private static Invoice Issued(long grossMinor, string number = "INV-2026-000001", int terms = 30)
    {
        var invoice = Invoice.Draft(Customer, Guid.NewGuid(), "CNY", true, new BuyerTaxHeader("上海华联贸易有限公司", "91310000123456789X"), FapiaoType.Special,
            [new InvoiceLineDraft(Guid.NewGuid(), Guid.NewGuid(), "产品", "pcs", 1, VatRate.Standard, TaxMath.Split(grossMinor, VatRate.Standard, true, "CNY"))],
            Now, null);
        invoice.Issue(number, new DateOnly(2026, 3, 2), terms, Now, null);
        return invoice;
    }

    [Fact]
    public void Issue_SetsNumberDueDateAndRaisesEvent()
    {
        var invoice = Issued(113_00);
        Assert.Equal((InvoiceStatus.Issued, new DateOnly(2026, 4, 1), 113_00L), (invoice.Status, invoice.DueDate!.Value, invoice.DueMinor));
        var issued = Assert.IsType<InvoiceIssued>(Assert.Single(invoice.TakeEvents()));
        Assert.Equal(("INV-2026-000001", 113m, "2026-04-01"), (issued.Number, issued.Total, issued.DueDate));
        Assert.Throws<IllegalTransitionException>(() => invoice.Issue("INV-2026-000002", new DateOnly(2026, 3, 2), 30, Now, null));
        Assert.Throws<IllegalTransitionException>(invoice.Cancel);
    }

    [Fact]
    public void Payment_AllocatesPartiallyThenFully_KeepingOverpaymentAsCredit()
    {
        var a = Issued(500_00);
        var b = Issued(600_00, "INV-2026-000002");
        var first = new Payment(Customer, PaymentMethod.BankTransfer, new Money(300m, "CNY"), new DateOnly(2026, 3, 5), "回单1", null, Now, null);
        first.Allocate(a, 300_00, Now, null);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 200_00L), (a.Status, a.DueMinor));

        var second = new Payment(Customer, PaymentMethod.Cash, new Money(900m, "CNY"), new DateOnly(2026, 3, 6), null, null, Now, null);
        second.Allocate(a, 200_00, Now, null);
        second.Allocate(b, 600_00, Now, null);
        Assert.Equal((InvoiceStatus.Paid, InvoiceStatus.Paid, 100_00L), (a.Status, b.Status, second.UnallocatedMinor));
        Assert.ThrowsAny<DomainException>(() => second.Allocate(b, 1, Now, null));
        Assert.Throws<RuleViolationException>(() => second.Refund(100_01, new DateOnly(2026, 3, 7)));
        second.Refund(100_00, new DateOnly(2026, 3, 7));
        Assert.Equal(0L, second.UnallocatedMinor);
    }

    [Fact]
    public void Allocate_MoreThanDue_OrToAnotherCustomer_IsRefused()
    {
        var invoice = Issued(100_00);
        var payment = new Payment(Customer, PaymentMethod.Online, new Money(500m, "CNY"), new DateOnly(2026, 3, 5), null, null, Now, null);
        Assert.Throws<RuleViolationException>(() => payment.Allocate(invoice, 100_01, Now, null));
        var stranger = new Payment(Guid.NewGuid(), PaymentMethod.Online, new Money(500m, "CNY"), new DateOnly(2026, 3, 5), null, null, Now, null);
        Assert.Throws<RuleViolationException>(() => stranger.Allocate(invoice, 1, Now, null));
        Assert.Throws<RuleViolationException>(() =>
            new Payment(Customer, PaymentMethod.AcceptanceBill, new Money(1m, "CNY"), new DateOnly(2026, 3, 5), null, null, Now, null));
        Assert.Throws<RuleViolationException>(() =>
            new Payment(Customer, PaymentMethod.Cash, new Money(1.001m, "CNY"), new DateOnly(2026, 3, 5), null, null, Now, null));
    }

    [Fact]
    public void CreditNote_ReducesDue_AndKeepsWhatExceedsItAsCredit()
    {
        var invoice = Issued(100_00);
        var payment = new Payment(Customer, PaymentMethod.BankTransfer, new Money(70m, "CNY"), new DateOnly(2026, 3, 5), null, null, Now, null);
        payment.Allocate(invoice, 70_00, Now, null);
        var line = invoice.Lines[0];
        var note = Invoice.CreditNoteFor(invoice, [new InvoiceLineDraft(line.OrderLineId, line.ProductId, line.Description, line.Unit, 0, line.Rate,
            TaxMath.Split(50_00, line.Rate, true, "CNY"))], "价格更正", Now, null);
        note.IssueCreditNote(invoice, "CN-2026-000001", new DateOnly(2026, 3, 8), Now, null);
        Assert.Equal((InvoiceStatus.Paid, 0L, 30_00L), (invoice.Status, invoice.DueMinor, invoice.CreditedMinor));
        Assert.Equal(20_00L, note.DueMinor);
        Assert.Throws<RuleViolationException>(() => Invoice.CreditNoteFor(invoice, [new InvoiceLineDraft(null, null, "x", "pcs", 0, line.Rate,
            TaxMath.Split(50_01, line.Rate, true, "CNY"))], "too much", Now, null));
    }

    [Fact]
    public void Dunning_MarksOverdueOnce_AndRemindsOncePerStep()
    {
        var invoice = Issued(100_00);
        invoice.TakeEvents();
        int[] steps = [-3, 7, 30];
        Assert.False(invoice.RemindIfDue(new DateOnly(2026, 3, 28), steps));
        Assert.True(invoice.RemindIfDue(new DateOnly(2026, 3, 29), steps));
        Assert.False(invoice.RemindIfDue(new DateOnly(2026, 3, 30), steps));
        Assert.False(invoice.MarkOverdue(new DateOnly(2026, 4, 1)));
        Assert.True(invoice.MarkOverdue(new DateOnly(2026, 4, 2)));
        Assert.False(invoice.MarkOverdue(new DateOnly(2026, 4, 3)));
        // A run that missed days catches up with the latest step only.
        Assert.True(invoice.RemindIfDue(new DateOnly(2026, 5, 20), steps));
        Assert.False(invoice.RemindIfDue(new DateOnly(2026, 5, 21), steps));
        var events = invoice.TakeEvents();
        Assert.Equal([-3, 49], events.OfType<InvoiceReminderDue>().Select(e => e.DaysFromDue));
        Assert.Equal(1, Assert.Single(events.OfType<InvoiceOverdue>()).DaysOverdue);
        Assert.Equal(InvoiceStatus.Overdue, invoice.Status);
    }

    [Fact]
    public void Suggestion_PaysOldestDueFirst()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var c = Guid.NewGuid();
        var suggested = AllocationSuggestion.OldestFirst(900_00,
        [
            new(b, new DateOnly(2026, 4, 1), new DateOnly(2026, 3, 1), 600_00),
            new(a, new DateOnly(2026, 3, 1), new DateOnly(2026, 2, 1), 199_99),
            new(c, new DateOnly(2026, 5, 1), new DateOnly(2026, 4, 1), 500_00),
        ]);
        Assert.Equal([(a, 199_99L), (b, 600_00L), (c, 100_01L)], suggested);
    }
}
