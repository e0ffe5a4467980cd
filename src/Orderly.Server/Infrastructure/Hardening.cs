using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Orderly.Server.Identity;

namespace Orderly.Server.Infrastructure;

/// <summary>Rate limits (login, order entry) and security headers.</summary>
public static class Hardening
{
    public const string LoginLimit = "login";
    public const string OrderEntryLimit = "order-entry";

    public static IServiceCollection AddOrderlyRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var loginsPerMinute = configuration.GetValue("Orderly:RateLimits:LoginsPerMinute", 20);
        var ordersPerMinute = configuration.GetValue("Orderly:RateLimits:OrdersPerMinutePerUser", 3000);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"Slow down; retry after {(int)Math.Ceiling(retryAfter.TotalSeconds)} s.",
                        Extensions = { ["code"] = "RateLimited" },
                    },
                });
            };

            // Logins are limited per source address, so guessing passwords is slow even across many accounts.
            options.AddPolicy(LoginLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = loginsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

            options.AddPolicy(OrderEntryLimit, http => RateLimitPartition.GetTokenBucketLimiter(
                CurrentUser.IdOf(http.User)?.ToString() ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, ordersPerMinute / 6),
                    TokensPerPeriod = Math.Max(1, ordersPerMinute / 60),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
        });
    }

    /// <summary>Added as the response starts, so that answers written by the exception handler (which clears headers) carry them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (http.Request.Path.StartsWithSegments("/api"))
            {
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        await next();
    });
}
