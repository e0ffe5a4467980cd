using Orderly.Domain.Common;

namespace Orderly.Domain.Billing;

/// <summary>
/// A product's value-added tax: the Chinese rates are 13% (goods), 9%, 6%, 0% (exports) and exempt (免税); exempt is
/// not 0%: the fapiao shows 免税 instead of a rate, but both carry no tax.
/// </summary>
public readonly record struct VatRate(decimal Percent, bool IsExempt = false)
{
    public static readonly VatRate Standard = new(13m);

    public static readonly IReadOnlyList<decimal> ChineseRates = [13m, 9m, 6m, 0m];

    public static VatRate Exempt => new(0m, true);

    /// <summary>Refuses rates outside 0-100 and more than two decimals (a rate is a printed figure, not a computed one).</summary>
    public static VatRate Of(decimal percent, bool exempt = false) =>
        exempt ? Exempt
        : percent is < 0 or > 100 || decimal.Round(percent, 2) != percent
            ? throw new RuleViolationException("vatPercent", "InvalidVatRate", $"{percent} is not a VAT rate (0-100, two decimals at most).")
            : new VatRate(percent);

    public override string ToString() => IsExempt ? "免税" : $"{Percent:0.##}%";
}
