using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Ui;

namespace Orderly.Server.Billing;

/// <summary>The invoice list's filters, as the page's URL carries them.</summary>
public sealed record InvoiceFilter(InvoiceStatus? Status, Guid? CustomerId, DateOnly? From, DateOnly? To, bool Overdue, Guid? OrderId = null);

public sealed record InvoiceRow(
    Guid Id, string? Number, InvoiceKind Kind, InvoiceStatus Status, bool IsDownPayment, Guid? OrderId, string CustomerCode, string CustomerName,
    decimal Total, decimal Paid, decimal Due, DateOnly? IssueDate, DateOnly? DueDate, string Currency);

/// <summary>The sums of a filtered invoice list in one currency (credit notes count against the total).</summary>
public sealed record InvoiceTotals(string Currency, int Count, decimal Total, decimal Paid, decimal Due);

public sealed record InvoicePayment(Guid PaymentId, DateOnly ReceivedOn, PaymentMethod Method, string? Reference, decimal Amount);

/// <summary>An order line with what is left to invoice on it (shipped, or ordered per the customer's policy, minus invoiced).</summary>
public sealed record InvoiceableLine(Guid OrderLineId, int LineNumber, string Sku, string ProductName, string Unit, decimal Ordered, decimal Shipped,
    decimal Invoiced, decimal Invoiceable, decimal UnitPrice, decimal VatPercent, bool VatExempt);

public sealed record InvoiceableOrder(Guid OrderId, string Number, Guid CustomerId, string CustomerName, string Currency, decimal Total,
    InvoicingPolicy Policy, bool TaxInclusive, IReadOnlyList<InvoiceableLine> Lines, decimal DownPaid, IReadOnlyList<InvoiceRow> Invoices);

public sealed record QuotationRow(Guid Id, string Number, string CustomerCode, string CustomerName, QuotationStatus Status, decimal Total, string Currency,
    DateOnly ValidUntil, Guid? OrderId);

/// <summary>What the billing pages read beyond the API's own reads: filtered, counted, totalled lists and the invoiceable view of an order.</summary>
public sealed class BillingUiQueries(OrderlyDbContext db, DataScope scope, BusinessCalendar calendar, BillingQueries billing)
{
    /// <summary>Payments of the caller's customers, newest first, a page at a time with the count.</summary>
    public async Task<PageOf<PaymentDto>> PaymentsAsync(Guid? customerId, bool unallocated, int skip, int take, CancellationToken ct)
    {
        var visible = await scope.CustomersAsync(db.Customers, ct);
        var payments = db.Set<Payment>().AsNoTracking().Where(p => visible.Any(c => c.Id == p.CustomerId));
        if (customerId is { } c)
        {
            payments = payments.Where(p => p.CustomerId == c);
        }

        if (unallocated)
        {
            payments = payments.Where(p => p.AmountMinor - p.AllocatedMinor - p.RefundedMinor > 0);
        }

        var total = await payments.CountAsync(ct);
        var rows = await payments.Include(p => p.Allocations).OrderByDescending(p => p.ReceivedOn).ThenByDescending(p => p.Id)
            .Skip(skip).Take(Math.Clamp(take, 1, 200)).AsSplitQuery().ToListAsync(ct);
        return new(await billing.PaymentDtosAsync(rows, ct), total);
    }

    /// <summary>Quotations of the caller's customers, newest first, a page at a time with the count.</summary>
    public async Task<PageOf<QuotationRow>> QuotationsAsync(QuotationStatus? status, Guid? customerId, int skip, int take, CancellationToken ct)
    {
        var visible = await scope.CustomersAsync(db.Customers.AsNoTracking(), ct);
        var quotations = db.Set<Quotation>().AsNoTracking();
        if (status is { } s)
        {
            quotations = quotations.Where(q => q.Status == s);
        }

        if (customerId is { } c)
        {
            quotations = quotations.Where(q => q.CustomerId == c);
        }

        var rows = quotations.Join(visible, q => q.CustomerId, cu => cu.Id, (q, cu) => new { q, cu.Code, cu.Name });
        var total = await rows.CountAsync(ct);
        var page = await rows.OrderByDescending(x => x.q.Id).Skip(skip).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new(page.ConvertAll(x => new QuotationRow(x.q.Id, x.q.Number, x.Code, x.Name, x.q.Status, M(x.q.TotalMinor, x.q.Currency), x.q.Currency,
            x.q.ValidUntil, x.q.OrderId)), total);
    }

    public async Task<(PageOf<InvoiceRow> Page, IReadOnlyList<InvoiceTotals> Totals)> InvoicesAsync(
        InvoiceFilter filter, string? sortBy, bool descending, int skip, int take, CancellationToken ct)
    {
        var invoices = await FilteredAsync(filter, ct);
        var total = await invoices.CountAsync(ct);
        var sums = await invoices.GroupBy(i => i.Currency).Select(g => new
        {
            Currency = g.Key,
            Count = g.Count(),
            Total = g.Sum(i => i.Kind == InvoiceKind.CreditNote ? -i.TotalMinor : i.TotalMinor),
            Paid = g.Sum(i => i.PaidMinor),
            Due = g.Sum(i => i.Kind == InvoiceKind.Invoice && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled
                ? i.TotalMinor - i.PaidMinor - i.CreditedMinor - i.WrittenOffMinor : 0),
        }).ToListAsync(ct);
        var rows = invoices.Join(db.Customers.AsNoTracking(), i => i.CustomerId, c => c.Id, (i, c) => new { Invoice = i, c.Code, c.Name });
        rows = (sortBy, descending) switch
        {
            ("number", false) => rows.OrderBy(x => x.Invoice.Number).ThenByDescending(x => x.Invoice.Id),
            ("number", true) => rows.OrderByDescending(x => x.Invoice.Number).ThenByDescending(x => x.Invoice.Id),
            ("customer", false) => rows.OrderBy(x => x.Name).ThenByDescending(x => x.Invoice.Id),
            ("customer", true) => rows.OrderByDescending(x => x.Name).ThenByDescending(x => x.Invoice.Id),
            ("total", false) => rows.OrderBy(x => x.Invoice.TotalMinor).ThenByDescending(x => x.Invoice.Id),
            ("total", true) => rows.OrderByDescending(x => x.Invoice.TotalMinor).ThenByDescending(x => x.Invoice.Id),
            ("due", false) => rows.OrderBy(x => x.Invoice.DueDate).ThenByDescending(x => x.Invoice.Id),
            ("due", true) => rows.OrderByDescending(x => x.Invoice.DueDate).ThenByDescending(x => x.Invoice.Id),
            _ => rows.OrderByDescending(x => x.Invoice.Id),
        };
        var page = await rows.Skip(skip).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return (new PageOf<InvoiceRow>(page.ConvertAll(x => Row(x.Invoice, x.Code, x.Name)), total),
            sums.OrderBy(s => s.Currency, StringComparer.Ordinal)
                .Select(s => new InvoiceTotals(s.Currency, s.Count, M(s.Total, s.Currency), M(s.Paid, s.Currency), M(s.Due, s.Currency))).ToList());
    }

    /// <summary>The payments allocated to an invoice, oldest first.</summary>
    public async Task<IReadOnlyList<InvoicePayment>> PaymentsOfAsync(Guid invoiceId, CancellationToken ct)
    {
        var visible = await scope.CustomersAsync(db.Customers, ct);
        var rows = await db.Set<PaymentAllocation>().AsNoTracking().Where(a => a.InvoiceId == invoiceId)
            .Join(db.Set<Payment>().Where(p => visible.Any(c => c.Id == p.CustomerId)), a => a.PaymentId, p => p.Id,
                (a, p) => new { p.Id, p.ReceivedOn, p.Method, p.Reference, a.AmountMinor, p.Currency, AllocationId = a.Id })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.ReceivedOn).ThenBy(r => r.AllocationId)
            .Select(r => new InvoicePayment(r.Id, r.ReceivedOn, r.Method, r.Reference, M(r.AmountMinor, r.Currency))).ToList();
    }

    /// <summary>An order as the "invoice this order" page shows it: per line what is left to invoice, the down payments, its invoices.</summary>
    public async Task<InvoiceableOrder> InvoiceableAsync(Guid orderId, CancellationToken ct)
    {
        var order = await (await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).Include(o => o.Lines)
            .FirstOrDefaultAsync(o => o.Id == orderId, ct) ?? throw new NotFoundException("Sales order", orderId);
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == order.CustomerId).Select(c => c.Name).FirstAsync(ct);
        var profile = await db.Set<CustomerBillingProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.CustomerId == order.CustomerId, ct)
            ?? new CustomerBillingProfile(order.CustomerId);
        var invoiced = await InvoiceService.InvoicedByLineAsync(db, order.Id, ct);
        var productIds = order.Lines.Select(l => l.ProductId).Distinct().ToList();
        var rates = await db.Set<ProductTaxRate>().AsNoTracking().Where(r => productIds.Contains(r.ProductId)).ToDictionaryAsync(r => r.ProductId, r => r.Rate, ct);
        var lines = order.Lines.OrderBy(l => l.LineNumber).Select(l =>
        {
            var done = invoiced.GetValueOrDefault(l.Id);
            var cap = (profile.Policy == InvoicingPolicy.OnOrder ? l.Quantity : l.Shipped - l.Returned) - done;
            var rate = rates.GetValueOrDefault(l.ProductId, VatRate.Standard);
            return new InvoiceableLine(l.Id, l.LineNumber, l.Sku, l.ProductName, l.Unit, l.Quantity, l.Shipped, done, Math.Max(0, cap),
                M(l.UnitPriceMinor, order.Currency), rate.Percent, rate.IsExempt);
        }).ToList();
        var invoices = await db.Set<Invoice>().AsNoTracking().Where(i => i.OrderId == order.Id).OrderBy(i => i.Id).ToListAsync(ct);
        var code = await db.Customers.AsNoTracking().Where(c => c.Id == order.CustomerId).Select(c => c.Code).FirstAsync(ct);
        var downPaid = invoices.Where(i => i.IsDownPayment && i.Status != InvoiceStatus.Cancelled).Sum(i => i.TotalMinor);
        return new InvoiceableOrder(order.Id, order.Number, order.CustomerId, customer, order.Currency, M(order.TotalMinor, order.Currency),
            profile.Policy, profile.TaxInclusive, lines, M(downPaid, order.Currency), invoices.ConvertAll(i => Row(i, code, customer)));
    }

    /// <summary>The invoices the list's filters select within the caller's scope (the export uses it too).</summary>
    public Task<IQueryable<Invoice>> FilteredInvoicesAsync(InvoiceFilter filter, CancellationToken ct) => FilteredAsync(filter, ct);

    private async Task<IQueryable<Invoice>> FilteredAsync(InvoiceFilter filter, CancellationToken ct)
    {
        var visible = await scope.CustomersAsync(db.Customers.AsNoTracking(), ct);
        var invoices = db.Set<Invoice>().AsNoTracking().Where(i => visible.Any(c => c.Id == i.CustomerId));
        if (filter.Status is { } status)
        {
            invoices = invoices.Where(i => i.Status == status);
        }

        if (filter.CustomerId is { } customerId)
        {
            invoices = invoices.Where(i => i.CustomerId == customerId);
        }

        if (filter.OrderId is { } orderId)
        {
            invoices = invoices.Where(i => i.OrderId == orderId);
        }

        if (filter.From is { } from)
        {
            invoices = invoices.Where(i => i.IssueDate >= from);
        }

        if (filter.To is { } to)
        {
            invoices = invoices.Where(i => i.IssueDate <= to);
        }

        if (filter.Overdue)
        {
            var today = calendar.Today;
            invoices = invoices.Where(i => i.Kind == InvoiceKind.Invoice
                && (i.Status == InvoiceStatus.Issued || i.Status == InvoiceStatus.PartiallyPaid || i.Status == InvoiceStatus.Overdue)
                && i.DueDate < today && i.TotalMinor - i.PaidMinor - i.CreditedMinor - i.WrittenOffMinor > 0);
        }

        return invoices;
    }

    private static InvoiceRow Row(Invoice i, string code, string name) => new(
        i.Id, i.Number, i.Kind, i.Status, i.IsDownPayment, i.OrderId, code, name, M(i.TotalMinor, i.Currency), M(i.PaidMinor, i.Currency), M(i.DueMinor, i.Currency),
        i.IssueDate, i.DueDate, i.Currency);

    private static decimal M(long minor, string currency) => Money.FromMinor(minor, currency).Amount;
}
