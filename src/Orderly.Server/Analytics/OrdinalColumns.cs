using System.Buffers;

namespace Orderly.Server.Analytics;

/// <summary>
/// One kind of a day slice's rows as its columns: the customer rows (orders, lines, value) or the product rows
/// (quantity in thousandths, lines, value), by ordinal in the projection.
/// </summary>
internal readonly record struct SliceRows(int[] Ordinals, long[] Counts, long[] Lines, long[] Values)
{
    public static SliceRows Customers(SalesProjection.DaySlice day) => new(day.Customers, day.CustomerOrders, day.CustomerLines, day.CustomerValue);

    public static SliceRows Products(SalesProjection.DaySlice day) => new(day.Products, day.ProductQuantity, day.ProductLines, day.ProductValue);

    /// <summary>A row whose orders were all cancelled sums to nothing: it is no item and no mix entry.</summary>
    public bool IsCounted(int i) => Counts[i] != 0 || Lines[i] != 0 || Values[i] != 0;
}

/// <summary>
/// One call's sums of a period's rows by ordinal (customer or product), in dense pooled arrays: count (orders or
/// quantity), lines, value and cost, and whether the ordinal has a counted row. Days are added by scattering their rows
/// into the arrays, so a period costs one add per row and no lookup by id.
/// </summary>
internal sealed class OrdinalColumns : IDisposable
{
    private readonly long[] _counts;
    private readonly long[] _lines;
    private readonly long[] _values;
    private readonly bool[] _counted;

    public OrdinalColumns(int ordinals)
    {
        Length = ordinals;
        _counts = Rent<long>(ordinals);
        _lines = Rent<long>(ordinals);
        _values = Rent<long>(ordinals);
        Cost = Rent<long>(ordinals);
        _counted = Rent<bool>(ordinals);
    }

    /// <summary>How many ordinals the arrays cover (every ordinal of the call's slices is below it).</summary>
    public int Length { get; }

    /// <summary>Each ordinal's cost in thousandths of a minor unit, filled by the caller.</summary>
    public long[] Cost { get; }

    public bool Counted(int ordinal) => _counted[ordinal];

    public long CountOf(int ordinal) => _counts[ordinal];

    /// <summary>The ordinal's sums as a customer's (orders) or a product's (quantity) figure.</summary>
    public Figure FigureOf(int ordinal, bool perProduct) => new()
    {
        Orders = perProduct ? 0 : _counts[ordinal], QuantityThousandths = perProduct ? _counts[ordinal] : 0,
        Lines = _lines[ordinal], ValueMinor = _values[ordinal], CostThousandths = Cost[ordinal],
    };

    /// <summary>Adds the counted rows of the <paramref name="allowed"/> ordinals (all when null); returns their sums and whether any row counted.</summary>
    public (long Count, long Lines, long Value, bool Counted) Add(SliceRows rows, bool[]? allowed)
    {
        var (count, lines, value, counted) = (0L, 0L, 0L, false);
        for (var i = 0; i < rows.Ordinals.Length; i++)
        {
            var k = rows.Ordinals[i];
            if ((allowed is not null && !allowed[k]) || !rows.IsCounted(i))
            {
                continue;
            }

            _counts[k] += rows.Counts[i];
            _lines[k] += rows.Lines[i];
            _values[k] += rows.Values[i];
            _counted[k] = true;
            count += rows.Counts[i];
            lines += rows.Lines[i];
            value += rows.Values[i];
            counted = true;
        }

        return (count, lines, value, counted);
    }

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(_counts);
        ArrayPool<long>.Shared.Return(_lines);
        ArrayPool<long>.Shared.Return(_values);
        ArrayPool<long>.Shared.Return(Cost);
        ArrayPool<bool>.Shared.Return(_counted);
    }

    private static T[] Rent<T>(int length)
    {
        var array = ArrayPool<T>.Shared.Rent(Math.Max(1, length));
        Array.Clear(array, 0, length);
        return array;
    }
}
