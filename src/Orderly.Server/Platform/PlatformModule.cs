using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Audit;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Infrastructure.Telemetry;
using Orderly.Server.Platform.Persistence;
using Scalar.AspNetCore;

namespace Orderly.Server.Platform;

/// <summary>
/// What every capability stands on: the database and its save pipeline, time and the business calendar, JSON and
/// problem details, rate limits, idempotency, the OpenAPI document, health checks, the job scheduler and telemetry.
/// </summary>
public sealed class PlatformModule : IOrderlyModule
{
    public string Name => "Platform";

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Identity.Policies.Read, Name, Identity.Roles.Staff, "every GET not named below, logout"),
    ];

    public void AddServices(ModuleServices capability)
    {
        var services = capability.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BusinessCalendar>();
        // The save pipeline, one concern each, in this order: versions, the transaction, then (registered by their
        // modules) audit, rollups and the outbox inside it.
        services.AddSingleton<IInterceptor, VersioningInterceptor>();
        services.AddSingleton<IInterceptor, SaveTransactionInterceptor>();
        services.AddSingleton<BulkInsert>();
        services.AddOrderlyDatabase(capability.Configuration, capability.Environment.ContentRootPath);
        services.ConfigureHttpJsonOptions(options => OrderlyHost.Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // The W3C trace id of the request's Activity (the feature holds it where Activity.Current does not flow), which
        // a collector, the logs and the problem+json body then share.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["traceId"] =
                (c.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpActivityFeature>()?.Activity ?? System.Diagnostics.Activity.Current)
                    ?.TraceId.ToHexString() ?? c.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOrderlyRateLimits(capability.Configuration);
        services.AddOrderlyOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddScoped<Idempotency>();
        services.AddOrderlyScheduling(capability.Configuration);
        services.AddOrderlyTelemetry(capability.Configuration);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api-reference", o => o.WithTitle("Orderly API")).AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapOrderlyMetrics();
        // Liveness: the process answers HTTP, no database round trip (for load balancers and the bench's HTTP ceiling).
        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
    }

    public void ConfigureAudit(AuditMap audit) => audit
        .Exclude<NumberSequence>("document counters; each number is audited on the document that took it")
        .Exclude<IdempotencyRecord>("stored replies of retried requests; the change itself is audited")
        .Exclude<JobLease>("scheduler bookkeeping");
}
