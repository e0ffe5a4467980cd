using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;
using Orderly.Server.Data;
using Orderly.Server.Orders;

namespace Orderly.Server.Billing;

/// <summary>Billing's answers to Orders: each order's payment situation, and what a customer owes beyond its open orders.</summary>
public sealed class BillingFacts(OrderlyDbContext db) : IOrderPaymentSource, IReceivablesExposure
{
    public async Task<IReadOnlyDictionary<Guid, OrderPaymentFacts>> FactsAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct)
    {
        if (orderIds.Count == 0)
        {
            return new Dictionary<Guid, OrderPaymentFacts>();
        }

        var rows = new List<OrderInvoice>();
        await foreach (var row in Compiled.OrderInvoices.For(db)(db, [.. orderIds]).WithCancellation(ct))
        {
            rows.Add(row);
        }

        return rows.GroupBy(r => r.OrderId).ToDictionary(g => g.Key, g =>
        {
            var currency = g.First().Currency;
            var invoices = g.Where(r => r.Kind == InvoiceKind.Invoice).ToList();
            var invoiced = invoices.Sum(r => r.TotalMinor) - g.Where(r => r.Kind == InvoiceKind.CreditNote).Sum(r => r.TotalMinor);
            var paid = invoices.Sum(r => r.PaidMinor);
            var due = invoices.Sum(r => r.TotalMinor - r.PaidMinor - r.CreditedMinor - r.WrittenOffMinor);
            var status = invoices.Count == 0 ? "NotInvoiced"
                : paid > invoiced ? "Overpaid"
                : due <= 0 ? "Paid"
                : paid == 0 ? "NotPaid"
                : "PartiallyPaid";
            return new OrderPaymentFacts(status, M(invoiced, currency), M(paid, currency), M(due, currency));
        });
    }

    /// <summary>
    /// Issued invoices' due, less what of them is still counted as an open order (an order open for credit counts its
    /// whole total already, so its invoices only take off what was paid or credited), less unallocated credit.
    /// </summary>
    public async Task<long> ExposureMinorAsync(Guid customerId, string currency, CancellationToken ct)
    {
        var exposure = 0L;
        await foreach (var i in Compiled.IssuedInvoices.For(db)(db, customerId, currency).WithCancellation(ct))
        {
            var due = i.TotalMinor - i.PaidMinor - i.CreditedMinor - i.WrittenOffMinor;
            exposure += i.Kind == InvoiceKind.CreditNote ? -due : i.OrderOpen ? due - i.TotalMinor : due;
        }

        return exposure - (await Compiled.Unallocated.For(db)(db, customerId, currency, ct) ?? 0);
    }

    public async Task<IReadOnlyList<string>> HoldReasonsAsync(Guid customerId, CancellationToken ct) =>
        await Compiled.OnHold.For(db)(db, customerId, ct) ? [ApprovalPolicy.CreditHold] : [];

    private sealed record OrderInvoice(Guid OrderId, InvoiceKind Kind, string Currency, long TotalMinor, long PaidMinor, long CreditedMinor, long WrittenOffMinor);

    private sealed record InvoiceExposure(InvoiceKind Kind, long TotalMinor, long PaidMinor, long CreditedMinor, long WrittenOffMinor, bool OrderOpen);

    /// <summary>Compiled once: every placed order asks for its customer's exposure and holds, twice.</summary>
    private static class Compiled
    {
        // The order list and every order reply ask this for their orders.
        public static readonly CompiledQuery<Func<OrderlyDbContext, List<Guid>, IAsyncEnumerable<OrderInvoice>>> OrderInvoices = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, List<Guid> ids) => db.Set<Invoice>().AsNoTracking()
                .Where(i => i.OrderId != null && ids.Contains(i.OrderId.Value) && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled)
                .Select(i => new OrderInvoice(i.OrderId!.Value, i.Kind, i.Currency, i.TotalMinor, i.PaidMinor, i.CreditedMinor, i.WrittenOffMinor))));

        public static readonly CompiledQuery<Func<OrderlyDbContext, Guid, string, IAsyncEnumerable<InvoiceExposure>>> IssuedInvoices = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, string currency) => db.Set<Invoice>().AsNoTracking()
                .Where(i => i.CustomerId == customerId && i.Currency == currency && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled)
                .Select(i => new InvoiceExposure(i.Kind, i.TotalMinor, i.PaidMinor, i.CreditedMinor, i.WrittenOffMinor,
                    i.OrderId != null && db.SalesOrders.Any(o => o.Id == i.OrderId && OrderTransitions.OpenForCredit.Contains(o.Status))))));

        public static readonly CompiledQuery<Func<OrderlyDbContext, Guid, string, CancellationToken, Task<long?>>> Unallocated = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, string currency, CancellationToken ct) => db.Set<Payment>().AsNoTracking()
                .Where(p => p.CustomerId == customerId && p.Currency == currency)
                .Sum(p => (long?)(p.AmountMinor - p.AllocatedMinor - p.RefundedMinor))));

        public static readonly CompiledQuery<Func<OrderlyDbContext, Guid, CancellationToken, Task<bool>>> OnHold = new(() =>
            EF.CompileAsyncQuery((OrderlyDbContext db, Guid customerId, CancellationToken ct) =>
                db.Set<CreditHold>().Any(h => h.CustomerId == customerId && h.ReleasedAt == null)));
    }

    private static decimal M(long minor, string currency) => Money.FromMinor(minor, currency).Amount;
}
