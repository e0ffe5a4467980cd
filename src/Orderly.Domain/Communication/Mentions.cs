using System.Text.RegularExpressions;

namespace Orderly.Domain.Communication;

/// <summary>The <c>@name</c> mentions of a note: e-mail addresses or user names after an @ that starts a word.</summary>
public static partial class Mentions
{
    public static IReadOnlyList<string> In(string? text) =>
        text is null ? [] : [.. Pattern().Matches(text).Select(m => m.Groups[1].Value.TrimEnd('.', ',', ';', ':')).Distinct(StringComparer.OrdinalIgnoreCase)];

    [GeneratedRegex(@"(?<![\w@])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
