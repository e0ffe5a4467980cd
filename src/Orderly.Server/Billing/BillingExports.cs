using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Integration;
using Orderly.Server.Orders;

namespace Orderly.Server.Billing;

/// <summary>Invoices and credit notes as the invoice list filters them (customerId, orderId, status, from, to on the issue date, overdue).</summary>
public sealed class InvoiceExport(BillingUiQueries queries, OrderlyDbContext db) : IExportList
{
    public string Name => "invoices";
    public string Policy => BillingPolicies.ReadReceivables;
    public IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("Number", "发票号"), new("Kind", "类型"), new("Down payment", "预付款"), new("Status", "状态"), new("Customer code", "客户编码"), new("Customer", "客户"),
        new("Order", "订单号"), new("Issue date", "开票日期"), new("Due date", "到期日"), new("Currency", "币种"), new("Net", "不含税金额"), new("Tax", "税额"),
        new("Total", "价税合计"), new("Paid", "已付"), new("Due", "未付"), new("Fapiao type", "发票类型"), new("Fapiao number", "发票号码"), new("Buyer tax id", "纳税人识别号"),
    ];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var filter = new InvoiceFilter(query.Enum<InvoiceStatus>("status"), query.Id("customerId"), query.Date("from"), query.Date("to"),
            query.Bool("overdue") == true, query.Id("orderId"));
        var invoices = await queries.FilteredInvoicesAsync(filter, ct);
        var rows = invoices.Join(db.Customers, i => i.CustomerId, c => c.Id, (i, c) => new { Invoice = i, c.Code, c.Name })
            .GroupJoin(db.OrderRefs(), x => x.Invoice.OrderId, o => o.Id, (x, o) => new { x.Invoice, x.Code, x.Name, Orders = o })
            .SelectMany(x => x.Orders.DefaultIfEmpty(), (x, o) => new { x.Invoice, x.Code, x.Name, OrderNumber = o == null ? null : o.Number })
            .OrderByDescending(x => x.Invoice.Id).AsAsyncEnumerable();
        await foreach (var x in rows.WithCancellation(ct))
        {
            var i = x.Invoice;
            decimal M(long minor) => Money.FromMinor(minor, i.Currency).Amount;
            yield return [i.Number, i.Kind, i.IsDownPayment, i.Status, x.Code, x.Name, x.OrderNumber, i.IssueDate, i.DueDate, i.Currency,
                M(i.NetMinor), M(i.TaxMinor), M(i.TotalMinor), M(i.PaidMinor), M(i.DueMinor), i.FapiaoType, i.FapiaoNumber, i.BuyerTaxId];
        }
    }
}

/// <summary>Payments as the payment list filters them (customerId, unallocated), and by the day received (from, to).</summary>
public sealed class PaymentExport(OrderlyDbContext db, DataScope scope) : IExportList
{
    public string Name => "payments";
    public string Policy => BillingPolicies.ReadReceivables;
    public IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("Received on", "收款日期"), new("Customer code", "客户编码"), new("Customer", "客户"), new("Method", "收款方式"), new("Reference", "参考号"),
        new("Currency", "币种"), new("Amount", "金额"), new("Allocated", "已核销"), new("Refunded", "已退款"), new("Unallocated", "未核销余额"),
        new("Bill maturity", "汇票到期日"), new("Allocated to", "核销发票"),
    ];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var (customerId, unallocated, from, to) = (query.Id("customerId"), query.Bool("unallocated") == true, query.Date("from"), query.Date("to"));
        var visible = await scope.CustomersAsync(db.Customers.AsNoTracking(), ct);
        var payments = db.Set<Payment>().AsNoTracking().Where(p => visible.Any(c => c.Id == p.CustomerId));
        if (customerId is { } c)
        {
            payments = payments.Where(p => p.CustomerId == c);
        }

        if (unallocated)
        {
            payments = payments.Where(p => p.AmountMinor - p.AllocatedMinor - p.RefundedMinor > 0);
        }

        if (from is { } f)
        {
            payments = payments.Where(p => p.ReceivedOn >= f);
        }

        if (to is { } t)
        {
            payments = payments.Where(p => p.ReceivedOn <= t);
        }

        // Read before the rows stream: one query, since a connection runs one command at a time.
        var allocated = (await db.Set<PaymentAllocation>().AsNoTracking().Where(a => payments.Any(p => p.Id == a.PaymentId))
                .Join(db.Set<Invoice>(), a => a.InvoiceId, i => i.Id, (a, i) => new { a.PaymentId, a.Id, i.Number }).ToListAsync(ct))
            .GroupBy(a => a.PaymentId).ToDictionary(g => g.Key, g => string.Join(' ', g.OrderBy(a => a.Id).Select(a => a.Number)));
        var rows = payments.Join(db.Customers, p => p.CustomerId, cu => cu.Id, (p, cu) => new { Payment = p, cu.Code, cu.Name })
            .OrderByDescending(x => x.Payment.ReceivedOn).ThenByDescending(x => x.Payment.Id).AsAsyncEnumerable();
        await foreach (var x in rows.WithCancellation(ct))
        {
            var p = x.Payment;
            decimal M(long minor) => Money.FromMinor(minor, p.Currency).Amount;
            yield return [p.ReceivedOn, x.Code, x.Name, p.Method, p.Reference, p.Currency, M(p.AmountMinor), M(p.AllocatedMinor), M(p.RefundedMinor),
                M(p.UnallocatedMinor), p.BillMaturity, allocated.GetValueOrDefault(p.Id)];
        }
    }
}

/// <summary>Yonyou U8's voucher import as a sheet: one row per entry (分录), the U8 OpenAPI field names as English headers.</summary>
public sealed class YonyouVoucherExport(VoucherService vouchers) : IExportList
{
    public string Name => "vouchers-yonyou";
    public string Policy => BillingPolicies.ManageBilling;
    public IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("voucher_type", "凭证类别"), new("fiscal_year", "会计年度"), new("accounting_period", "会计期间"), new("date", "制单日期"), new("reserve2", "外部凭证号"),
        new("enter", "制单人"), new("attachment_number", "附单据数"), new("entry_id", "分录号"), new("abstract", "摘要"), new("account_code", "科目编码"),
        new("currency", "币种"), new("natural_debit_currency", "借方金额"), new("natural_credit_currency", "贷方金额"), new("cust_id", "客户编码"),
    ];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var (_, _, list) = await vouchers.ListAsync(query.Date("from"), query.Date("to"), ct);
        var o = vouchers.Options;
        foreach (var v in list)
        {
            foreach (var e in v.Entries)
            {
                yield return [o.YonyouVoucherType, v.Date.Year, v.Date.Month, v.Date, v.ExternalId, o.Maker, 1, e.EntryId, e.Summary, e.Account, o.YonyouCurrency,
                    VoucherService.Amount(e.DebitMinor, v.Currency), VoucherService.Amount(e.CreditMinor, v.Currency), e.CustomerCode];
            }
        }
    }
}

/// <summary>Kingdee K3 Cloud's GL_VOUCHER import as a sheet: one row per entry, the form's field keys as English headers.</summary>
public sealed class KingdeeVoucherExport(VoucherService vouchers) : IExportList
{
    public string Name => "vouchers-kingdee";
    public string Policy => BillingPolicies.ManageBilling;
    public IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("FBillNo", "外部单号"), new("FAccountBookID", "账簿"), new("FDate", "日期"), new("FYEAR", "会计年度"), new("FPERIOD", "期间"),
        new("FVOUCHERGROUPID", "凭证字"), new("FATTACHMENTS", "附件数"), new("FSEQ", "分录序号"), new("FEXPLANATION", "摘要"), new("FACCOUNTID", "科目编码"),
        new("FDETAILID__FFLEX6", "客户"), new("FCURRENCYID", "币别"), new("FEXCHANGERATE", "汇率"), new("FAMOUNTFOR", "原币金额"), new("FDEBIT", "借方金额"),
        new("FCREDIT", "贷方金额"),
    ];

    public async IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var (_, _, list) = await vouchers.ListAsync(query.Date("from"), query.Date("to"), ct);
        var o = vouchers.Options;
        foreach (var v in list)
        {
            foreach (var e in v.Entries)
            {
                yield return [v.ExternalId, o.KingdeeAccountBook, v.Date, v.Date.Year, v.Date.Month, o.KingdeeVoucherGroup, 1, e.EntryId, e.Summary, e.Account,
                    e.CustomerCode, o.KingdeeCurrency, 1m, VoucherService.Amount(e.DebitMinor != 0 ? e.DebitMinor : e.CreditMinor, v.Currency),
                    VoucherService.Amount(e.DebitMinor, v.Currency), VoucherService.Amount(e.CreditMinor, v.Currency)];
            }
        }
    }
}
