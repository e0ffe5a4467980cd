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

        var ids = orderIds.ToList();
        var rows = await db.Set<Invoice>().AsNoTracking()
            .Where(i => i.OrderId != null && ids.Contains(i.OrderId.Value) && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled)
            .Select(i => new { OrderId = i.OrderId!.Value, i.Kind, i.Status, i.Currency, i.TotalMinor, i.PaidMinor, i.CreditedMinor, i.WrittenOffMinor })
            .ToListAsync(ct);
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
        var open = OrderTransitions.OpenForCredit;
        var invoices = await db.Set<Invoice>().AsNoTracking()
            .Where(i => i.CustomerId == customerId && i.Currency == currency && i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Cancelled)
            .Select(i => new
            {
                i.Kind, i.TotalMinor, i.PaidMinor, i.CreditedMinor, i.WrittenOffMinor,
                OrderOpen = i.OrderId != null && db.SalesOrders.Any(o => o.Id == i.OrderId && open.Contains(o.Status)),
            })
            .ToListAsync(ct);
        var unallocated = await db.Set<Payment>().AsNoTracking().Where(p => p.CustomerId == customerId && p.Currency == currency)
            .SumAsync(p => (long?)(p.AmountMinor - p.AllocatedMinor - p.RefundedMinor), ct) ?? 0;
        var exposure = 0L;
        foreach (var i in invoices)
        {
            var due = i.TotalMinor - i.PaidMinor - i.CreditedMinor - i.WrittenOffMinor;
            exposure += i.Kind == InvoiceKind.CreditNote ? -due : i.OrderOpen ? due - i.TotalMinor : due;
        }

        return exposure - unallocated;
    }

    public async Task<IReadOnlyList<string>> HoldReasonsAsync(Guid customerId, CancellationToken ct) =>
        await db.Set<CreditHold>().AsNoTracking().AnyAsync(h => h.CustomerId == customerId && h.ReleasedAt == null, ct)
            ? [ApprovalPolicy.CreditHold]
            : [];

    private static decimal M(long minor, string currency) => Money.FromMinor(minor, currency).Amount;
}
