using Microsoft.Extensions.Options;
using Orderly.Server.Identity;
using Quartz;
using Quartz.Extensibility;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>
/// Puts each scheduled job's trigger in the job store when a node starts, before the node's scheduler fires: a missing
/// trigger is stored, a stored one on the configured schedule is left alone, and only one whose schedule the
/// configuration changed is replaced. The stored trigger is the cluster's, and another node may fire it at any moment;
/// Quartz's own re-apply at start (<c>OverwriteExistingData</c> with <c>ScheduleTriggerRelativeToReplacedTrigger</c>)
/// read it, then replaced it with fire times counted from that read, so a firing the other node made in between was
/// scheduled again and ran twice.
/// </summary>
public sealed class ScheduledJobTriggers(
    ISchedulerFactory schedulers, IEnumerable<ScheduledJob> jobs, IOptions<SchedulingOptions> options, BusinessCalendar calendar,
    IServiceScopeFactory scopes, ILogger<ScheduledJobTriggers> log) : IHostedService
{
    /// <summary>How long a node may take to change one trigger before another node may try (a change takes milliseconds).</summary>
    private static readonly TimeSpan ChangeLease = TimeSpan.FromMinutes(1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var job in jobs)
        {
            var declared = TriggerFor(job);
            // The store decides under its lock whether a trigger is there, so of nodes starting together one stores it.
            var stored = await scheduler.ScheduleTrigger(declared, TriggerConflict.Keep, cancellationToken);
            if (stored.Outcome == ScheduleOutcome.Kept
                && await scheduler.GetTrigger(declared.Key, cancellationToken) is { } current && !SameSchedule(current, declared))
            {
                await ChangeScheduleAsync(scheduler, job, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Replaces a stored trigger whose schedule changed with one counting from its last firing, so the change neither
    /// repeats that firing nor forgets a run missed since. One node at a time (a lease), and with the trigger paused from
    /// before it is read until the replacement is stored: no node fires a paused trigger, so the last firing read is
    /// still the last one when the replacement is written.
    /// </summary>
    private async Task ChangeScheduleAsync(IScheduler scheduler, ScheduledJob job, CancellationToken ct)
    {
        var declared = TriggerFor(job);
        var key = declared.Key;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("scheduling");
        await using var lease = await scope.ServiceProvider.GetRequiredService<JobLeases>().TryAcquireAsync($"scheduling.{key.Name}", ChangeLease, ct);
        if (lease is null)
        {
            log.LogInformation("Scheduled job {Job}: another node is changing its schedule", key.Name);
            return;
        }

        // Another node may have made the same change since this one read the trigger.
        if (await scheduler.GetTrigger(key, ct) is { } changed && SameSchedule(changed, declared))
        {
            return;
        }

        for (var attempt = 0; attempt < 3 && await scheduler.GetTriggerState(key, ct) is not (TriggerState.Paused or TriggerState.None); attempt++)
        {
            await scheduler.PauseTrigger(key, ct);
        }

        var stored = await scheduler.GetTrigger(key, ct);
        if (stored is null)
        {
            await scheduler.ScheduleTrigger(declared, TriggerConflict.Keep, ct);
            return;
        }

        var replacement = (IMutableTrigger)declared;
        if (stored.PreviousFireTimeUtc is { } last)
        {
            replacement.StartTimeUtc = stored.StartTimeUtc;
            replacement.PreviousFireTimeUtc = last;
            replacement.NextFireTimeUtc = replacement.GetFireTimeAfter(last);
        }

        // Stored waiting (or blocked behind a run in progress): the replacement is not paused.
        await scheduler.RescheduleJob(key, replacement, ct);
        log.LogInformation("Scheduled job {Job}: schedule changed from {Old} to {New}", key.Name, stored.Description, declared.Description);
    }

    private ITrigger TriggerFor(ScheduledJob job)
    {
        var schedule = options.Value.Jobs.GetValueOrDefault(job.Name)?.Or(job.DefaultSchedule) ?? job.DefaultSchedule;
        var trigger = TriggerBuilder.Create()
            .ForJob(job.Name, SchedulingSetup.JobGroup)
            .WithIdentity(job.Name, SchedulingSetup.JobGroup)
            .WithDescription(schedule.ToString());
        if (schedule.Cron is { } cron)
        {
            trigger.WithCronSchedule(cron, c => c.InTimeZone(calendar.Zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed));
        }
        else
        {
            trigger.StartNow().WithSimpleSchedule(s => s.WithInterval(schedule.Every!.Value).RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount));
        }

        return trigger.Build();
    }

    private static bool SameSchedule(ITrigger stored, ITrigger declared) =>
        stored.MisfireInstructionCode == declared.MisfireInstructionCode && (stored, declared) switch
        {
            (ISimpleTrigger s, ISimpleTrigger d) => s.RepeatInterval == d.RepeatInterval && s.RepeatCount == d.RepeatCount,
            (ICronTrigger s, ICronTrigger d) => s.CronExpressionString == d.CronExpressionString && s.TimeZone.Id == d.TimeZone.Id,
            _ => false,
        };
}
