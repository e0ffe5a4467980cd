using System.Text.RegularExpressions;

namespace Orderly.Server.Components.Pages.Orders;

/// <summary>The numbers inside the server's entry messages (English, invariant numbers), for the localized detail.</summary>
internal static partial class EntryPatterns
{
    [GeneratedRegex(@"SO-\d{4}-\d+")]
    public static partial Regex OrderNumber();

    [GeneratedRegex(@": (?<available>-?[\d.]+) available, (?<ordered>[\d.]+) ordered; (?<short>[\d.]+) will be backordered")]
    public static partial Regex StockShortNumbers();

    [GeneratedRegex(@": (?<ordered>[\d.]+) is over [\d.]+x this customer's usual (?<usual>[\d.]+)")]
    public static partial Regex UsualNumbers();
}
