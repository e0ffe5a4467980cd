using System.Globalization;
using Orderly.Domain.Common;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

/// <summary>Line totals are rounded once per line; an order total is the exact sum of its rounded lines (invariant I3).</summary>
public sealed class OrderTotalTests
{
    public static TheoryData<string, int> SeededCurrencies => new() { { "CNY", 20260302 }, { "USD", 1776 }, { "JPY", 1868 }, { "KWD", 1961 } };

    [Theory]
    [InlineData("3", "19.99", "15", "CNY", "50.97")]      // 50.9745
    [InlineData("1", "0.05", "50", "CNY", "0.03")]        // 0.025, a midpoint
    [InlineData("0.5", "0.05", "0", "USD", "0.03")]       // 0.025, a midpoint
    [InlineData("2.5", "19.99", "0", "USD", "49.98")]     // 49.975, a midpoint
    [InlineData("3", "333", "10", "JPY", "899")]          // 899.1
    [InlineData("1", "5", "10", "JPY", "5")]              // 4.5, a midpoint
    [InlineData("1.5", "1.333", "0", "KWD", "2.000")]     // 1.9995, a midpoint
    [InlineData("7", "0.125", "12.5", "KWD", "0.766")]    // 0.765625
    [InlineData("4", "99.99", "0", "CNY", "399.96")]
    public void LineTotalOf_RoundsOncePerLineHalfAwayFromZero(string quantity, string unitPrice, string discount, string currency, string expected)
    {
        var total = OrderLine.LineTotalOf(Dec(quantity), new Money(Dec(unitPrice), currency), Dec(discount));

        Assert.Equal(new Money(Dec(expected), currency), total);
        Assert.True(total.IsWholeMinorUnits);
    }

    [Fact]
    public void LineTotalOf_RoundsTheLineNotTheNetUnitPrice()
    {
        // Net unit price 0.0125 would round to 0.01, giving 0.30 over 30 pieces; the line rounds once to 0.38.
        var total = OrderLine.LineTotalOf(30m, new Money(0.05m, "CNY"), 75m);

        Assert.Equal(new Money(0.38m, "CNY"), total);
    }

    [Fact]
    public void Create_StoresEachLineTotalAndTheirSum()
    {
        var order = new OrderBuilder().WithLine(3m, 19.99m, 15m).WithLine(1m, 0.05m, 50m).WithLine(4m, 99.99m).Build();

        Assert.Equal([5097L, 3L, 39996L], order.Lines.Select(l => l.LineTotalMinor));
        Assert.Equal(45096L, order.TotalMinor);
        Assert.Equal(new Money(450.96m, "CNY"), order.Total);
        Assert.Equal([1, 2, 3], order.Lines.Select(l => l.LineNumber));
        Assert.All(order.Lines, l => Assert.Equal(order.Id, l.OrderId));
    }

    [Theory]
    [MemberData(nameof(SeededCurrencies))]
    public void Total_OfRandomLines_ReconcilesExactlyWithPerLineRounding(string currency, int seed)
    {
        var random = new Random(seed);
        var lines = new List<PricedLine>();
        var expectedMinor = new List<long>();
        var midpoints = 0;
        for (var i = 0; i < 400; i++)
        {
            var (quantityThousandths, priceMinor, discountHundredths) = RandomLine(random, i);
            var exact = ExactLineMinor(quantityThousandths, priceMinor, discountHundredths, out var isMidpoint);
            midpoints += isMidpoint ? 1 : 0;
            expectedMinor.Add(exact);
            lines.Add(OrderBuilder.LineOf(
                quantityThousandths / 1000m,
                Money.FromMinor(priceMinor, currency),
                discountHundredths / 100m));
        }

        var order = new OrderBuilder().InCurrency(currency).WithLines(lines).Build();

        Assert.True(midpoints >= 50, $"Only {midpoints} midpoint lines were generated.");
        Assert.Equal(expectedMinor, order.Lines.Select(l => l.LineTotalMinor));
        Assert.Equal(expectedMinor.Sum(), order.TotalMinor);
        var sumOfLines = order.Lines.Aggregate(Money.Zero(currency), (sum, l) => sum + l.LineTotal);
        Assert.Equal(sumOfLines, order.Total);
        Assert.Equal(order.TotalMinor / Currency.MinorFactor(currency), order.Total.Amount);
    }

    [Fact]
    public void EntryCheckTotal_EqualsTheTotalOfTheOrderCreatedFromIt()
    {
        var bolt = OrderBuilder.AProduct("BOLT-M8", listPrice: 0.05m);
        var cable = OrderBuilder.AProduct("CABLE", listPrice: 19.99m, wholeUnit: false, unit: "m");
        var lines = new[] { OrderBuilder.LineOf(bolt, 1m, discountPercent: 50m), OrderBuilder.LineOf(cable, 2.5m) };
        var check = new EntryCheck("CNY", lines, [], []);

        var order = new OrderBuilder().WithLines(lines).Build();

        Assert.Equal(new Money(50.01m, "CNY"), check.Total);
        Assert.Equal(check.Total, order.Total);
    }

    /// <summary>
    /// A third of the lines are built on a midpoint: an odd price in minor units times a quantity ending in .5,
    /// without discount, leaves exactly half a minor unit.
    /// </summary>
    private static (long QuantityThousandths, long PriceMinor, long DiscountHundredths) RandomLine(Random random, int index) =>
        (index % 3) switch
        {
            0 => (random.Next(0, 200) * 1000L + 500, random.Next(0, 50_000) * 2L + 1, 0),
            1 => (random.Next(1, 1_000_000), random.Next(1, 10_000_000), random.Next(0, 10_000)),
            _ => (random.Next(1, 500) * 1000L, random.Next(1, 100_000), random.Next(0, 20) * 500L),
        };

    /// <summary>
    /// quantity x price x (1 - discount) in minor units, rounded half away from zero, computed in integers:
    /// (q / 1000) x p x (10000 - d) / 10000 = q x p x (10000 - d) / 10^7.
    /// </summary>
    private static long ExactLineMinor(long quantityThousandths, long priceMinor, long discountHundredths, out bool isMidpoint)
    {
        const long denominator = 10_000_000;
        var numerator = checked(quantityThousandths * priceMinor * (10_000 - discountHundredths));
        var remainder = numerator % denominator;
        isMidpoint = remainder * 2 == denominator;
        return numerator / denominator + (remainder * 2 >= denominator ? 1 : 0);
    }

    private static decimal Dec(string value) => decimal.Parse(value, CultureInfo.InvariantCulture);
}
