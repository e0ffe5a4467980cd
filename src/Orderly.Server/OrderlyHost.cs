using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Audit;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Platform;

namespace Orderly.Server;

/// <summary>
/// The host: the modules of <see cref="OrderlyModules"/> register and map themselves; this class only runs them, builds
/// the permission table and the audit map from them, and orders the HTTP pipeline. Shared by Program, tests and the CLI.
/// </summary>
public static class OrderlyHost
{
    /// <summary>Makes .NET's file providers poll the files they watch instead of subscribing to the content root's changes.</summary>
    public const string PollingWatcherVariable = "DOTNET_USE_POLLING_FILE_WATCHER";

    public const long MaxRequestBodyBytes = 4 * 1024 * 1024;

    public static void AddOrderly(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.AddInputGuards();
        var module = new ModuleServices(services, builder.Configuration, builder.Environment);
        var audit = new AuditMap();
        foreach (var capability in OrderlyModules.All)
        {
            capability.AddServices(module);
            capability.ConfigureAudit(audit);
        }

        var permissions = new PermissionTable(OrderlyModules.All.SelectMany(m => m.Permissions));
        services.AddSingleton(permissions);
        services.AddSingleton(audit);
        services.AddSingleton<IReadOnlyList<NavigationEntry>>([.. OrderlyModules.All.SelectMany(m => m.Navigation).OrderBy(n => n.Order)]);
        // Every endpoint names its policy; one that forgets is refused to everybody rather than open to all.
        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAssertion(_ => false).Build());
        permissions.AddPolicies(authorization);
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
        app.UseSlowRequestLog();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseInputGuards();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseCaller();
        app.UseCrossSiteRequestGuard();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        foreach (var capability in OrderlyModules.All)
        {
            capability.MapEndpoints(app);
        }
    }

    /// <summary>Applies pending migrations, then lets each module prepare what it needs (admin login, rollups, demo data...).</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orderly.Startup");
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("startup");
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        var modelStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        _ = db.Model;
        log.LogInformation("Built the data model in {Milliseconds:F0} ms", System.Diagnostics.Stopwatch.GetElapsedTime(modelStarted).TotalMilliseconds);
        // Migrate only when a migration is pending: MigrateAsync also diffs the model against the snapshot, which
        // costs a large part of a start on an up-to-date database (P11).
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await db.Database.MigrateAsync();
        }

        await QuartzSchema.EnsureAsync(db, CancellationToken.None);

        foreach (var capability in OrderlyModules.All)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await capability.PrepareAsync(new ModuleStart(scope.ServiceProvider, app.Configuration, log), CancellationToken.None);
            // The start's budget is 2 s (P11): a module that takes a noticeable share of it says so.
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (took.TotalMilliseconds >= 100)
            {
                log.LogInformation("Prepared {Module} in {Milliseconds:F0} ms", capability.Name, took.TotalMilliseconds);
            }
        }
    }
}
