using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Orders;

/// <summary>
/// A customer's credit exposure is a query, never state held on the customer: open orders plus what billing adds
/// (issued unpaid invoices less unallocated credit). Orders publishes it; Customers (the credit view), order entry
/// and approval ask it rather than reading the orders or invoice tables.
/// </summary>
public sealed class CreditExposure(OrderlyDbContext db, IEnumerable<IReceivablesExposure> receivables)
{
    public async Task<long> OpenOrdersMinorAsync(Guid customerId, string currency, Guid? excludeOrderId, CancellationToken ct)
    {
        var exposure = await OpenOrdersMinorAsync(db, customerId, currency, excludeOrderId, ct);
        foreach (var source in receivables)
        {
            exposure += await source.ExposureMinorAsync(customerId, currency, ct);
        }

        return exposure;
    }

    /// <summary>The approval rules' reasons plus any the customer's standing adds (a credit hold waits for finance).</summary>
    public async Task<IReadOnlyList<string>> WithHoldReasonsAsync(IReadOnlyList<string> reasons, Guid customerId, CancellationToken ct)
    {
        var all = reasons.ToList();
        foreach (var source in receivables)
        {
            all.AddRange(await source.HoldReasonsAsync(customerId, ct));
        }

        return all;
    }

    public static async Task<long> OpenOrdersMinorAsync(OrderlyDbContext db, Guid customerId, string currency, Guid? excludeOrderId, CancellationToken ct)
    {
        var open = OrderTransitions.OpenForCredit;
        return await db.SalesOrders
            .Where(o => o.CustomerId == customerId && o.Currency == currency && open.Contains(o.Status) && o.Id != excludeOrderId)
            .SumAsync(o => (long?)o.TotalMinor, ct) ?? 0;
    }
}
