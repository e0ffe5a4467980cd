using Orderly.Server.Infrastructure.Scheduling;
using Quartz;

namespace Orderly.Server.Logistics;

/// <summary>Polls Kuaidi100 for open shipments, then looks for late ones (every 30 minutes unless configured otherwise).</summary>
[DisallowConcurrentExecution]
public sealed class TrackingJob(IServiceScopeFactory scopes, ILogger<TrackingJob> log) : IJob
{
    public const string Name = "shipment-tracking";

    public static readonly JobSchedule DefaultSchedule = JobSchedule.Interval(TimeSpan.FromMinutes(30));

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
        {
            var tracking = services.GetRequiredService<TrackingService>();
            var added = await tracking.PollAsync(ct);
            var delayed = await tracking.DetectDelaysAsync(ct);
            log.LogInformation("Tracking: {Added} new events, {Delayed} shipments reported late", added, delayed);
            return true;
        }, cancellationToken);
}
