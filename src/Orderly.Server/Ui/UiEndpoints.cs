using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Orderly.Server.Identity;

namespace Orderly.Server.Ui;

/// <summary>
/// The UI's few plain HTTP endpoints, outside /api: the login and logout form posts (cookie sign-in needs a real
/// HTTP response, which an interactive circuit does not have) and the language switch.
/// </summary>
public static class UiEndpoints
{
    public static readonly string[] Cultures = ["en", "zh-CN"];

    public static void MapUiEndpoints(this IEndpointRouteBuilder app)
    {
        // Through a Delegate variable, so the runtime builds it rather than the request delegate generator (which sees
        // through a cast): the generated form binding throws (500) on a missing or bad antiforgery token, where the
        // runtime's answers 400.
        Delegate login = LoginAsync;
#pragma warning disable RDG002 // On purpose: this endpoint is built at runtime.
        app.MapPost("/account/login", login).AllowAnonymous().RequireRateLimiting(Infrastructure.Hardening.LoginLimit).ExcludeFromDescription();
#pragma warning restore RDG002
        app.MapPost("/account/logout", (Delegate)LogoutAsync).RequireAuthorization(Policies.Read).ExcludeFromDescription();
        app.MapGet("/culture/set", SetCultureAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> LoginAsync(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
        SignInManager<AppUser> signIn, LoginCheck logins, UserAccounts accounts, HttpContext http)
    {
        var back = LocalOrHome(returnUrl);
        var (user, outcome) = await logins.CheckAsync(email, password);
        if (outcome == LoginOutcome.LockedOut)
        {
            return Refused("locked", back);
        }

        if (user is null)
        {
            return Refused("invalid", back);
        }

        await http.SignInAsync(IdentityConstants.ApplicationScheme, await Sessions.PrincipalAsync(signIn, user));
        // The language the user chose last time, on whatever browser; without a choice the browser's languages decide.
        if (await accounts.PreferredCultureAsync(user) is { } culture && Supported(culture) is { } chosen)
        {
            RememberInCookie(http, chosen);
        }

        return Results.LocalRedirect(back);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, Sessions sessions)
    {
        await sessions.EndAsync(http.User, http.RequestAborted);
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        return Results.LocalRedirect("/login");
    }

    /// <summary>
    /// Remembers the chosen language in the culture cookie for a year and, for a logged-in user, with the user (an
    /// Identity claim), so it follows them to their next login on any browser; then goes back where the user was.
    /// </summary>
    private static async Task<IResult> SetCultureAsync(string? culture, string? redirectUri, HttpContext http, UserAccounts accounts)
    {
        if (Supported(culture) is { } chosen)
        {
            RememberInCookie(http, chosen);
            if (http.User.Identity?.IsAuthenticated == true && CurrentUser.IdOf(http.User) is { } userId)
            {
                await accounts.RememberCultureAsync(userId, chosen);
            }
        }

        return Results.LocalRedirect(LocalOrHome(redirectUri));
    }

    private static string? Supported(string? culture) =>
        culture is null ? null : Cultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase));

    private static void RememberInCookie(HttpContext http, string culture) =>
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });

    private static IResult Refused(string error, string returnUrl) =>
        Results.LocalRedirect($"/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}");

    /// <summary>Only paths of this site, so a crafted link cannot bounce a user to another site after login.</summary>
    private static string LocalOrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl)
            ? url
            : "/";
}
