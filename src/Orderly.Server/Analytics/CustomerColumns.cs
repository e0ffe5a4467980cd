using System.Buffers;

namespace Orderly.Server.Analytics;

/// <summary>
/// One call's sums of customer rows by customer ordinal, in dense arrays (pooled): orders, lines, value and cost, and
/// whether the customer has a counted row (a row whose orders were all cancelled sums to nothing and makes no item).
/// Days are added by scattering their rows into the arrays, so a period costs one add per customer-day row and no
/// lookup by id.
/// </summary>
internal sealed class CustomerColumns : IDisposable
{
    private readonly long[] _orders;
    private readonly long[] _lines;
    private readonly long[] _value;
    private readonly bool[] _counted;

    public CustomerColumns(int customers)
    {
        Count = customers;
        _orders = Rent<long>(customers);
        _lines = Rent<long>(customers);
        _value = Rent<long>(customers);
        Cost = Rent<long>(customers);
        _counted = Rent<bool>(customers);
    }

    /// <summary>How many ordinals the arrays cover (every ordinal of the call's slices is below it).</summary>
    public int Count { get; }

    /// <summary>Each customer's cost in thousandths of a minor unit, added by <see cref="CustomerCosts.DayCosts.AddTo"/>.</summary>
    public long[] Cost { get; }

    public bool Counted(int ordinal) => _counted[ordinal];

    public Figure FigureOf(int ordinal) => new()
    {
        Orders = _orders[ordinal], Lines = _lines[ordinal], ValueMinor = _value[ordinal], CostThousandths = Cost[ordinal],
    };

    /// <summary>Adds the day's rows of the <paramref name="allowed"/> customers (all when null); returns their sums and whether any row counted.</summary>
    public (Figure Day, bool Counted) Add(SalesProjection.DaySlice day, bool[]? allowed)
    {
        var sum = default(Figure);
        var counted = false;
        for (var i = 0; i < day.Customers.Length; i++)
        {
            var k = day.Customers[i];
            if (allowed is not null && !allowed[k])
            {
                continue;
            }

            var (orders, lines, value) = (day.CustomerOrders[i], day.CustomerLines[i], day.CustomerValue[i]);
            if (orders == 0 && lines == 0 && value == 0)
            {
                continue;
            }

            _orders[k] += orders;
            _lines[k] += lines;
            _value[k] += value;
            _counted[k] = true;
            sum.Orders += orders;
            sum.Lines += lines;
            sum.ValueMinor += value;
            counted = true;
        }

        return (sum, counted);
    }

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(_orders);
        ArrayPool<long>.Shared.Return(_lines);
        ArrayPool<long>.Shared.Return(_value);
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
