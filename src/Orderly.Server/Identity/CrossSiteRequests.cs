using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Orderly.Server.Identity;

/// <summary>
/// A state change carried by the login cookie must come from this site: a same-origin <c>Origin</c> header, else a
/// <c>Sec-Fetch-Site</c> of same-origin (or none: typed by the user), else a valid antiforgery token. Browsers
/// attach cookies to cross-site requests that SameSite does not stop (older browsers, same-site subdomains);
/// bearer tokens and API keys are not attached by browsers, so those calls are not checked.
/// </summary>
public static class CrossSiteRequests
{
    public static IApplicationBuilder UseCrossSiteRequestGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (IsCookieStateChange(http) && !IsSameSite(http.Request) && !await HasValidAntiforgeryTokenAsync(http))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Cross-site request refused",
                    Detail = "A change made with the login cookie must come from this site (Origin or Sec-Fetch-Site) or carry an antiforgery token.",
                    Type = "https://orderly.dev/problems/CrossSiteRequest",
                    Extensions = { ["code"] = "CrossSiteRequest" },
                },
            });
            return;
        }

        await next();
    });

    private static bool IsCookieStateChange(HttpContext http)
    {
        var request = http.Request;
        return !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            && http.User.Identity?.IsAuthenticated == true
            && !request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
            && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSameSite(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, NormalizedAuthority(request), StringComparison.OrdinalIgnoreCase);
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site is "same-origin" or "none";
    }

    /// <summary>The request's host as an origin's authority shows it: without the scheme's default port.</summary>
    private static string NormalizedAuthority(HttpRequest request) =>
        Uri.TryCreate($"{request.Scheme}://{request.Host.Value}", UriKind.Absolute, out var self) ? self.Authority : request.Host.Value ?? "";

    private static async Task<bool> HasValidAntiforgeryTokenAsync(HttpContext http)
    {
        var antiforgery = http.RequestServices.GetService<IAntiforgery>();
        if (antiforgery is null)
        {
            return false;
        }

        try
        {
            return await antiforgery.IsRequestValidAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }
}
