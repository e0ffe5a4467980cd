using System.Diagnostics;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Logs, as a warning, every request that took longer than <c>Orderly:Diagnostics:SlowRequestMs</c> (2,000 ms by
/// default; 0 turns it off): method, path, status and time, so a stalled page or API call leaves a trace in the
/// server's log. WebSocket connections (the UI's circuit) and event streams live long by design and are left out.
/// </summary>
public static class SlowRequestLog
{
    public static IApplicationBuilder UseSlowRequestLog(this IApplicationBuilder app)
    {
        var threshold = app.ApplicationServices.GetRequiredService<IConfiguration>().GetValue("Orderly:Diagnostics:SlowRequestMs", 2_000);
        if (threshold <= 0)
        {
            return app;
        }

        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Orderly.SlowRequests");
        return app.Use(async (http, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed.TotalMilliseconds > threshold && !LongLived(http))
                {
                    logger.LogWarning("Slow request: {Method} {Path} answered {Status} after {Milliseconds:F0} ms",
                        http.Request.Method, http.Request.Path.Value, http.Response.StatusCode, elapsed.TotalMilliseconds);
                }
            }
        });
    }

    private static bool LongLived(HttpContext http) =>
        http.WebSockets.IsWebSocketRequest
        || http.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) == true
        || http.Request.Path.StartsWithSegments("/_blazor", StringComparison.Ordinal);
}
