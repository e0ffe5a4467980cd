using System.Collections.Frozen;

namespace Orderly.Domain.Common;

/// <summary>ISO 4217 currencies Orderly accepts, with the number of digits of their minor unit.</summary>
public static class Currency
{
    public const string Default = "CNY";

    private static readonly FrozenDictionary<string, int> MinorDigits = new Dictionary<string, int>
    {
        ["CNY"] = 2, ["USD"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["HKD"] = 2, ["TWD"] = 2, ["SGD"] = 2,
        ["AUD"] = 2, ["CAD"] = 2, ["CHF"] = 2, ["MYR"] = 2, ["THB"] = 2, ["INR"] = 2, ["RUB"] = 2,
        ["JPY"] = 0, ["KRW"] = 0, ["VND"] = 0, ["IDR"] = 2,
        ["KWD"] = 3, ["BHD"] = 3, ["OMR"] = 3, ["JOD"] = 3,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> All => MinorDigits.Keys;

    public static bool IsKnown(string? code) => code is not null && MinorDigits.ContainsKey(code);

    public static int DigitsOf(string code) =>
        MinorDigits.TryGetValue(code, out var digits)
            ? digits
            : throw new RuleViolationException("currency", "UnknownCurrency", $"'{code}' is not a supported ISO 4217 currency.");

    public static decimal MinorFactor(string code) => DigitsOf(code) switch
    {
        0 => 1m,
        2 => 100m,
        3 => 1000m,
        var d => (decimal)Math.Pow(10, d),
    };
}
