using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Scheduling;
using Quartz;

namespace Orderly.Server.Communication;

/// <summary>Reminds assignees of open tasks due within the lead time, once per task.</summary>
public sealed class TaskReminders(OrderlyDbContext db, Writes writes, Notifier notifier, IOptions<CommunicationOptions> options, TimeProvider time)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var horizon = now + options.Value.ReminderLead;
        return await writes.RunAsync(async token =>
        {
            var due = await db.Set<FollowUpTask>().Where(t => t.State == FollowUpState.Open && t.RemindedAt == null && t.DueAt <= horizon).Take(500).ToListAsync(token);
            foreach (var task in due)
            {
                task.MarkReminded(now);
                await notifier.NotifyAsync([task.AssigneeId], "TaskDue", task.Subject, task.DueAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), "/tasks", $"task-due:{task.Id}", token);
            }

            return due.Count;
        }, ct);
    }
}

[DisallowConcurrentExecution]
public sealed class TaskReminderJob(IServiceScopeFactory scopes) : IJob
{
    public const string Name = "task-reminders";

    public static readonly JobSchedule DefaultSchedule = JobSchedule.Interval(TimeSpan.FromMinutes(5));

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
        {
            await services.GetRequiredService<TaskReminders>().RunAsync(ct);
            return true;
        }, cancellationToken);
}
