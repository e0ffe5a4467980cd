using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Orderly.Server.Identity;

namespace Orderly.Server.Infrastructure.Telemetry;

/// <summary>
/// <c>/metrics</c> is for an Admin or for whoever presents the configured scrape key, compared in constant time so
/// the comparison does not tell how much of a guess was right.
/// </summary>
public sealed class MetricsScrapeAuthorization(IOptionsMonitor<MetricsOptions> options)
    : AuthorizationHandler<MetricsScrapeAuthorization.Requirement>
{
    public const string Policy = "MetricsScrape";
    public const string KeyHeader = "X-Scrape-Key";

    public sealed class Requirement : IAuthorizationRequirement;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
    {
        if (context.User.IsInRole(Roles.Admin) || context.Resource is HttpContext http && PresentsKey(http.Request))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private bool PresentsKey(HttpRequest request)
    {
        if (options.CurrentValue.ScrapeKey is not { Length: > 0 } key)
        {
            return false;
        }

        var presented = request.Headers[KeyHeader].ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (presented.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        return presented.Length > 0
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
