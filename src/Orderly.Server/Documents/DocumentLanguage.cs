using Orderly.Domain.Common;

namespace Orderly.Server.Documents;

/// <summary>The languages documents are printed in (<c>?lang=zh-CN|en</c>, Chinese by default) and how amounts and dates read in them.</summary>
public static class DocumentLanguage
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static string Parse(string? lang) => lang switch
    {
        null or "" or "zh-CN" or "zh" or "zh-Hans" => Chinese,
        "en" or "en-US" or "en-GB" => English,
        _ => throw new RuleViolationException("lang", "UnknownLanguage", "Documents are printed in zh-CN or en."),
    };

    /// <summary>An amount with its currency's digits and thousands separators (e.g. 1,099.96).</summary>
    public static string Amount(decimal amount, string currency) =>
        amount.ToString("N" + Currency.DigitsOf(currency), System.Globalization.CultureInfo.InvariantCulture);

    public static string Quantity(decimal quantity) => quantity.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>The document's words: Chinese or English.</summary>
    public static string T(string language, string chinese, string english) => language == English ? english : chinese;
}
