using Orderly.Domain.Billing;
using Orderly.Domain.Common;

namespace Orderly.Domain.Tests.Billing;

public sealed class TaxMathTests
{
    [Theory]
    [InlineData(40000L, 13, true, 35398L, 4602L, 40000L)]   // 400.00 incl.: 400 x 13/113 = 46.0177 -> 46.02
    [InlineData(9996L, 9, true, 9171L, 825L, 9996L)]        // 99.96 incl. 9%: 8.2536 -> 8.25
    [InlineData(10000L, 6, false, 10000L, 600L, 10600L)]    // 100.00 excl. 6%
    [InlineData(113L, 13, true, 100L, 13L, 113L)]           // 1.13 incl.: exactly 0.13
    [InlineData(5L, 10, false, 5L, 1L, 6L)]                 // midpoint 0.5 fen rounds away from zero
    [InlineData(1000L, 0, true, 1000L, 0L, 1000L)]
    public void Split_RoundsTaxOncePerLine_AndReconciles(long amount, int percent, bool inclusive, long net, long tax, long gross) =>
        Assert.Equal(new TaxSplit(net, tax, gross), TaxMath.Split(amount, new VatRate(percent), inclusive, "CNY"));

    [Fact]
    public void Split_Exempt_CarriesNoTax() =>
        Assert.Equal(new TaxSplit(999, 0, 999), TaxMath.Split(999, VatRate.Exempt, taxInclusive: false, "CNY"));

    [Fact]
    public void Part_TakesCumulativeShare_SoPartsAddUpToTheLine()
    {
        // 1000.00 at 13% incl.: whole-line tax 115.04; the first 4 of 10 take 46.02, the other 6 take 69.02.
        var first = TaxMath.Part(100000, 10, 0, 4, VatRate.Standard, true, "CNY");
        var rest = TaxMath.Part(100000, 10, 4, 6, VatRate.Standard, true, "CNY");
        Assert.Equal(new TaxSplit(35398, 4602, 40000), first);
        Assert.Equal(new TaxSplit(53098, 6902, 60000), rest);
        Assert.Equal(TaxMath.Split(100000, VatRate.Standard, true, "CNY"), first + rest);
    }

    [Theory]
    [InlineData("CNY")]
    [InlineData("USD")]
    [InlineData("JPY")]
    [InlineData("KWD")]
    public void RandomLines_InvoicedInRandomParts_ReconcileExactly(string currency)
    {
        var random = new Random(currency.GetHashCode(StringComparison.Ordinal) ^ 1313);
        VatRate[] rates = [new(13), new(9), new(6), new(0), VatRate.Exempt];
        var factor = Currency.MinorFactor(currency);
        for (var run = 0; run < 2000; run++)
        {
            var quantity = random.Next(1, 500);
            var unitMinor = random.Next(1, 2_000_000);
            var lineAmount = (long)quantity * unitMinor;
            var rate = rates[random.Next(rates.Length)];
            var inclusive = random.Next(2) == 0;
            var whole = TaxMath.Split(lineAmount, rate, inclusive, currency);
            Assert.Equal(whole.GrossMinor, whole.NetMinor + whole.TaxMinor);
            Assert.Equal(inclusive ? lineAmount : whole.NetMinor, inclusive ? whole.GrossMinor : lineAmount);
            var expectedTax = Math.Round(lineAmount / factor * rate.Percent / (inclusive ? 100 + rate.Percent : 100) * factor, 0, MidpointRounding.AwayFromZero);
            Assert.Equal((long)(rate.IsExempt ? 0 : expectedTax), whole.TaxMinor);

            var invoiced = 0m;
            var sum = TaxSplit.Zero;
            while (invoiced < quantity)
            {
                var part = Math.Min(quantity - invoiced, random.Next(1, quantity + 1));
                var split = TaxMath.Part(lineAmount, quantity, invoiced, part, rate, inclusive, currency);
                Assert.Equal(split.GrossMinor, split.NetMinor + split.TaxMinor);
                Assert.True(split.GrossMinor >= 0 && split.TaxMinor >= 0 && split.NetMinor >= 0);
                sum += split;
                invoiced += part;
            }

            Assert.Equal(whole, sum);
        }
    }

    [Fact]
    public void VatRate_RefusesImpossibleRates()
    {
        Assert.Throws<RuleViolationException>(() => VatRate.Of(101m));
        Assert.Throws<RuleViolationException>(() => VatRate.Of(-1m));
        Assert.Throws<RuleViolationException>(() => VatRate.Of(13.005m));
        Assert.Equal(new VatRate(9m), VatRate.Of(9m));
        Assert.True(VatRate.Of(13m, exempt: true).IsExempt);
    }
}
