using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;

namespace Orderly.Server.Billing;

/// <summary>Read side of billing: invoices, payments, aging, DSO and statements, scoped to the caller's customers.</summary>
public sealed class BillingQueries(OrderlyDbContext db, DataScope scope, BusinessCalendar calendar)
{
    public async Task<InvoiceDto> InvoiceAsync(Guid id, CancellationToken ct)
    {
        var visible = await VisibleAsync(ct);
        var invoice = await db.Set<Invoice>().AsNoTracking().Include(i => i.Lines).Where(i => visible.Any(c => c.Id == i.CustomerId))
            .FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new NotFoundException("Invoice", id);
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == invoice.CustomerId).Select(c => c.Name).FirstAsync(ct);
        var orderNumber = invoice.OrderId is { } orderId ? await db.OrderRefs().Where(o => o.Id == orderId).Select(o => o.Number).FirstOrDefaultAsync(ct) : null;
        return ToDto(invoice, customer, orderNumber);
    }

    public static InvoiceDto ToDto(Invoice i, string customerName, string? orderNumber)
    {
        decimal M(long minor) => Money.FromMinor(minor, i.Currency).Amount;
        var b = i.Buyer;
        return new InvoiceDto(
            i.Id, i.Number, i.Kind, i.Status, i.OrderId, orderNumber, i.CustomerId, customerName,
            [.. i.Lines.OrderBy(l => l.LineNumber).Select(l => new InvoiceLineDto(l.Id, l.LineNumber, l.OrderLineId, l.ProductId, l.Description, l.Unit,
                l.Quantity, l.VatPercent, l.VatExempt, M(l.NetMinor), M(l.TaxMinor), M(l.GrossMinor), l.DownPaymentInvoiceId))],
            M(i.NetMinor), M(i.TaxMinor), M(i.TotalMinor), M(i.PaidMinor), M(i.CreditedMinor), M(i.WrittenOffMinor), M(i.DueMinor),
            i.IssueDate, i.DueDate, i.Currency, i.TaxInclusive, new BuyerDto(b.Name, b.TaxId, b.Address, b.Phone, b.Bank, b.Account),
            i.FapiaoType, i.FapiaoNumber, i.CreditedInvoiceId, i.Note, i.CreatedAt, i.Version, i.IsDownPayment);
    }

    public async Task<Page<InvoiceSummaryDto>> InvoicesAsync(Guid? customerId, Guid? orderId, InvoiceStatus? status, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var visible = await VisibleAsync(ct);
        var query = db.Set<Invoice>().AsNoTracking().Where(i => visible.Any(c => c.Id == i.CustomerId));
        if (customerId is { } c)
        {
            query = query.Where(i => i.CustomerId == c);
        }

        if (orderId is { } o)
        {
            query = query.Where(i => i.OrderId == o);
        }

        if (status is { } s)
        {
            query = query.Where(i => i.Status == s);
        }

        if (Paging.ParseCursor(cursor) is { } before)
        {
            query = query.Where(i => i.Id.CompareTo(before) < 0);
        }

        var rows = await query.OrderByDescending(i => i.Id).Take(take + 1)
            .Join(db.Customers, i => i.CustomerId, cu => cu.Id, (i, cu) => new { i, cu.Name }).ToListAsync(ct);
        var items = rows.ConvertAll(x => new InvoiceSummaryDto(x.i.Id, x.i.Number, x.i.Kind, x.i.Status, x.i.OrderId, x.i.CustomerId, x.Name,
            M(x.i.TotalMinor, x.i.Currency), M(x.i.PaidMinor, x.i.Currency), M(x.i.DueMinor, x.i.Currency), x.i.IssueDate, x.i.DueDate, x.i.Currency, x.i.IsDownPayment));
        return Paging.From(items, take, i => i.Id);
    }

    public async Task<PaymentDto> PaymentAsync(Guid id, CancellationToken ct)
    {
        var visible = await VisibleAsync(ct);
        var payment = await db.Set<Payment>().AsNoTracking().Include(p => p.Allocations).Where(p => visible.Any(c => c.Id == p.CustomerId))
            .FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Payment", id);
        return (await PaymentDtosAsync([payment], ct))[0];
    }

    public async Task<List<PaymentDto>> PaymentDtosAsync(List<Payment> payments, CancellationToken ct)
    {
        var invoiceIds = payments.SelectMany(p => p.Allocations).Select(a => a.InvoiceId).Distinct().ToList();
        var numbers = await db.Set<Invoice>().AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Number, ct);
        var customerIds = payments.Select(p => p.CustomerId).Distinct().ToList();
        var names = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return payments.ConvertAll(p => new PaymentDto(p.Id, p.CustomerId, names.GetValueOrDefault(p.CustomerId, ""), p.Method,
            M(p.AmountMinor, p.Currency), M(p.AllocatedMinor, p.Currency), M(p.RefundedMinor, p.Currency), M(p.UnallocatedMinor, p.Currency),
            p.Currency, p.ReceivedOn, p.Reference, p.BillMaturity,
            [.. p.Allocations.OrderBy(a => a.Id).Select(a => new AllocationDto(a.InvoiceId, numbers.GetValueOrDefault(a.InvoiceId), M(a.AmountMinor, p.Currency), a.At, a.By))],
            p.RecordedAt, p.RecordedBy, p.Version));
    }

    public async Task<Page<PaymentDto>> PaymentsAsync(Guid? customerId, bool? unallocated, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var visible = await VisibleAsync(ct);
        var query = db.Set<Payment>().AsNoTracking().Include(p => p.Allocations).Where(p => visible.Any(c => c.Id == p.CustomerId));
        if (customerId is { } c)
        {
            query = query.Where(p => p.CustomerId == c);
        }

        if (unallocated == true)
        {
            query = query.Where(p => p.AmountMinor - p.AllocatedMinor - p.RefundedMinor > 0);
        }

        if (Paging.ParseCursor(cursor) is { } before)
        {
            query = query.Where(p => p.Id.CompareTo(before) < 0);
        }

        var rows = await query.OrderByDescending(p => p.Id).Take(take + 1).AsSplitQuery().ToListAsync(ct);
        return Paging.From(await PaymentDtosAsync(rows, ct), take, p => p.Id);
    }

    /// <summary>Per customer and in total, what was owed on <paramref name="asOf"/> by days past due (payments received by then count).</summary>
    public async Task<AgingDto> AgingAsync(DateOnly? asOf, string? currency, Guid? customerId, CancellationToken ct)
    {
        var day = asOf ?? calendar.Today;
        var code = CurrencyOf(currency);
        var open = await OpenAsOfAsync(day, code, customerId, ct);
        var customerIds = open.Select(o => o.CustomerId).Distinct().ToList();
        var customers = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => new { c.Code, c.Name }, ct);
        var rows = open.GroupBy(o => o.CustomerId)
            .Select(g => Row(g.Key, customers[g.Key].Code, customers[g.Key].Name, code, Aging.Of(g.Select(o => (o.DueDate, o.DueMinor)), day)))
            .OrderByDescending(r => r.Total).ThenBy(r => r.CustomerCode).ToList();
        var total = Aging.Of(open.Select(o => (o.DueDate, o.DueMinor)), day);
        return new AgingDto(day, code, rows, Row(Guid.Empty, "", "", code, total));
    }

    public async Task<DsoDto> DsoAsync(DateOnly? asOf, int? days, string? currency, CancellationToken ct)
    {
        var day = asOf ?? calendar.Today;
        var period = Math.Clamp(days ?? 90, 1, 366);
        var code = CurrencyOf(currency);
        var receivables = (await OpenAsOfAsync(day, code, null, ct)).Sum(o => o.DueMinor);
        var from = day.AddDays(1 - period);
        var visible = await VisibleAsync(ct);
        var sales = await db.Set<Invoice>().AsNoTracking()
            .Where(i => visible.Any(c => c.Id == i.CustomerId) && i.Currency == code && i.Kind == InvoiceKind.Invoice
                && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled && i.IssueDate >= from && i.IssueDate <= day)
            .SumAsync(i => (long?)i.TotalMinor, ct) ?? 0;
        return new DsoDto(day, period, code, M(receivables, code), M(sales, code), Aging.DaysSalesOutstanding(receivables, sales, period));
    }

    /// <summary>对账单: what was invoiced, credited, received and refunded in the period, with running balance, what is due and the credit left.</summary>
    public async Task<StatementDto> StatementAsync(Guid customerId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var customer = await (await scope.CustomersAsync(db.Customers.AsNoTracking(), ct)).Where(c => c.Id == customerId)
            .Select(c => new { c.Code, c.Name, c.Currency }).FirstOrDefaultAsync(ct) ?? throw new NotFoundException("Customer", customerId);
        var end = to ?? calendar.Today;
        var start = from ?? new DateOnly(end.Year, end.Month, 1);
        if (start > end)
        {
            throw new RuleViolationException("from", "InvalidPeriod", "The period starts after it ends.");
        }

        var code = customer.Currency;
        var invoices = await db.Set<Invoice>().AsNoTracking()
            .Where(i => i.CustomerId == customerId && i.Currency == code && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled)
            .ToListAsync(ct);
        var payments = await db.Set<Payment>().AsNoTracking().Where(p => p.CustomerId == customerId && p.Currency == code).ToListAsync(ct);
        var entries = new List<(DateOnly Date, int Order, string Kind, string? Number, Guid Ref, long Debit, long Credit, DateOnly? DueDate)>();
        foreach (var i in invoices)
        {
            entries.Add(i.Kind == InvoiceKind.Invoice
                ? (i.IssueDate!.Value, 0, "Invoice", i.Number, i.Id, i.TotalMinor, 0, i.DueDate)
                : (i.IssueDate!.Value, 1, "CreditNote", i.Number, i.Id, 0, i.TotalMinor, null));
            if (i.WrittenOffMinor > 0)
            {
                entries.Add((i.IssueDate!.Value, 3, "WriteOff", i.Number, i.Id, 0, i.WrittenOffMinor, null));
            }
        }

        foreach (var p in payments)
        {
            entries.Add((p.ReceivedOn, 2, "Payment", p.Reference, p.Id, 0, p.AmountMinor, null));
            if (p.RefundedMinor > 0)
            {
                entries.Add((p.RefundedOn ?? p.ReceivedOn, 4, "Refund", p.Reference, p.Id, p.RefundedMinor, 0, null));
            }
        }

        var opening = entries.Where(e => e.Date < start).Sum(e => e.Debit - e.Credit);
        var balance = opening;
        var lines = new List<StatementLineDto>();
        foreach (var e in entries.Where(e => e.Date >= start && e.Date <= end).OrderBy(e => e.Date).ThenBy(e => e.Order).ThenBy(e => e.Ref))
        {
            balance += e.Debit - e.Credit;
            lines.Add(new StatementLineDto(e.Date, e.Kind, e.Number, e.Ref, M(e.Debit, code), M(e.Credit, code), M(balance, code), e.DueDate));
        }

        var inPeriod = entries.Where(e => e.Date >= start && e.Date <= end).ToList();
        var due = invoices.Where(i => i.IsOpen).Sum(i => i.DueMinor);
        var credit = payments.Sum(p => p.UnallocatedMinor) + invoices.Where(i => i.Kind == InvoiceKind.CreditNote).Sum(i => i.DueMinor);
        return new StatementDto(customerId, customer.Code, customer.Name, code, start, end, M(opening, code), lines, M(balance, code),
            M(inPeriod.Where(e => e.Kind == "Invoice").Sum(e => e.Debit), code), M(inPeriod.Where(e => e.Kind == "Payment").Sum(e => e.Credit), code),
            M(due, code), M(credit, code));
    }

    private sealed record OpenItem(Guid CustomerId, DateOnly DueDate, long DueMinor);

    /// <summary>Issued invoices by <paramref name="asOf"/> with what was still due that day (allocations of payments received by then).</summary>
    private async Task<List<OpenItem>> OpenAsOfAsync(DateOnly asOf, string currency, Guid? customerId, CancellationToken ct)
    {
        var visible = await VisibleAsync(ct);
        var query = db.Set<Invoice>().AsNoTracking()
            .Where(i => visible.Any(c => c.Id == i.CustomerId) && i.Currency == currency && i.Kind == InvoiceKind.Invoice
                && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled && i.IssueDate <= asOf);
        if (customerId is { } only)
        {
            query = query.Where(i => i.CustomerId == only);
        }

        var invoices = await query.Select(i => new { i.Id, i.CustomerId, i.DueDate, i.TotalMinor, i.CreditedMinor, i.WrittenOffMinor }).ToListAsync(ct);
        var ids = invoices.Select(i => i.Id).ToList();
        var paid = (await db.Set<PaymentAllocation>().AsNoTracking().Where(a => ids.Contains(a.InvoiceId))
                .Join(db.Set<Payment>(), a => a.PaymentId, p => p.Id, (a, p) => new { a.InvoiceId, a.AmountMinor, p.ReceivedOn })
                .Where(x => x.ReceivedOn <= asOf).ToListAsync(ct))
            .GroupBy(x => x.InvoiceId).ToDictionary(g => g.Key, g => g.Sum(x => x.AmountMinor));
        return invoices
            .Select(i => new OpenItem(i.CustomerId, i.DueDate!.Value, i.TotalMinor - i.CreditedMinor - i.WrittenOffMinor - paid.GetValueOrDefault(i.Id)))
            .Where(o => o.DueMinor > 0).ToList();
    }

    private static AgingRowDto Row(Guid id, string code, string name, string currency, AgingBuckets b) => new(
        id, code, name, currency, M(b.Current, currency), M(b.D1To30, currency), M(b.D31To60, currency), M(b.D61To90, currency), M(b.D90Plus, currency), M(b.Total, currency));

    private static string CurrencyOf(string? currency) =>
        currency is null ? Currency.Default
        : Currency.IsKnown(currency) ? currency
        : throw new RuleViolationException("currency", "UnknownCurrency", $"'{currency}' is not a supported currency.");

    private async Task<IQueryable<Domain.Customers.Customer>> VisibleAsync(CancellationToken ct) => await scope.CustomersAsync(db.Customers, ct);

    private static decimal M(long minor, string currency) => Money.FromMinor(minor, currency).Amount;
}
