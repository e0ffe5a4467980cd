using System.Globalization;

namespace Orderly.Server.Ui;

/// <summary>
/// Which of a record's names a reader sees: products, customers and warehouses carry their (usually Chinese) name and
/// an optional English one. An English reader sees the English name where one is given; everyone else, and an English
/// reader of a record without one, sees the name. The API returns both; only the UI picks.
/// </summary>
public static class LocalNames
{
    public static bool ReaderWantsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string Pick(string name, string? nameEn) => !string.IsNullOrWhiteSpace(nameEn) && ReaderWantsEnglish ? nameEn : name;
}
