using Orderly.Domain.Billing;
using Orderly.Domain.Common;

namespace Orderly.Domain.Tests.Billing;

/// <summary>Receivable vouchers of invoices, credit notes and payments: accounts, red-ink credit notes, and debit = credit.</summary>
public sealed class VoucherTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly VoucherAccounts Accounts = new();
    private static readonly VatRate Nine = VatRate.Of(9m);

    private static Invoice Issued()
    {
        // 113.01 at 13% (tax 113.01 x 13/113 = 13.0012 -> 13.00) and 33.32 at 9% (tax 2.7512 -> 2.75).
        var invoice = Invoice.Draft(Guid.NewGuid(), Guid.NewGuid(), "CNY", true, new BuyerTaxHeader("上海华联贸易有限公司"), FapiaoType.Special,
        [
            new(Guid.NewGuid(), Guid.NewGuid(), "螺栓", "pcs", 1, VatRate.Standard, TaxMath.Split(113_01, VatRate.Standard, true, "CNY")),
            new(Guid.NewGuid(), Guid.NewGuid(), "食品", "pcs", 1, Nine, TaxMath.Split(33_32, Nine, true, "CNY")),
        ], Now, null);
        invoice.Issue("INV-2026-000007", new DateOnly(2026, 3, 2), 30, Now, null);
        return invoice;
    }

    [Fact]
    public void Invoice_DebitsTheReceivable_CreditsRevenueAndOutputVat_AndBalances()
    {
        var voucher = Vouchers.ForInvoice(Issued(), "C1001", "上海华联", Accounts);
        Assert.Equal(
            [("1122", 146_33L, 0L, "C1001"), ("6001", 0L, 130_58L, null), ("22210102", 0L, 15_75L, null)],
            voucher.Entries.Select(e => (e.Account, e.DebitMinor, e.CreditMinor, e.CustomerCode)).ToArray());
        Assert.True(voucher.IsBalanced);
        Assert.Equal(("INV-2026-000007", new DateOnly(2026, 3, 2)), (voucher.ExternalId, voucher.Date));
        Assert.Equal("销售 INV-2026-000007 上海华联", voucher.Entries[0].Summary);
    }

    [Fact]
    public void CreditNote_PostsTheSameAccountsInRed()
    {
        var invoice = Issued();
        var line = invoice.Lines[0];
        var note = Invoice.CreditNoteFor(invoice, [new(line.OrderLineId, line.ProductId, line.Description, line.Unit, 1, line.Rate, line.Amounts)], "退货", Now, null);
        note.IssueCreditNote(invoice, "CN-2026-000001", new DateOnly(2026, 3, 3), Now, null);
        var voucher = Vouchers.ForInvoice(note, "C1001", "上海华联", Accounts);
        Assert.Equal(
            [("1122", -113_01L, 0L), ("6001", 0L, -100_01L), ("22210102", 0L, -13_00L)],
            voucher.Entries.Select(e => (e.Account, e.DebitMinor, e.CreditMinor)).ToArray());
        Assert.True(voucher.IsBalanced);
    }

    [Theory]
    [InlineData(PaymentMethod.BankTransfer, "1002")]
    [InlineData(PaymentMethod.Cash, "1001")]
    [InlineData(PaymentMethod.AcceptanceBill, "1121")]
    [InlineData(PaymentMethod.Online, "1002")]
    public void Payment_DebitsTheMoneyAccount_CreditsTheReceivable_AndARefundReversesIt(PaymentMethod method, string account)
    {
        var payment = new Payment(Guid.NewGuid(), method, new Money(500m, "CNY"), new DateOnly(2026, 3, 5), "回单 88", method == PaymentMethod.AcceptanceBill ? new DateOnly(2026, 9, 5) : null, Now, null);
        var voucher = Vouchers.ForPayment(payment, "C1001", "上海华联", Accounts);
        Assert.Equal([(account, 500_00L, 0L, (string?)null), ("1122", 0L, 500_00L, "C1001")],
            voucher.Entries.Select(e => (e.Account, e.DebitMinor, e.CreditMinor, e.CustomerCode)).ToArray());
        payment.Refund(120_00, new DateOnly(2026, 3, 9));
        var refund = Vouchers.ForRefund(payment, "C1001", "上海华联", Accounts);
        Assert.Equal([("1122", 120_00L, 0L), (account, 0L, 120_00L)], refund.Entries.Select(e => (e.Account, e.DebitMinor, e.CreditMinor)).ToArray());
        Assert.Equal((new DateOnly(2026, 3, 9), true), (refund.Date, refund.IsBalanced));
    }
}
