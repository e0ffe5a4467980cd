namespace Orderly.Domain.Billing;

/// <summary>The general-ledger accounts a voucher posts to (企业会计准则 codes by default; each company maps its own).</summary>
public sealed record VoucherAccounts(
    string Receivable = "1122", string Revenue = "6001", string OutputVat = "22210102", string AdvanceReceipts = "2203",
    string Bank = "1002", string Cash = "1001", string BillsReceivable = "1121");

/// <summary>One line of a voucher (分录): an account debited or credited, with the customer as auxiliary (辅助核算) on receivables.</summary>
public sealed record VoucherEntry(int EntryId, string Account, string Summary, long DebitMinor, long CreditMinor, string? CustomerCode);

/// <summary>
/// An accounting voucher (记账凭证) for one business event: an issued invoice or credit note, a payment received or a
/// refund. <see cref="ExternalId"/> is Orderly's own number for it, which the ERP keeps so a re-export is recognised.
/// </summary>
public sealed record Voucher(string ExternalId, string Source, DateOnly Date, string Currency, IReadOnlyList<VoucherEntry> Entries)
{
    public long DebitMinor => Entries.Sum(e => e.DebitMinor);

    public long CreditMinor => Entries.Sum(e => e.CreditMinor);

    public bool IsBalanced => DebitMinor == CreditMinor;
}

/// <summary>
/// The receivable postings of invoices and payments, as Chinese ledgers book them (shared/integrations.md, B3):
/// invoice — Dr 1122 应收账款 gross / Cr 6001 主营业务收入 net / Cr 2221.01.02 销项税额 tax; a down-payment invoice
/// credits 2203 预收账款 instead of revenue, and the final invoice's deduction lines debit it back; a credit note
/// (红字发票) posts the invoice's entries in red (negative amounts); payment — Dr 1002 银行存款 (1001 库存现金, 1121 应收票据
/// for an acceptance bill) / Cr 1122; refund — Dr 1122 / Cr the same money account. Every line's net + tax = gross, so
/// every voucher balances exactly, in minor units, with no rounding left over.
/// </summary>
public static class Vouchers
{
    public static Voucher ForInvoice(Invoice invoice, string customerCode, string customerName, VoucherAccounts accounts)
    {
        if (invoice.Number is null || invoice.IssueDate is not { } date || invoice.Status == InvoiceStatus.Cancelled)
        {
            throw new InvalidOperationException("Only an issued invoice is posted.");
        }

        var red = invoice.Kind == InvoiceKind.CreditNote ? -1 : 1;
        var summary = invoice.Kind == InvoiceKind.CreditNote ? $"红字发票 {invoice.Number} {customerName}"
            : invoice.IsDownPayment ? $"预收款发票 {invoice.Number} {customerName}"
            : $"销售 {invoice.Number} {customerName}";
        var advance = invoice.Lines.Where(l => invoice.IsDownPayment || l.DownPaymentInvoiceId is not null).Sum(l => l.NetMinor);
        var revenue = invoice.Lines.Where(l => !invoice.IsDownPayment && l.DownPaymentInvoiceId is null).Sum(l => l.NetMinor);
        var entries = new List<VoucherEntry>();
        void Add(string account, long debit, long credit, string? customer = null)
        {
            if (debit != 0 || credit != 0)
            {
                entries.Add(new VoucherEntry(entries.Count + 1, account, summary, debit, credit, customer));
            }
        }

        Add(accounts.Receivable, red * invoice.TotalMinor, 0, customerCode);
        if (invoice.IsDownPayment)
        {
            Add(accounts.AdvanceReceipts, 0, red * advance);
        }
        else
        {
            // The final invoice's deduction lines are negative: the down payment received in advance is released.
            Add(accounts.AdvanceReceipts, -advance * red, 0);
            Add(accounts.Revenue, 0, red * revenue);
        }

        Add(accounts.OutputVat, 0, red * invoice.TaxMinor);
        return new Voucher(invoice.Number, invoice.Kind == InvoiceKind.CreditNote ? "CreditNote" : "Invoice", date, invoice.Currency, entries);
    }

    public static Voucher ForPayment(Payment payment, string customerCode, string customerName, VoucherAccounts accounts)
    {
        var summary = $"收款 {customerName}{(payment.Reference is { } r ? " " + r : "")}";
        return new Voucher($"PAY-{payment.Id:N}", "Payment", payment.ReceivedOn, payment.Currency,
        [
            new(1, MoneyAccount(payment.Method, accounts), summary, payment.AmountMinor, 0, null),
            new(2, accounts.Receivable, summary, 0, payment.AmountMinor, customerCode),
        ]);
    }

    public static Voucher ForRefund(Payment payment, string customerCode, string customerName, VoucherAccounts accounts)
    {
        if (payment.RefundedMinor <= 0)
        {
            throw new InvalidOperationException("Nothing was refunded.");
        }

        var summary = $"退款 {customerName}{(payment.Reference is { } r ? " " + r : "")}";
        return new Voucher($"RF-{payment.Id:N}", "Refund", payment.RefundedOn ?? payment.ReceivedOn, payment.Currency,
        [
            new(1, accounts.Receivable, summary, payment.RefundedMinor, 0, customerCode),
            new(2, MoneyAccount(payment.Method, accounts), summary, 0, payment.RefundedMinor, null),
        ]);
    }

    private static string MoneyAccount(PaymentMethod method, VoucherAccounts accounts) => method switch
    {
        PaymentMethod.Cash => accounts.Cash,
        PaymentMethod.AcceptanceBill => accounts.BillsReceivable,
        _ => accounts.Bank,
    };
}
