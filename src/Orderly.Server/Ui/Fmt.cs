using System.Globalization;
using Orderly.Domain.Common;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Ui;

/// <summary>Money, quantities and dates in the user's culture; instants in the company time zone.</summary>
public static class Fmt
{
    public static string Money(decimal amount, string currency) =>
        $"{currency} {amount.ToString("N" + (Currency.IsKnown(currency) ? Currency.DigitsOf(currency) : 2), CultureInfo.CurrentCulture)}";

    public static string Quantity(decimal quantity) => quantity.ToString("#,0.###", CultureInfo.CurrentCulture);

    public static string Percent(decimal percent) => (percent / 100m).ToString("P1", CultureInfo.CurrentCulture);

    public static string Date(DateOnly date) => date.ToString("d", CultureInfo.CurrentCulture);

    public static string Date(DateOnly? date) => date is { } d ? Date(d) : "—";

    public static string Instant(BusinessCalendar calendar, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, calendar.Zone).ToString("g", CultureInfo.CurrentCulture);
}
