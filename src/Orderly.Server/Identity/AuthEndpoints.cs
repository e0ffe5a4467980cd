using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Identity;

public sealed record TokenRequest(string Email, string Password);

public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string TokenType = "Bearer");

public sealed record CreateUserRequest(string Email, string Password, string? DisplayName, string[]? Roles);

public sealed record UserDto(Guid Id, string Email, string? DisplayName, IReadOnlyList<string> Roles, bool IsDisabled);

public static class AuthEndpoints
{
    public static void MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueTokenAsync)
            .AllowAnonymous()
            .WithName("IssueToken")
            .WithTags("Auth")
            .WithSummary("Exchanges an e-mail and password for a bearer token.");

        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.ManageUsers);
        users.MapPost("/", CreateUserAsync).WithName("CreateUser");
        users.MapGet("/{id:guid}", GetUserAsync).WithName("GetUser");
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, SignInManager<AppUser> signIn, UserManager<AppUser> users,
        IOptionsMonitor<BearerTokenOptions> bearerOptions, TimeProvider time)
    {
        var user = await users.FindByEmailAsync(request.Email ?? "");
        if (user is null || user.IsDisabled)
        {
            return Unauthorized();
        }

        var check = await signIn.CheckPasswordSignInAsync(user, request.Password ?? "", lockoutOnFailure: true);
        if (check.IsLockedOut)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Account locked",
                detail: "Too many failed logins; try again later.", extensions: new Dictionary<string, object?> { ["code"] = "LockedOut" });
        }

        if (!check.Succeeded)
        {
            return Unauthorized();
        }

        var options = bearerOptions.Get(IdentityConstants.BearerScheme);
        var expiresAt = time.GetUtcNow() + options.BearerTokenExpiration;
        var principal = await signIn.CreateUserPrincipalAsync(user);
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

    private static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid credentials",
            detail: "The e-mail or password is wrong.", extensions: new Dictionary<string, object?> { ["code"] = "InvalidCredentials" });
}
