using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Orderly.Server.Audit;
using Orderly.Server.Data;
using Orderly.Server.Platform;

namespace Orderly.Server.Identity;

/// <summary>Users, roles, logins (bearer token, API key, cookie), the caller of each request and data scoping.</summary>
public sealed class IdentityModule : IOrderlyModule
{
    private const string SchemeSelector = "Orderly";

    public string Name => "Identity";

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/admin/users", "UsersAndRoles", Policies.ManageUsers, 900, Icon: MudBlazor.Icons.Material.Filled.ManageAccounts),
    ];

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Policies.ManageUsers, Name, [Roles.Admin], "every `/api/users` and `/api/api-keys` route, the reads included"),
    ];

    public void AddServices(ModuleServices capability)
    {
        var services = capability.Services;
        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<OrderlyDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddScoped<Caller>();
        services.AddDataProtection().SetApplicationName("Orderly").PersistKeysToDbContext<OrderlyDbContext>();
        services.AddAuthentication(SchemeSelector)
            .AddPolicyScheme(SchemeSelector, "Bearer token, API key or cookie", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) ? ApiKeyAuthenticationHandler.SchemeName
                : http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? IdentityConstants.BearerScheme
                : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = TimeSpan.FromHours(8))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "orderly.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(10);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/access-denied";
                // Disabling a user or changing their password ends their cookie sessions at the next request.
                o.Events.OnValidatePrincipal = ValidateCookieAsync;
                // The API answers 401/403 instead of redirecting to the login page.
                o.Events.OnRedirectToLogin = c => Deny(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => Deny(c, StatusCodes.Status403Forbidden);
            });
        services.AddScoped<UserAccounts>();
        services.AddScoped<DataScope>();
        // Before the UI module: it registers the UI's revalidating authentication state provider.
        services.AddSessionValidation();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapIdentityEndpoints();

    /// <summary>Creates the admin login on the first start; a generated password is printed once, to the console only.</summary>
    public async Task PrepareAsync(ModuleStart start, CancellationToken ct)
    {
        var accounts = start.Services.GetRequiredService<UserAccounts>();
        var adminEmail = start.Configuration["Orderly:AdminEmail"] ?? "admin@orderly.local";
        if (await accounts.EnsureAdminAsync(adminEmail, start.Configuration["Orderly:AdminPassword"]) is { } created)
        {
            if (created.GeneratedPassword is { } password)
            {
                // Never stored in clear or logged.
                Console.WriteLine($"Orderly admin login: {adminEmail} / {password}  (shown once; set Orderly:AdminPassword to choose it)");
            }
            else
            {
                start.Log.LogInformation("Created the admin login {Email}", adminEmail);
            }
        }
    }

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<AppUser>("User", u => u.Id)
        .Part<IdentityUserRole<Guid>>("User", e => ((IdentityUserRole<Guid>)e.Entity).UserId, _ => "roles.")
        .Root<ApiKey>("ApiKey", k => k.Id)
        .Exclude<IdentityRole<Guid>>("the fixed role names, seeded at start")
        .Exclude<IdentityUserClaim<Guid>>("the remembered UI language; not a business change")
        .Exclude<IdentityUserLogin<Guid>>("external logins are not used")
        .Exclude<IdentityUserToken<Guid>>("Identity's own token store (secrets)")
        .Exclude<IdentityRoleClaim<Guid>>("role claims are not used")
        .Exclude<DataProtectionKey>("key material, rotated by ASP.NET Core");

    /// <summary>A cookie stays good only while its user is enabled and their security stamp unchanged (checked on every request).</summary>
    private static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserManager<AppUser>>();
        var user = context.Principal is { } principal ? await users.GetUserAsync(principal) : null;
        var stamp = context.Principal?.FindFirst(users.Options.ClaimsIdentity.SecurityStampClaimType)?.Value;
        if (user is null || user.IsDisabled || stamp != await users.GetSecurityStampAsync(user))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }

    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
