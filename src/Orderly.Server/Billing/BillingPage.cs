using System.Globalization;

namespace Orderly.Server.Billing;

/// <summary>What the billing pages share: the URL's dates (ISO yyyy-MM-dd) and the document language of a PDF link.</summary>
public static class BillingPage
{
    public static DateOnly? DateOf(DateTime? value) => value is { } d ? DateOnly.FromDateTime(d) : null;

    public static DateTime? ParseDate(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date.ToDateTime(TimeOnly.MinValue) : null;

    public static string? Iso(DateTime? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Iso(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The PDF in the reader's language.</summary>
    public static string Lang => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh" ? "zh-CN" : "en";
}

/// <summary>Billing's rule messages in the reader's language: Billing's own codes first, then the UI's, else the server's words.</summary>
public static class BillingMessages
{
    public static string Of(Microsoft.Extensions.Localization.IStringLocalizer<BillingLabels> b, Microsoft.Extensions.Localization.IStringLocalizer<Ui.Labels> l, Exception error)
    {
        string One(string code, string fallback) => b["Rule_" + code] is { ResourceNotFound: false } text ? text.Value : Components.Common.Messages.Of(l, code, fallback);
        return error switch
        {
            Domain.Common.RuleViolationException rule => string.Join(" ", rule.Violations.Select(v => One(v.Code, v.Message))),
            Domain.Common.DomainException domain => One(domain.Code, domain.Message),
            _ => Components.Common.Messages.Of(l, error),
        };
    }
}
