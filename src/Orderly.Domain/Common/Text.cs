using System.Globalization;
using System.Text;

namespace Orderly.Domain.Common;

/// <summary>Text rules shared by every entity: NFC normalisation, trimming and length limits in characters.</summary>
public static class Text
{
    public static string Required(string? value, string field, int maxLength, List<RuleViolation>? violations = null)
    {
        var normalized = Normalize(value);
        if (normalized.Length == 0)
        {
            return Fail(field, "Required", $"{field} is required.", violations);
        }

        return CheckLength(normalized, field, maxLength, violations);
    }

    public static string? Optional(string? value, string field, int maxLength, List<RuleViolation>? violations = null)
    {
        var normalized = Normalize(value);
        return normalized.Length == 0 ? null : CheckLength(normalized, field, maxLength, violations);
    }

    public static string Normalize(string? value) =>
        value is null ? string.Empty : value.Trim().Normalize(NormalizationForm.FormC);

    /// <summary>Length in user-perceived characters, so 张伟 is 2 and an emoji is 1.</summary>
    public static int LengthOf(string value) => new StringInfo(value).LengthInTextElements;

    /// <summary>No text has more user-perceived characters than UTF-16 units: only a longer one needs counting.</summary>
    private static string CheckLength(string value, string field, int maxLength, List<RuleViolation>? violations) =>
        value.Length > maxLength && LengthOf(value) > maxLength
            ? Fail(field, "TooLong", $"{field} must be at most {maxLength} characters.", violations)
            : value;

    private static string Fail(string field, string code, string message, List<RuleViolation>? violations)
    {
        var violation = new RuleViolation(field, code, message);
        if (violations is null)
        {
            throw new RuleViolationException([violation]);
        }

        violations.Add(violation);
        return string.Empty;
    }
}
