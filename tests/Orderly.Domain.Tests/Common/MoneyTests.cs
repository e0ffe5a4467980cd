using System.Globalization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Tests.Common;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("CNY", "1.005", "1.01")]
    [InlineData("CNY", "1.0049", "1.00")]
    [InlineData("CNY", "0.125", "0.13")]     // to-even would give 0.12
    [InlineData("CNY", "-0.125", "-0.13")]
    [InlineData("CNY", "-1.005", "-1.01")]
    [InlineData("CNY", "-1.0049", "-1.00")]
    [InlineData("USD", "2.675", "2.68")]
    [InlineData("USD", "-2.675", "-2.68")]
    [InlineData("USD", "0.004", "0.00")]
    [InlineData("JPY", "0.5", "1")]          // to-even would give 0
    [InlineData("JPY", "2.5", "3")]
    [InlineData("JPY", "-2.5", "-3")]
    [InlineData("JPY", "1.4999", "1")]
    [InlineData("JPY", "-1.4999", "-1")]
    [InlineData("KWD", "1.0005", "1.001")]
    [InlineData("KWD", "-1.0005", "-1.001")]
    [InlineData("KWD", "1.00049", "1.000")]
    [InlineData("KWD", "0.0025", "0.003")]
    public void Rounded_GoesToTheMinorUnitHalfAwayFromZero(string currency, string amount, string expected)
    {
        var rounded = new Money(Dec(amount), currency).Rounded();

        Assert.Equal(Dec(expected), rounded.Amount);
        Assert.Equal(currency, rounded.CurrencyCode);
        Assert.True(rounded.IsWholeMinorUnits);
    }

    [Theory]
    [InlineData("CNY", "123.45", 12345)]
    [InlineData("CNY", "1.005", 101)]
    [InlineData("CNY", "-0.005", -1)]
    [InlineData("USD", "0.01", 1)]
    [InlineData("JPY", "1234", 1234)]
    [InlineData("JPY", "-1234.5", -1235)]
    [InlineData("KWD", "1.234", 1234)]
    [InlineData("KWD", "-0.0005", -1)]
    public void MinorUnits_AreTheRoundedAmountInTheSmallestUnit(string currency, string amount, long expected)
    {
        Assert.Equal(expected, new Money(Dec(amount), currency).MinorUnits);
    }

    [Theory]
    [InlineData(12345, "CNY", "123.45")]
    [InlineData(-1, "USD", "-0.01")]
    [InlineData(1234, "JPY", "1234")]
    [InlineData(1234, "KWD", "1.234")]
    [InlineData(0, "KWD", "0")]
    public void FromMinor_DividesByTheMinorFactor(long minor, string currency, string expected)
    {
        var money = Money.FromMinor(minor, currency);

        Assert.Equal(Dec(expected), money.Amount);
        Assert.Equal(currency, money.CurrencyCode);
    }

    [Theory]
    [InlineData("CNY")]
    [InlineData("USD")]
    [InlineData("JPY")]
    [InlineData("KWD")]
    public void FromMinor_AndMinorUnits_RoundTrip(string currency)
    {
        long[] samples = [0, 1, -1, 5, -5, 99, 100, 101, 999, 1000, 1001, 123_456_789, -123_456_789, 100_000_000_000_000, long.MaxValue / 10_000];

        Assert.All(samples, minor => Assert.Equal(minor, Money.FromMinor(minor, currency).MinorUnits));
    }

    [Fact]
    public void IsWholeMinorUnits_IsFalseBelowTheMinorUnit()
    {
        Assert.True(new Money(12.50m, "CNY").IsWholeMinorUnits);
        Assert.False(new Money(12.505m, "CNY").IsWholeMinorUnits);
        Assert.False(new Money(100.5m, "JPY").IsWholeMinorUnits);
        Assert.True(new Money(1.234m, "KWD").IsWholeMinorUnits);
        Assert.False(new Money(1.2345m, "KWD").IsWholeMinorUnits);
    }

    [Fact]
    public void Arithmetic_InOneCurrency_KeepsTheCurrency()
    {
        var a = new Money(10.25m, "USD");
        var b = new Money(0.75m, "USD");

        Assert.Equal(new Money(11.00m, "USD"), a + b);
        Assert.Equal(new Money(9.50m, "USD"), a - b);
        Assert.Equal(new Money(30.75m, "USD"), a * 3m);
        Assert.Equal(a + b, a.Add(b));
        Assert.Equal(a - b, a.Subtract(b));
        Assert.True(a > b && b < a && a >= b && b <= a && a >= new Money(10.25m, "USD"));
        Assert.Equal(1, a.CompareTo(b));
    }

    [Fact]
    public void Zero_IsZeroInTheCurrency()
    {
        Assert.Equal(new Money(0m, "JPY"), Money.Zero("JPY"));
        Assert.Equal(0, Money.Zero("KWD").MinorUnits);
    }

    [Theory]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData("<")]
    [InlineData(">")]
    [InlineData("<=")]
    [InlineData(">=")]
    [InlineData("Add")]
    [InlineData("Subtract")]
    [InlineData("CompareTo")]
    public void Operation_AcrossCurrencies_ThrowsCurrencyMismatch(string operation)
    {
        var yuan = new Money(100m, "CNY");
        var dollars = new Money(100m, "USD");
        Func<object> act = operation switch
        {
            "+" => () => yuan + dollars,
            "-" => () => yuan - dollars,
            "<" => () => yuan < dollars,
            ">" => () => yuan > dollars,
            "<=" => () => yuan <= dollars,
            ">=" => () => yuan >= dollars,
            "Add" => () => yuan.Add(dollars),
            "Subtract" => () => yuan.Subtract(dollars),
            _ => () => yuan.CompareTo(dollars),
        };

        var error = Assert.Throws<CurrencyMismatchException>(act);

        Assert.Equal("CurrencyMismatch", error.Code);
        Assert.Contains("CNY", error.Message, StringComparison.Ordinal);
        Assert.Contains("USD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_AcrossCurrencies_IsFalseNotAnError()
    {
        Assert.NotEqual(new Money(1m, "CNY"), new Money(1m, "USD"));
        Assert.Equal(new Money(1.5m, "CNY"), new Money(1.50m, "CNY"));
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("cny")]
    [InlineData("")]
    public void Constructor_WithUnknownCurrency_ThrowsUnknownCurrency(string currency)
    {
        var error = Assert.Throws<RuleViolationException>(() => new Money(1m, currency));

        var violation = Assert.Single(error.Violations);
        Assert.Equal(("currency", "UnknownCurrency"), (violation.Field, violation.Code));
    }

    [Fact]
    public void ToString_ShowsAmountAndCurrency()
    {
        Assert.Equal("1234.5 CNY", new Money(1234.50m, "CNY").ToString());
    }

    private static decimal Dec(string value) => decimal.Parse(value, CultureInfo.InvariantCulture);
}
