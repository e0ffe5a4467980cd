using System.Diagnostics;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure.Telemetry;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>How a scheduled job runs its work: in a scope of its own, as the system actor <c>job:NAME</c>, traced and counted.</summary>
public static class JobRun
{
    /// <summary>Runs <paramref name="work"/>; it answers false when it had nothing to do (counted as skipped).</summary>
    public static async Task<bool> InScopeAsync(
        IServiceScopeFactory scopes, string name, Func<IServiceProvider, CancellationToken, Task<bool>> work, CancellationToken ct)
    {
        using var activity = OrderlyMetrics.Source.StartActivity($"job {name}");
        activity?.SetTag("orderly.job", name);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem($"job:{name}");
            var ran = await work(scope.ServiceProvider, ct);
            outcome = ran ? "succeeded" : "skipped";
            return ran;
        }
        finally
        {
            activity?.SetTag("orderly.job.outcome", outcome);
            OrderlyMetrics.JobRun(name, outcome, Stopwatch.GetElapsedTime(started));
        }
    }
}
