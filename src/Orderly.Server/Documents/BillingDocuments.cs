using Microsoft.Extensions.Options;
using Orderly.Domain.Billing;
using Orderly.Server.Billing;
using Orderly.Server.Infrastructure;
using static Orderly.Server.Documents.DocumentLanguage;

namespace Orderly.Server.Documents;

/// <summary>The invoice (or credit note) as the customer receives it, with its total in 大写 for yuan.</summary>
public sealed class InvoiceDocument(BillingQueries queries, IOptions<CompanyOptions> company) : IDocumentSource
{
    public string Kind => "invoice";

    public async Task<RenderedDocument?> RenderAsync(Guid id, string language, CancellationToken ct)
    {
        InvoiceDto invoice;
        try
        {
            invoice = await queries.InvoiceAsync(id, ct);
        }
        catch (NotFoundException)
        {
            return null;
        }

        var l = language;
        var c = invoice.Currency;
        var credit = invoice.Kind == InvoiceKind.CreditNote;
        using var sheet = new PdfSheet(credit ? T(l, "红字发票（贷项通知单）", "Credit note") : T(l, "销售发票", "Invoice"), l, company.Value);
        sheet.Fields(
        [
            (T(l, "发票号", "Number"), invoice.Number ?? T(l, "草稿", "Draft")),
            (T(l, "开票日期", "Issued"), Date(invoice.IssueDate)),
            (T(l, "订单号", "Order"), invoice.OrderNumber),
            (T(l, "到期日", "Due date"), credit ? null : Date(invoice.DueDate)),
            (T(l, "发票类型", "Fapiao type"), invoice.FapiaoType == FapiaoType.Special ? T(l, "增值税专用发票", "Special VAT fapiao") : T(l, "普通发票", "Ordinary fapiao")),
            (T(l, "发票号码", "Fapiao no."), invoice.FapiaoNumber),
            (T(l, "币种", "Currency"), c),
            (T(l, "价格", "Prices"), invoice.TaxInclusive ? T(l, "含税", "tax inclusive") : T(l, "不含税", "tax exclusive")),
        ]);
        sheet.Paragraph(T(l, "购买方", "Buyer"), bold: true);
        sheet.Fields(
        [
            (T(l, "名称", "Name"), invoice.Buyer.Name),
            (T(l, "纳税人识别号", "Tax ID"), invoice.Buyer.TaxId),
            (T(l, "地址、电话", "Address, phone"), string.Join(" ", new[] { invoice.Buyer.Address, invoice.Buyer.Phone }.Where(s => !string.IsNullOrEmpty(s)))),
            (T(l, "开户行及账号", "Bank, account"), string.Join(" ", new[] { invoice.Buyer.Bank, invoice.Buyer.Account }.Where(s => !string.IsNullOrEmpty(s)))),
        ]);
        sheet.Table(
        [
            new("#", 3), new(T(l, "货物或应税劳务名称", "Description"), 26), new(T(l, "单位", "Unit"), 6), new(T(l, "数量", "Qty"), 8, true),
            new(T(l, "税率", "VAT"), 7, true), new(T(l, "金额（不含税）", "Net"), 14, true), new(T(l, "税额", "Tax"), 12, true), new(T(l, "价税合计", "Gross"), 14, true),
        ],
        invoice.Lines.Select(line => new[]
        {
            line.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Description, line.Unit, Quantity(line.Quantity),
            line.VatExempt ? T(l, "免税", "exempt") : $"{line.VatPercent:0.##}%", Amount(line.Net, c), Amount(line.Tax, c), Amount(line.Gross, c),
        }));
        var totals = new List<(string, string)>
        {
            (T(l, "合计金额", "Net total"), Amount(invoice.Net, c)),
            (T(l, "合计税额", "Tax total"), Amount(invoice.Tax, c)),
        };
        if (!credit && invoice.Paid + invoice.Credited + invoice.WrittenOff > 0)
        {
            totals.Add((T(l, "已付/已冲", "Paid / credited"), Amount(invoice.Paid + invoice.Credited + invoice.WrittenOff, c)));
            totals.Add((T(l, "价税合计", "Total"), Amount(invoice.Total, c)));
            totals.Add((T(l, "应付余额", "Amount due"), Amount(invoice.Due, c)));
        }
        else
        {
            totals.Add((T(l, "价税合计", "Total"), Amount(invoice.Total, c)));
        }

        sheet.Totals(totals);
        if (c == "CNY")
        {
            sheet.Paragraph(T(l, "价税合计（大写）：", "Total in words (大写): ") + AmountInWords.Chinese(invoice.Total), bold: true);
        }

        var seller = company.Value;
        sheet.Paragraph(T(l, "销售方开户行及账号：", "Seller's bank and account: ") + $"{seller.Bank} {seller.BankAccount}");
        if (invoice.Note is { } note)
        {
            sheet.Paragraph(T(l, "备注：", "Note: ") + note);
        }

        return new RenderedDocument($"{invoice.Number ?? "invoice-draft"}.pdf", "application/pdf", sheet.Finish());
    }
}

/// <summary>对账单: a customer's statement of account for a period (this month when the source is asked by id alone).</summary>
public sealed class StatementDocument(BillingQueries queries, IOptions<CompanyOptions> company) : IDocumentSource
{
    public string Kind => "statement";

    public Task<RenderedDocument?> RenderAsync(Guid id, string language, CancellationToken ct) => RenderAsync(id, null, null, language, ct);

    public async Task<RenderedDocument?> RenderAsync(Guid customerId, DateOnly? from, DateOnly? to, string language, CancellationToken ct)
    {
        StatementDto s;
        try
        {
            s = await queries.StatementAsync(customerId, from, to, ct);
        }
        catch (NotFoundException)
        {
            return null;
        }

        var l = language;
        var c = s.Currency;
        using var sheet = new PdfSheet(T(l, "对账单", "Statement of account"), l, company.Value);
        sheet.Fields(
        [
            (T(l, "客户", "Customer"), $"{s.CustomerName} ({s.CustomerCode})"),
            (T(l, "期间", "Period"), $"{Date(s.From)} - {Date(s.To)}"),
            (T(l, "币种", "Currency"), c),
            (T(l, "期初余额", "Opening balance"), Amount(s.OpeningBalance, c)),
        ]);
        sheet.Table(
        [
            new(T(l, "日期", "Date"), 12), new(T(l, "类型", "Type"), 12), new(T(l, "单号", "Document"), 22), new(T(l, "到期日", "Due"), 12),
            new(T(l, "借方", "Debit"), 14, true), new(T(l, "贷方", "Credit"), 14, true), new(T(l, "余额", "Balance"), 14, true),
        ],
        s.Lines.Select(line => new[]
        {
            Date(line.Date), KindName(line.Kind, l), line.Number ?? "", Date(line.DueDate),
            line.Debit == 0 ? "" : Amount(line.Debit, c), line.Credit == 0 ? "" : Amount(line.Credit, c), Amount(line.Balance, c),
        }));
        sheet.Totals(
        [
            (T(l, "本期开票", "Invoiced"), Amount(s.Invoiced, c)),
            (T(l, "本期收款", "Received"), Amount(s.Received, c)),
            (T(l, "可用余款", "Credit available"), Amount(s.Credit, c)),
            (T(l, "应收余额", "Amount due"), Amount(s.Due, c)),
        ]);
        sheet.SignatureBoxes(T(l, "客户确认（盖章）", "Confirmed by customer (stamp)"));
        return new RenderedDocument($"statement-{s.CustomerCode}-{Date(s.To)}.pdf", "application/pdf", sheet.Finish());
    }

    private static string KindName(string kind, string l) => kind switch
    {
        "Invoice" => T(l, "发票", "Invoice"),
        "CreditNote" => T(l, "红字发票", "Credit note"),
        "Payment" => T(l, "收款", "Payment"),
        "Refund" => T(l, "退款", "Refund"),
        "WriteOff" => T(l, "核销", "Write-off"),
        _ => kind,
    };
}
