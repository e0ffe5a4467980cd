using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Common;
using Orderly.Domain.Purchasing;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Documents;
using static Orderly.Server.Documents.DocumentLanguage;

namespace Orderly.Server.Purchasing;

/// <summary>
/// 采购订单 as the supplier receives it (attached to the PurchaseOrderSent e-mail, and printable): our order's lines
/// at the agreed prices with the expected or promised dates; never our list prices or the sales order behind it.
/// </summary>
public sealed class PurchaseOrderDocument(OrderlyDbContext db, IOptions<CompanyOptions> company) : IDocumentSource
{
    public const string DocumentKind = "purchase-order";

    public string Kind => DocumentKind;

    public async Task<RenderedDocument?> RenderAsync(Guid id, string language, CancellationToken ct)
    {
        var po = await db.Set<PurchaseOrder>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (po is null)
        {
            return null;
        }

        var supplier = await db.Suppliers.AsNoTracking().FirstAsync(s => s.Id == po.SupplierId, ct);
        var warehouse = await db.Warehouses.AsNoTracking().Where(w => w.Id == po.WarehouseId).Select(w => new { w.Code, w.Name }).FirstOrDefaultAsync(ct);
        var ids = po.Lines.Select(l => l.ProductId).Distinct().ToList();
        var products = await db.ProductRefs().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var l = language;
        var c = po.Currency;
        var contact = supplier.Contacts.Count > 0 ? supplier.Contacts[0] : null;
        using var sheet = new PdfSheet(T(l, "采购订单", "Purchase order"), l, company.Value);
        sheet.Fields(
        [
            (T(l, "采购单号", "Number"), po.Number), (T(l, "日期", "Date"), po.CreatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            (T(l, "供应商", "Supplier"), $"{supplier.Code} {supplier.Name}"), (T(l, "币种", "Currency"), c),
            (T(l, "联系人", "Contact"), contact is null ? supplier.Email : $"{contact.Name} {contact.Phone ?? contact.Email}".Trim()),
            (T(l, "付款条件", "Payment terms"), T(l, $"{supplier.PaymentTermsDays} 天", $"{supplier.PaymentTermsDays} days")),
            (T(l, "收货仓库", "Deliver to"), warehouse is null ? null : $"{warehouse.Code} {warehouse.Name}"),
            (T(l, "状态", "Status"), po.DropShip ? T(l, "供应商直发", "Drop-ship") : null),
        ]);
        sheet.Table(
        [
            new("#", 3), new(T(l, "物料编码", "SKU"), 13), new(T(l, "品名", "Product"), 30), new(T(l, "数量", "Qty"), 9, true),
            new(T(l, "单价", "Unit price"), 12, true), new(T(l, "金额", "Amount"), 14, true), new(T(l, "交期", "Due"), 11),
        ],
        po.Lines.OrderBy(x => x.LineNumber).Select(line =>
        {
            var product = products.GetValueOrDefault(line.ProductId);
            var unit = Money.FromMinor(line.UnitPriceMinor, c).Amount;
            return new[]
            {
                line.LineNumber.ToString(CultureInfo.InvariantCulture), product?.Sku ?? "", product?.Name ?? "", Quantity(line.Quantity),
                Amount(unit, c), Amount(Money.FromMinor((long)Math.Round(line.Quantity * line.UnitPriceMinor, MidpointRounding.AwayFromZero), c).Amount, c), Date(line.DueDate),
            };
        }));
        sheet.Totals([(T(l, "合计", "Total"), $"{c} {Amount(po.Total.Amount, c)}")]);
        if (c == "CNY")
        {
            sheet.Paragraph(T(l, "合计（大写）：", "Total in words (大写): ") + Domain.Billing.AmountInWords.Chinese(po.Total.Amount), bold: true);
        }

        sheet.Paragraph(T(l, "请于收到本订单后确认数量及交货日期。", "Please confirm the quantities and delivery dates on receipt of this order."));
        sheet.SignatureBoxes(T(l, "采购方签章", "For the buyer"), T(l, "供应商确认签章", "Confirmed by the supplier"));
        return new RenderedDocument($"{po.Number}.pdf", "application/pdf", sheet.Finish());
    }
}
