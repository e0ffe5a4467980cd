using Quartz;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>
/// Takes the triggers of switched-off jobs out of the job store at start: the schedule lives in the database, so a
/// trigger left there would go on firing on the other nodes.
/// </summary>
public sealed class DisabledJobsRemoval(ISchedulerFactory schedulers, IEnumerable<DisabledJob> disabled, ILogger<DisabledJobsRemoval> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var job in disabled)
        {
            if (await scheduler.UnscheduleJob(new TriggerKey(job.Name, SchedulingSetup.JobGroup), cancellationToken))
            {
                log.LogInformation("Scheduled job {Job} is switched off: its trigger was removed", job.Name);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
