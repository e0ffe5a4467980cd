using Microsoft.Extensions.Options;
using Orderly.Server.Billing;
using Orderly.Server.Infrastructure;
using static Orderly.Server.Documents.DocumentLanguage;

namespace Orderly.Server.Documents;

/// <summary>报价单 as the customer receives it.</summary>
public sealed class QuotationDocument(QuotationService quotations, IOptions<CompanyOptions> company) : IDocumentSource
{
    public string Kind => "quotation";

    public async Task<RenderedDocument?> RenderAsync(Guid id, string language, CancellationToken ct)
    {
        QuotationDto q;
        try
        {
            q = await quotations.GetAsync(id, ct);
        }
        catch (NotFoundException)
        {
            return null;
        }

        var l = language;
        var c = q.Currency;
        using var sheet = new PdfSheet(T(l, "报价单", "Quotation"), l, company.Value);
        sheet.Fields(
        [
            (T(l, "报价单号", "Number"), q.Number), (T(l, "有效期至", "Valid until"), Date(q.ValidUntil)),
            (T(l, "客户", "Customer"), q.CustomerName), (T(l, "币种", "Currency"), c),
        ]);
        sheet.Table(
        [
            new("#", 3), new(T(l, "物料编码", "SKU"), 12), new(T(l, "品名", "Product"), 28), new(T(l, "数量", "Qty"), 8, true), new(T(l, "单位", "Unit"), 6),
            new(T(l, "单价", "Unit price"), 12, true), new(T(l, "折扣", "Discount"), 8, true), new(T(l, "金额", "Amount"), 14, true),
        ],
        q.Lines.Select(line => new[]
        {
            line.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Sku, line.ProductName, Quantity(line.Quantity), line.Unit,
            Amount(line.UnitPrice, c), line.DiscountPercent == 0 ? "" : $"{line.DiscountPercent:0.##}%", Amount(line.LineTotal, c),
        }));
        sheet.Totals([(T(l, "报价总额（含税）", "Total (tax incl.)"), $"{c} {Amount(q.Total, c)}")]);
        if (c == "CNY")
        {
            sheet.Paragraph(T(l, "合计（大写）：", "Total in words (大写): ") + Domain.Billing.AmountInWords.Chinese(q.Total), bold: true);
        }

        if (q.Note is { } note)
        {
            sheet.Paragraph(T(l, "备注：", "Note: ") + note);
        }

        return new RenderedDocument($"{q.Number}.pdf", "application/pdf", sheet.Finish());
    }
}
