using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Orderly.Server.Ui;

/// <summary>
/// The two UI languages and the formats that go with them. Chinese uses the forms Chinese business documents use
/// (2026-11-20, 24-hour time, ¥); English keeps the formats of the user's own English locale (en-US, en-GB, ...).
/// </summary>
public static class UiCultures
{
    public static readonly CultureInfo Chinese = CreateChinese();

    /// <summary>The cultures that format numbers and dates: Chinese, English and every specific English locale.</summary>
    public static IList<CultureInfo> Formatting { get; } =
        [Chinese, new CultureInfo("en"), .. CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Where(c => c.TwoLetterISOLanguageName == "en" && c.Name.StartsWith("en-", StringComparison.Ordinal))
            .Select(c => new CultureInfo(c.Name))];

    /// <summary>The cultures whose resources the UI has.</summary>
    public static IList<CultureInfo> Languages { get; } = [new CultureInfo("en"), Chinese];

    private static CultureInfo CreateChinese()
    {
        var culture = new CultureInfo("zh-CN");
        culture.DateTimeFormat.ShortDatePattern = "yyyy-MM-dd";
        culture.DateTimeFormat.LongDatePattern = "yyyy年M月d日";
        culture.DateTimeFormat.ShortTimePattern = "HH:mm";
        culture.DateTimeFormat.LongTimePattern = "HH:mm:ss";
        culture.DateTimeFormat.DateSeparator = "-";
        culture.NumberFormat.CurrencySymbol = "¥";
        return culture;
    }
}

/// <summary>
/// With English chosen (the remembered cookie says "en"), formats follow the browser's specific English locale when it
/// sends one, so an en-GB user reads 20/11/2026; without the cookie the Accept-Language provider does this already.
/// </summary>
public sealed class EnglishFormatsCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var cookie = httpContext.Request.Cookies[CookieRequestCultureProvider.DefaultCookieName];
        var chosen = cookie is null ? null : CookieRequestCultureProvider.ParseCookieValue(cookie);
        if (chosen is null || !chosen.UICultures.Any(c => c.Equals("en", StringComparison.OrdinalIgnoreCase)))
        {
            return NullProviderCultureResult;
        }

        var english = httpContext.Request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value ?? "")
            .FirstOrDefault(l => l.StartsWith("en-", StringComparison.OrdinalIgnoreCase));
        return english is null
            ? NullProviderCultureResult
            : Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(english, "en"));
    }
}
