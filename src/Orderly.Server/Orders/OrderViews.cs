using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Orders;

/// <summary>What other capabilities may know of an order without its lines: its number and customer.</summary>
public sealed record OrderRef
{
    public Guid Id { get; init; }
    public string Number { get; init; } = "";
    public Guid CustomerId { get; init; }
}

/// <summary>The Orders capability's published read view, composed by EF into the caller's statement.</summary>
public static class OrderViews
{
    public static IQueryable<OrderRef> OrderRefs(this OrderlyDbContext db) =>
        db.SalesOrders.AsNoTracking().Select(o => new OrderRef { Id = o.Id, Number = o.Number, CustomerId = o.CustomerId });
}
