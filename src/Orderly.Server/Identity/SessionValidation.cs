using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Identity;

/// <summary>What a session or API key depends on: the user's security stamp, enabled flag, roles and ended sessions.</summary>
public sealed record UserStanding(string? SecurityStamp, bool IsEnabled, IReadOnlySet<string> Roles, IReadOnlySet<string> EndedSessions)
{
    public static readonly UserStanding Missing = new(null, false, new HashSet<string>(), new HashSet<string>());
}

/// <summary>
/// Remembers each user's standing for at most <see cref="MaxAge"/> (30 s, <c>Orderly:Security:SessionRecheckSeconds</c>),
/// so a bearer token, cookie or API key stops working within that time on every node after its user is disabled,
/// demoted, has their password reset or logs out; the node that made the change forgets the user at once.
/// </summary>
public sealed class SessionCache(TimeProvider time, IConfiguration configuration)
{
    private readonly ConcurrentDictionary<Guid, (UserStanding Standing, long LoadedAt)> _users = new();

    public TimeSpan MaxAge { get; } =
        TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Orderly:Security:SessionRecheckSeconds", 30), 0, 30));

    public async ValueTask<UserStanding> GetAsync(Guid userId, OrderlyDbContext db, CancellationToken ct)
    {
        if (_users.TryGetValue(userId, out var cached) && time.GetElapsedTime(cached.LoadedAt) < MaxAge)
        {
            return cached.Standing;
        }

        var loadedAt = time.GetTimestamp();
        var standing = await LoadAsync(userId, db, ct);
        _users[userId] = (standing, loadedAt);
        return standing;
    }

    public void Evict(Guid userId) => _users.TryRemove(userId, out _);

    private static async Task<UserStanding> LoadAsync(Guid userId, OrderlyDbContext db, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.SecurityStamp, u.IsDisabled }).FirstOrDefaultAsync(ct);
        if (user is null)
        {
            return UserStanding.Missing;
        }

        var roles = await db.UserRoles.Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
        var ended = await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == Sessions.EndedSession)
            .Select(t => t.Name).ToListAsync(ct);
        return new UserStanding(user.SecurityStamp, !user.IsDisabled, roles.ToHashSet(StringComparer.Ordinal), ended.ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>
/// Checks a bearer token's or cookie's principal against its user's current standing: a disabled user, a changed
/// security stamp (password reset, role change, disabling) or an ended session (logout) fails it, so the request is
/// answered 401. API keys are checked by their own handler.
/// </summary>
public sealed class SessionValidator(SessionCache cache, OrderlyDbContext db, IOptions<IdentityOptions> identity)
{
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (CurrentUser.IdOf(principal) is not { } userId || stamp is null)
        {
            return false;
        }

        var standing = await cache.GetAsync(userId, db, ct);
        var session = principal.FindFirstValue(Sessions.SessionClaim);
        return standing.IsEnabled && standing.SecurityStamp == stamp && (session is null || !standing.EndedSessions.Contains(session));
    }

    /// <summary>Validates bearer tokens as they are read (the bearer scheme has no later hook) and cookies after the cookie scheme's own check.</summary>
    internal static void Hook(BearerTokenOptions bearer) => bearer.Events.OnMessageReceived = async context =>
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var ticket = context.Options.BearerTokenProtector.Unprotect(header["Bearer ".Length..].Trim());
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (ticket?.Properties.ExpiresUtc is not { } expires || expires < now)
        {
            return; // the scheme refuses it itself
        }

        var validator = context.HttpContext.RequestServices.GetRequiredService<SessionValidator>();
        if (!await validator.IsCurrentAsync(ticket.Principal, context.HttpContext.RequestAborted))
        {
            context.Fail("The session has ended.");
            return;
        }

        context.Principal = ticket.Principal;
        context.Properties = ticket.Properties;
        context.Success();
    };

    internal static void Hook(CookieAuthenticationOptions cookie)
    {
        var inner = cookie.Events.OnValidatePrincipal;
        cookie.Events.OnValidatePrincipal = async context =>
        {
            await inner(context);
            var validator = context.HttpContext.RequestServices.GetRequiredService<SessionValidator>();
            if (context.Principal is { } principal && !await validator.IsCurrentAsync(principal, context.HttpContext.RequestAborted))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            }
        };
    }
}

/// <summary>Starts sessions (a session id in every token and cookie) and ends them (logout).</summary>
public sealed class Sessions(SessionCache cache, OrderlyDbContext db, Writes writes, TimeProvider time)
{
    public const string SessionClaim = "orderly:sid";

    /// <summary>The Identity user-token rows that list a user's ended sessions; kept past the longest token or cookie life.</summary>
    public const string EndedSession = "orderly:ended-session";

    private static readonly TimeSpan RememberEnded = TimeSpan.FromHours(24);

    /// <summary>The user's principal with a new session id.</summary>
    public static async Task<ClaimsPrincipal> PrincipalAsync(SignInManager<AppUser> signIn, AppUser user)
    {
        var principal = await signIn.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionClaim, Guid.NewGuid().ToString("N")));
        return principal;
    }

    /// <summary>Ends the caller's session: its token or cookie is refused from now on, on this node at once.</summary>
    public async Task EndAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (CurrentUser.IdOf(principal) is not { } userId || principal.FindFirstValue(SessionClaim) is not { } session)
        {
            return;
        }

        var now = time.GetUtcNow();
        await writes.RunAsync(async token =>
        {
            var rows = await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == EndedSession).ToListAsync(token);
            db.UserTokens.RemoveRange(rows.Where(r => !DateTimeOffset.TryParse(r.Value, CultureInfo.InvariantCulture, out var until) || until < now));
            if (rows.All(r => r.Name != session))
            {
                db.UserTokens.Add(new IdentityUserToken<Guid>
                {
                    UserId = userId, LoginProvider = EndedSession, Name = session,
                    Value = (now + RememberEnded).ToString("O", CultureInfo.InvariantCulture),
                });
            }
        }, ct);
        cache.Evict(userId);
    }
}

public static class SessionValidationSetup
{
    /// <summary>Revocable sessions, API keys bound to their issuer, and logins that reveal no e-mails.</summary>
    public static IServiceCollection AddSessionValidation(this IServiceCollection services) => services
        .AddMemoryCache()
        .AddScoped<LoginCheck>()
        .AddSingleton<SessionCache>()
        .AddScoped<SessionValidator>()
        .AddScoped<Sessions>()
        // Registered before the UI's components, whose own provider is added only when none is.
        .AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, CircuitRevalidation>()
        .PostConfigure<BearerTokenOptions>(IdentityConstants.BearerScheme, SessionValidator.Hook)
        .PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, SessionValidator.Hook);
}
