namespace Orderly.Server.Analytics;

/// <summary>
/// Per customer ordinal, what RFM needs of the customer rows, added up period after period in day order: counted
/// orders, value, and the buying days (first, last, how many, and the sum of the squared gaps between consecutive ones).
/// A day's row with no orders left (all cancelled) is no purchase.
/// </summary>
internal sealed class BuyingSums(int customers)
{
    private readonly long[] _orders = new long[customers];
    private readonly long[] _value = new long[customers];
    private readonly int[] _first = new int[customers];
    private readonly int[] _last = new int[customers];
    private readonly int[] _days = new int[customers];
    private readonly long[] _squares = new long[customers];

    public int Count => _orders.Length;

    /// <summary>One day's customer rows, the day later than any added before.</summary>
    public void Add(SalesProjection.DaySlice slice)
    {
        var day = slice.Day.DayNumber;
        for (var i = 0; i < slice.Customers.Length; i++)
        {
            var k = slice.Customers[i];
            if (slice.CustomerOrders[i] > 0 && k < Count)
            {
                Merge(k, slice.CustomerOrders[i], slice.CustomerValue[i], day, day, 1, 0);
            }
        }
    }

    /// <summary>A block's sums, its days later than any added before.</summary>
    public void Add(Sparse block)
    {
        for (var i = 0; i < block.Customers.Length; i++)
        {
            if (block.Customers[i] < Count)
            {
                Merge(block.Customers[i], block.Orders[i], block.Value[i], block.First[i], block.Last[i], block.Days[i], block.Squares[i]);
            }
        }
    }

    /// <summary>The customers who bought, as a compact copy (a block kept between calls).</summary>
    public Sparse ToSparse()
    {
        var bought = Enumerable.Range(0, Count).Where(k => _days[k] > 0).ToArray();
        return new Sparse(
            bought, [.. bought.Select(k => _orders[k])], [.. bought.Select(k => _value[k])], [.. bought.Select(k => _first[k])],
            [.. bought.Select(k => _last[k])], [.. bought.Select(k => _days[k])], [.. bought.Select(k => _squares[k])]);
    }

    /// <summary>Whether the customer of ordinal <paramref name="k"/> bought on any day added.</summary>
    public bool Bought(int k) => _days[k] > 0;

    /// <summary>The sums of the customer of ordinal <paramref name="k"/>.</summary>
    public History this[int k] => new(_orders[k], _value[k], _first[k], _last[k], _days[k], _squares[k]);

    private void Merge(int k, long orders, long value, int first, int last, int days, long squares)
    {
        if (_days[k] == 0)
        {
            _first[k] = first;
        }
        else
        {
            long gap = first - _last[k];
            _squares[k] += gap * gap;
        }

        _orders[k] += orders;
        _value[k] += value;
        _last[k] = last;
        _days[k] += days;
        _squares[k] += squares;
    }

    /// <summary>A customer's sums: counted orders, value (minor units), first and last buying day (day numbers), how many buying days, and the sum of the squared gaps between them.</summary>
    public readonly record struct History(long Orders, long ValueMinor, int FirstDay, int LastDay, int DaysBought, long SquaredGaps);

    /// <summary>The sums of the customers who bought in a block of days, by ordinal.</summary>
    public sealed record Sparse(int[] Customers, long[] Orders, long[] Value, int[] First, int[] Last, int[] Days, long[] Squares);
}
