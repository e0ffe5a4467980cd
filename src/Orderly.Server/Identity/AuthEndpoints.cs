using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Identity;

public sealed record TokenRequest(string Email, string Password);

public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string TokenType = "Bearer");

public sealed record CreateUserRequest(string Email, string Password, string? DisplayName = null, string[]? Roles = null);

public sealed record UserDto(Guid Id, string Email, string? DisplayName, IReadOnlyList<string> Roles, bool IsDisabled);

public static class AuthEndpoints
{
    public static void MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueTokenAsync)
            .AllowAnonymous()
            .RequireRateLimiting(Infrastructure.Hardening.LoginLimit)
            .WithName("IssueToken").ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithTags("Auth")
            .WithSummary("Exchanges an e-mail and password for a bearer token.");

        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.ManageUsers);
        users.MapPost("/", CreateUserAsync).WithName("CreateUser").WithSummary("Creates a login with roles; the e-mail must be unused.").ProducesProblem(StatusCodes.Status409Conflict);
        users.MapGet("/{id:guid}", GetUserAsync).WithName("GetUser").WithSummary("One login, with its roles.");
        users.MapUserAdministration(app);

        app.MapPost("/api/auth/login", CookieLoginAsync).AllowAnonymous().RequireRateLimiting(Infrastructure.Hardening.LoginLimit).WithName("CookieLogin").ProducesProblem(StatusCodes.Status401Unauthorized).WithTags("Auth")
            .WithSummary("Signs in with a cookie, for the web UI.");
        app.MapPost("/api/auth/logout", async (HttpContext http, Sessions sessions, CancellationToken ct) =>
        {
            // Ends this token's or cookie's session, so a copy of it is refused from now on.
            await sessions.EndAsync(http.User, ct);
            await http.SignOutAsync(IdentityConstants.ApplicationScheme);
            return TypedResults.NoContent();
        }).WithName("Logout").WithSummary("Ends the cookie session of the web UI.").WithTags("Auth").RequireAuthorization(Policies.Read);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, SignInManager<AppUser> signIn, LoginCheck logins,
        IOptionsMonitor<BearerTokenOptions> bearerOptions, TimeProvider time)
    {
        var (user, refusal) = await CheckCredentialsAsync(request, logins);
        if (user is null)
        {
            return refusal!;
        }

        var options = bearerOptions.Get(IdentityConstants.BearerScheme);
        var expiresAt = time.GetUtcNow() + options.BearerTokenExpiration;
        var principal = await Sessions.PrincipalAsync(signIn, user);
        var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = expiresAt }, IdentityConstants.BearerScheme);
        return TypedResults.Ok(new TokenResponse(options.BearerTokenProtector.Protect(ticket), expiresAt));
    }

    private static async Task<Results<Created<UserDto>, ProblemHttpResult>> CreateUserAsync(CreateUserRequest request, UserAccounts accounts)
    {
        var roles = request.Roles ?? [];
        var user = await accounts.CreateAsync(request.Email, request.Password, request.DisplayName, roles);
        return TypedResults.Created($"/api/users/{user.Id}", new UserDto(user.Id, user.Email!, user.DisplayName, roles, user.IsDisabled));
    }

    private static async Task<Results<Ok<UserDto>, NotFound>> GetUserAsync(Guid id, UserManager<AppUser> users)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        var roles = await users.GetRolesAsync(user);
        return TypedResults.Ok(new UserDto(user.Id, user.Email!, user.DisplayName, [.. roles], user.IsDisabled));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CookieLoginAsync(
        TokenRequest request, SignInManager<AppUser> signIn, LoginCheck logins, HttpContext http)
    {
        var (user, refusal) = await CheckCredentialsAsync(request, logins);
        if (user is null)
        {
            return refusal!;
        }

        await http.SignInAsync(IdentityConstants.ApplicationScheme, await Sessions.PrincipalAsync(signIn, user));
        return TypedResults.NoContent();
    }

    /// <summary>One answer for an unknown e-mail, a disabled user and a wrong password, so logins reveal nothing; lockout after repeated failures.</summary>
    private static async Task<(AppUser? User, ProblemHttpResult? Refusal)> CheckCredentialsAsync(TokenRequest request, LoginCheck logins)
    {
        var (user, outcome) = await logins.CheckAsync(request.Email, request.Password);
        return outcome switch
        {
            LoginOutcome.Success => (user, null),
            LoginOutcome.LockedOut => (null, TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Account locked",
                detail: "Too many failed logins; try again later.", extensions: new Dictionary<string, object?> { ["code"] = "LockedOut" })),
            _ => (null, Unauthorized()),
        };
    }

    private static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid credentials",
            detail: "The e-mail or password is wrong.", extensions: new Dictionary<string, object?> { ["code"] = "InvalidCredentials" });
}
