using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orderly.Domain.Orders;
using Orderly.Server.Allocation;
using Orderly.Server.Analytics;
using Orderly.Server.Audit;
using Orderly.Server.Catalog;
using Orderly.Server.Customers;
using Orderly.Server.Data;
using Orderly.Server.Demo;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;
using Orderly.Server.Orders;
using Orderly.Server.Purchasing;
using Orderly.Server.Ui;
using Scalar.AspNetCore;

namespace Orderly.Server;

/// <summary>Service registration and the HTTP pipeline, kept out of Program.cs so tests and the CLI share them.</summary>
public static class OrderlyHost
{
    public const long MaxRequestBodyBytes = 4 * 1024 * 1024;
    private const string SchemeSelector = "Orderly";

    public static void AddOrderly(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.AddInputGuards();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BusinessCalendar>();
        services.AddOrderlyDatabase(configuration, builder.Environment.ContentRootPath);
        services.Configure<ApprovalRules>(configuration.GetSection("Orderly:Approval"));
        services.Configure<CreditTermsOptions>(configuration.GetSection("Orderly:CreditTerms"));
        services.Configure<Orderly.Domain.Allocation.AllocationOptions>(configuration.GetSection("Orderly:Allocation"));

        services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<ProblemExceptionHandler>();

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
        services.AddHttpContextAccessor();
        services.AddScoped<AuditActor>();
        services.AddSessionValidation();
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
        // Every endpoint names its policy; one that forgets is refused to everybody rather than open to all.
        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAssertion(_ => false).Build());
        Policies.Add(authorization);

        services.AddOrderlyRateLimits(configuration);
        services.AddOpenApi(o => o.AddDocumentTransformer<OrderlyDocumentTransformer>());
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddScoped<UserAccounts>();
        services.AddScoped<DataScope>();
        services.AddScoped<StockService>();
        services.AddScoped<BackorderService>();
        services.AddScoped<ReallocationService>();
        services.AddScoped<StockMovements>();
        services.AddScoped<Availability>();
        services.AddScoped<EntryContextLoader>();
        services.AddScoped<OrderService>();
        services.AddScoped<OrderQueries>();
        services.AddScoped<AnalyticsQueries>();
        services.AddScoped<AnalyticsScope>();
        services.AddScoped<RollupRebuild>();
        services.AddScoped<Idempotency>();
        services.AddScoped<DemoSeeder>();
        services.AddReplenishment(configuration);
        services.AddOrderlyUi();
    }

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

    public static void Configure(JsonSerializerOptions json)
    {
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.AllowDuplicateProperties = false;
        json.RespectNullableAnnotations = true;
        json.RespectRequiredConstructorParameters = true;
        json.MaxDepth = 32;
        json.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        json.Converters.Add(new NoNullElementsConverterFactory());
    }

    public static void UseOrderly(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseInputGuards();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseCrossSiteRequestGuard();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api-reference", o => o.WithTitle("Orderly API")).AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        // Liveness: the process answers HTTP, no database round trip (for load balancers and the bench's HTTP ceiling).
        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();

        app.MapIdentityEndpoints();
        app.MapCatalogEndpoints();
        app.MapCustomerEndpoints();
        app.MapInventoryEndpoints();
        app.MapStockOperationsEndpoints();
        app.MapOrderEndpoints();
        app.MapAuditEndpoints();
        app.MapSupplierEndpoints();
        app.MapReplenishmentEndpoints();
        app.MapStockAlertEndpoints();
        app.MapAllocationEndpoints();
        app.MapAnalyticsEndpoints();
        app.MapOrderlyUi();
    }

    /// <summary>Applies migrations, creates the admin login and seeds demo data on an empty database.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var configuration = app.Configuration;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orderly.Startup");
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        // Migrate only when a migration is pending: MigrateAsync also diffs the model against the snapshot, which
        // costs a large part of a start on an up-to-date database (P11).
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await db.Database.MigrateAsync();
        }

        await scope.ServiceProvider.GetRequiredService<RollupRebuild>().EnsureAsync(CancellationToken.None);

        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var adminEmail = configuration["Orderly:AdminEmail"] ?? "admin@orderly.local";
        if (await accounts.EnsureAdminAsync(adminEmail, configuration["Orderly:AdminPassword"]) is { } created)
        {
            if (created.GeneratedPassword is { } password)
            {
                // Printed once, to the console only, on the first start; it is never stored in clear or logged.
                Console.WriteLine($"Orderly admin login: {adminEmail} / {password}  (shown once; set Orderly:AdminPassword to choose it)");
            }
            else
            {
                log.LogInformation("Created the admin login {Email}", adminEmail);
            }
        }

        var seedSetting = configuration["Orderly:SeedDemoData"];
        var seed = seedSetting is null || bool.Parse(seedSetting);
        if (seed && !await db.SalesOrders.AnyAsync() && !await db.Products.AnyAsync())
        {
            log.LogInformation("Empty database: seeding demo data");
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(new DemoSeedOptions(), progress: null, CancellationToken.None);
        }
    }
}
