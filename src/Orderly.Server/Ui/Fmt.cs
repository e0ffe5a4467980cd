using System.Globalization;
using Orderly.Domain.Common;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Ui;

/// <summary>Money, quantities and dates in the user's culture; instants in the company time zone.</summary>
public static class Fmt
{
    // The symbol a reader of another country's currency needs to tell it apart (CLDR's forms: CN¥ for an English
    // reader, US$ for a Chinese one); a currency without one is shown by its code.
    private static readonly Dictionary<string, string> ForeignSymbols = new(StringComparer.Ordinal)
    {
        ["CNY"] = "CN¥", ["USD"] = "US$", ["JPY"] = "JP¥", ["EUR"] = "€", ["GBP"] = "£", ["HKD"] = "HK$",
    };

    public static string Money(decimal amount, string currency)
    {
        var culture = CultureInfo.CurrentCulture;
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = Symbol(currency, culture);
        format.CurrencyDecimalDigits = Currency.IsKnown(currency) ? Currency.DigitsOf(currency) : 2;
        return amount.ToString("C", format);
    }

    /// <summary>The currency's symbol for a reader in <paramref name="culture"/>: ¥ for CNY in China, CN¥ elsewhere.</summary>
    public static string Symbol(string currency, CultureInfo culture)
    {
        if (HomeCurrency(culture) == currency)
        {
            return culture.NumberFormat.CurrencySymbol;
        }

        return ForeignSymbols.TryGetValue(currency, out var symbol) ? symbol : currency + "\u00a0";
    }

    public static string Quantity(decimal quantity) => quantity.ToString("#,0.###", CultureInfo.CurrentCulture);

    public static string Percent(decimal percent) => (percent / 100m).ToString("P1", CultureInfo.CurrentCulture);

    public static string Date(DateOnly date) => date.ToString("d", CultureInfo.CurrentCulture);

    public static string Date(DateOnly? date) => date is { } d ? Date(d) : "—";

    public static string Instant(BusinessCalendar calendar, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, calendar.Zone).ToString("g", CultureInfo.CurrentCulture);

    private static string? HomeCurrency(CultureInfo culture)
    {
        if (culture.IsNeutralCulture || culture.Equals(CultureInfo.InvariantCulture))
        {
            return null;
        }

        try
        {
            return new RegionInfo(culture.Name).ISOCurrencySymbol;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
