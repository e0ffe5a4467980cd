using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Orders;

/// <summary>
/// A customer's credit exposure is a query over open orders, never state held on the customer. Orders publishes it;
/// Customers (the credit view), order entry and approval ask it rather than reading the orders table.
/// </summary>
public static class CreditExposure
{
    public static async Task<long> OpenOrdersMinorAsync(OrderlyDbContext db, Guid customerId, string currency, Guid? excludeOrderId, CancellationToken ct)
    {
        var open = OrderTransitions.OpenForCredit;
        return await db.SalesOrders
            .Where(o => o.CustomerId == customerId && o.Currency == currency && open.Contains(o.Status) && o.Id != excludeOrderId)
            .SumAsync(o => (long?)o.TotalMinor, ct) ?? 0;
    }
}
