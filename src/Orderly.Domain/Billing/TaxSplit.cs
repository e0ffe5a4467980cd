using Orderly.Domain.Common;

namespace Orderly.Domain.Billing;

/// <summary>A line's amount split into net, tax and gross, in integer minor units: net + tax = gross exactly.</summary>
public readonly record struct TaxSplit(long NetMinor, long TaxMinor, long GrossMinor)
{
    public static TaxSplit Zero => default;

    public static TaxSplit operator +(TaxSplit a, TaxSplit b) => new(a.NetMinor + b.NetMinor, a.TaxMinor + b.TaxMinor, a.GrossMinor + b.GrossMinor);

    public static TaxSplit operator -(TaxSplit a, TaxSplit b) => new(a.NetMinor - b.NetMinor, a.TaxMinor - b.TaxMinor, a.GrossMinor - b.GrossMinor);
}

/// <summary>
/// The one rounding rule for tax (docs/architecture.md, "Money"): a line's amount is already whole minor units (the
/// order rounded it); the tax of a line is computed once from that amount and rounded to the currency's minor unit,
/// half away from zero, and the other side is the difference, so net + tax = gross holds exactly on every line and
/// an invoice's totals are the sums of its lines. Tax-inclusive (含税, the default): tax = gross x r / (100 + r).
/// Tax-exclusive: tax = net x r / 100. A line invoiced in parts takes, for each part, the cumulative amount so far
/// minus what earlier parts took, so the parts always add up to the whole line's amount and tax.
/// </summary>
public static class TaxMath
{
    public static TaxSplit Split(long amountMinor, VatRate rate, bool taxInclusive, string currency)
    {
        if (rate.IsExempt || rate.Percent == 0)
        {
            return new TaxSplit(amountMinor, 0, amountMinor);
        }

        _ = Currency.DigitsOf(currency);
        if (taxInclusive)
        {
            var tax = RoundMinor(amountMinor * rate.Percent / (100m + rate.Percent));
            return new TaxSplit(amountMinor - tax, tax, amountMinor);
        }

        var exclusiveTax = RoundMinor(amountMinor * rate.Percent / 100m);
        return new TaxSplit(amountMinor, exclusiveTax, amountMinor + exclusiveTax);
    }

    /// <summary>The share of a line for <paramref name="quantity"/> more units after <paramref name="before"/> were invoiced.</summary>
    public static TaxSplit Part(long lineAmountMinor, decimal lineQuantity, decimal before, decimal quantity, VatRate rate, bool taxInclusive, string currency)
    {
        if (lineQuantity <= 0)
        {
            return TaxSplit.Zero;
        }

        return Split(Proportion(lineAmountMinor, lineQuantity, before + quantity), rate, taxInclusive, currency)
            - Split(Proportion(lineAmountMinor, lineQuantity, before), rate, taxInclusive, currency);
    }

    /// <summary>The amount of <paramref name="quantity"/> units of a line, rounded to whole minor units; the whole line gives its amount exactly.</summary>
    public static long Proportion(long lineAmountMinor, decimal lineQuantity, decimal quantity) =>
        quantity >= lineQuantity ? lineAmountMinor : RoundMinor(lineAmountMinor * quantity / lineQuantity);

    private static long RoundMinor(decimal minor) => (long)Math.Round(minor, 0, MidpointRounding.AwayFromZero);
}
