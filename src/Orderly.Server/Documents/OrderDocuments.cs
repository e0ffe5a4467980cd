using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;
using static Orderly.Server.Documents.DocumentLanguage;

namespace Orderly.Server.Documents;

/// <summary>Reads an order for its documents: the order as the API shows it and the customer's address and phone.</summary>
public sealed class OrderDocumentData(OrderQueries orders, OrderlyDbContext db)
{
    public async Task<(OrderDto Order, string? Address, string? Phone)?> LoadAsync(Guid id, CancellationToken ct)
    {
        OrderDto order;
        try
        {
            order = await orders.GetAsync(id, ct);
        }
        catch (NotFoundException)
        {
            return null;
        }

        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == order.CustomerId).Select(c => new { c.Address, c.Phone }).FirstAsync(ct);
        return (order, customer.Address, customer.Phone);
    }
}

/// <summary>订单确认书: what was ordered, at what price, with the total the customer pays.</summary>
public sealed class OrderConfirmationDocument(OrderDocumentData data, IOptions<CompanyOptions> company) : IDocumentSource
{
    public string Kind => "order-confirmation";

    public async Task<RenderedDocument?> RenderAsync(Guid id, string language, CancellationToken ct)
    {
        if (await data.LoadAsync(id, ct) is not var (o, address, phone))
        {
            return null;
        }

        var l = language;
        var c = o.Currency;
        using var sheet = new PdfSheet(T(l, "订单确认书", "Order confirmation"), l, company.Value);
        sheet.Fields(
        [
            (T(l, "订单号", "Order"), o.Number), (T(l, "订单日期", "Order date"), Date(o.OrderDate)),
            (T(l, "客户", "Customer"), $"{o.CustomerName} ({o.CustomerCode})"), (T(l, "客户订单号", "Customer PO"), o.CustomerPo),
            (T(l, "地址", "Address"), address), (T(l, "电话", "Phone"), phone),
            (T(l, "要求交货日期", "Requested delivery"), Date(o.RequestedDeliveryDate)), (T(l, "状态", "Status"), o.Status.ToString()),
        ]);
        sheet.Table(
        [
            new("#", 3), new(T(l, "物料编码", "SKU"), 12), new(T(l, "品名", "Product"), 26), new(T(l, "数量", "Qty"), 8, true), new(T(l, "单位", "Unit"), 6),
            new(T(l, "单价", "Unit price"), 12, true), new(T(l, "折扣", "Discount"), 8, true), new(T(l, "金额", "Amount"), 14, true),
        ],
        o.Lines.Select(line => new[]
        {
            line.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Sku, line.ProductName, Quantity(line.Quantity), line.Unit,
            Amount(line.UnitPrice, c), line.DiscountPercent == 0 ? "" : $"{line.DiscountPercent:0.##}%", Amount(line.LineTotal, c),
        }));
        sheet.Totals([(T(l, "订单总额（含税）", "Order total (tax incl.)"), $"{c} {Amount(o.Total, c)}")]);
        if (c == "CNY")
        {
            sheet.Paragraph(T(l, "合计（大写）：", "Total in words (大写): ") + Domain.Billing.AmountInWords.Chinese(o.Total), bold: true);
        }

        sheet.SignatureBoxes(T(l, "供方确认", "Seller"), T(l, "客户确认", "Customer"));
        return new RenderedDocument($"{o.Number}-confirmation.pdf", "application/pdf", sheet.Finish());
    }
}

/// <summary>送货单: what was shipped on the order so far, with a box for the receiver's signature.</summary>
public sealed class DeliveryNoteDocument(OrderDocumentData data, IOptions<CompanyOptions> company) : IDocumentSource
{
    public string Kind => "delivery-note";

    public async Task<RenderedDocument?> RenderAsync(Guid id, string language, CancellationToken ct)
    {
        if (await data.LoadAsync(id, ct) is not var (o, address, phone))
        {
            return null;
        }

        var l = language;
        using var sheet = new PdfSheet(T(l, "送货单", "Delivery note"), l, company.Value);
        sheet.Fields(
        [
            (T(l, "订单号", "Order"), o.Number), (T(l, "客户订单号", "Customer PO"), o.CustomerPo),
            (T(l, "收货单位", "Deliver to"), o.CustomerName), (T(l, "收货地址", "Address"), address), (T(l, "联系电话", "Phone"), phone),
        ]);
        sheet.Table(
        [
            new("#", 3), new(T(l, "物料编码", "SKU"), 14), new(T(l, "品名", "Product"), 34), new(T(l, "单位", "Unit"), 7),
            new(T(l, "订购数量", "Ordered"), 10, true), new(T(l, "本单发货", "Shipped"), 10, true), new(T(l, "实收数量", "Received"), 10, true),
        ],
        o.Lines.Where(line => line.Shipped > 0).Select(line => new[]
        {
            line.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Sku, line.ProductName, line.Unit,
            Quantity(line.Quantity), Quantity(line.Shipped), "",
        }));
        sheet.Paragraph(T(l, "请当面验收，如有短缺或破损请在签收时注明。", "Please check the goods on receipt and note any shortage or damage when signing."));
        sheet.SignatureBoxes(T(l, "送货人签字", "Delivered by"), T(l, "收货人签字", "Receiver's signature"));
        return new RenderedDocument($"{o.Number}-delivery-note.pdf", "application/pdf", sheet.Finish());
    }
}
