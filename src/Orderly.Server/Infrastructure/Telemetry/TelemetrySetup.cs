using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orderly.Server.Identity;
using Quartz.Diagnostics;

namespace Orderly.Server.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry for the server: metrics (Orderly's own <see cref="OrderlyMetrics"/>, ASP.NET Core, HttpClient, .NET
/// runtime, Npgsql, Quartz) scraped from <c>/metrics</c>; when a collector is configured, metrics, traces (ASP.NET Core,
/// HttpClient, Npgsql, Quartz, Orderly's jobs) and logs pushed over OTLP; the W3C trace id in every log scope and in
/// every problem+json body.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddOrderlyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var otlp = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? configuration[$"{TelemetryOptions.Section}:OtlpEndpoint"];
        var serviceName = configuration[$"{TelemetryOptions.Section}:ServiceName"] ?? "orderly";

        var telemetry = services.AddOpenTelemetry();
        telemetry
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrderlyMetrics.MeterName, QuartzInstrumentation.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    // Every scrape sees the numbers of that moment (the exporter would otherwise answer from a 300 ms cache).
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp is { Length: > 0 })
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });
        // Spans are recorded only when there is somewhere to send them: on the hot path (QUALITY.md P1) an unexported
        // span is pure cost. ASP.NET Core starts a request Activity regardless, so trace ids reach logs and problems.
        if (otlp is { Length: > 0 })
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(OrderlyMetrics.MeterName, QuartzInstrumentation.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddOtlpExporter(o => o.Endpoint = new Uri(otlp)))
                .WithLogging(logging => logging.AddOtlpExporter(o => o.Endpoint = new Uri(otlp)));
        }

        services.Configure<LoggerFactoryOptions>(o =>
            o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
        services.AddSingleton<IAuthorizationHandler, MetricsScrapeAuthorization>();
        services.AddAuthorizationBuilder().AddPolicy(MetricsScrapeAuthorization.Policy, p => p
            // Bearer tokens and API keys only: a cookie challenge would redirect a scraper to the login page instead of a 401.
            .AddAuthenticationSchemes(IdentityConstants.BearerScheme, ApiKeyAuthenticationHandler.SchemeName)
            .AddRequirements(new MetricsScrapeAuthorization.Requirement()));
        return services;
    }

    /// <summary>The Prometheus scrape endpoint, for an Admin or the configured scrape key; anyone else gets 401.</summary>
    public static IEndpointConventionBuilder MapOrderlyMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(MetricsScrapeAuthorization.Policy)
            .DisableRateLimiting()
            .ExcludeFromDescription();
}
