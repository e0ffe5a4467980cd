namespace Orderly.Domain.Inventory;

/// <summary>Stock on its way to a warehouse (an in-transit transfer; purchase orders later) and when it is expected.</summary>
public sealed record IncomingStock(decimal Quantity, DateOnly? ExpectedArrival);

/// <summary>What a promised date rests on.</summary>
public enum PromiseSource
{
    /// <summary>Available on the shelf now.</summary>
    Stock,

    /// <summary>Enough arrives with the incoming stock expected by that date.</summary>
    Incoming,

    /// <summary>Bought from the quickest supplier of the product: today plus its lead time.</summary>
    Supplier,

    /// <summary>No date can be promised.</summary>
    None,
}

public sealed record PromiseDate(DateOnly? Date, PromiseSource Source)
{
    public static readonly PromiseDate Never = new(null, PromiseSource.None);
}

/// <summary>
/// Available-to-promise: the earliest business date a quantity of a product can be delivered from a warehouse.
/// <list type="bullet">
/// <item>today, when the warehouse has it available now (first come, first served, as reservation works);</item>
/// <item>else the expected arrival of the incoming stock that makes it enough. Arriving stock first fills the
/// product's open backorders (the backorder run reserves it for them on arrival), so those are taken off the
/// pool; an overdue arrival counts as today, an arrival without an expected date counts not at all;</item>
/// <item>else, or when sooner, today plus the shortest supplier lead time for the product;</item>
/// <item>else no date.</item>
/// </list>
/// Backorders are not tied to a warehouse, so each warehouse's date assumes they are all served from its
/// arrivals: a cautious promise, never an optimistic one.
/// </summary>
public static class AvailableToPromise
{
    public static PromiseDate For(
        decimal quantity, decimal available, IEnumerable<IncomingStock> incoming, decimal backordered, DateOnly today, int? supplierLeadTimeDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ArgumentOutOfRangeException.ThrowIfNegative(backordered);
        if (available >= quantity)
        {
            return new PromiseDate(today, PromiseSource.Stock);
        }

        DateOnly? byIncoming = null;
        var pool = available - backordered;
        var arrivals = incoming
            .Where(i => i.Quantity > 0 && i.ExpectedArrival is not null)
            .GroupBy(i => i.ExpectedArrival!.Value < today ? today : i.ExpectedArrival!.Value)
            .OrderBy(g => g.Key);
        foreach (var arrival in arrivals)
        {
            pool += arrival.Sum(i => i.Quantity);
            if (pool >= quantity)
            {
                byIncoming = arrival.Key;
                break;
            }
        }

        DateOnly? bySupplier = supplierLeadTimeDays is { } days ? today.AddDays(Math.Max(0, days)) : null;
        return (byIncoming, bySupplier) switch
        {
            ({ } i, { } s) when s < i => new PromiseDate(s, PromiseSource.Supplier),
            ({ } i, _) => new PromiseDate(i, PromiseSource.Incoming),
            (null, { } s) => new PromiseDate(s, PromiseSource.Supplier),
            _ => PromiseDate.Never,
        };
    }

    /// <summary>The earliest of several warehouses' dates (delivery from one warehouse); <see cref="PromiseDate.Never"/> when none has one.</summary>
    public static PromiseDate Earliest(IEnumerable<PromiseDate> promises) =>
        promises.Where(p => p.Date is not null).OrderBy(p => p.Date).ThenBy(p => p.Source).FirstOrDefault() ?? PromiseDate.Never;
}
