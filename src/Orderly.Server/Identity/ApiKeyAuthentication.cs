using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Server.Data;

namespace Orderly.Server.Identity;

/// <summary>
/// Authenticates <c>X-Api-Key</c> requests. A key acts for the user who issued it: it stops when that user is
/// disabled, and carries only those of its roles the user still holds (an admin's key any role).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, OrderlyDbContext db, TimeProvider time,
    SessionCache sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].ToString();
        if (presented.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (ApiKey.KeyIdOf(presented) is not { } keyId)
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        var key = await db.Set<ApiKey>().AsNoTracking().FirstOrDefaultAsync(k => k.KeyId == keyId, Context.RequestAborted);
        var now = time.GetUtcNow();
        if (key is null || !key.Matches(presented) || !key.IsUsable(now))
        {
            return AuthenticateResult.Fail("Unknown, revoked or expired API key.");
        }

        var issuer = await sessions.GetAsync(key.CreatedBy, db, Context.RequestAborted);
        var roles = key.RoleList.Where(r => issuer.Roles.Contains(Roles.Admin) || issuer.Roles.Contains(r)).ToList();
        if (!issuer.IsEnabled || roles.Count == 0)
        {
            return AuthenticateResult.Fail("The API key's issuer is disabled or no longer holds its roles.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id.ToString()),
            new(ClaimTypes.Name, $"api-key:{key.Name}"),
            new("on_behalf_of", key.CreatedBy.ToString()),
            new("auth_kind", "api-key"),
        };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
