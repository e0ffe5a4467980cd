using Quartz;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>Refreshes SQLite's planner statistics shortly after start and then every six hours (SQLite only).</summary>
[DisallowConcurrentExecution]
public sealed class SqliteStatisticsJob(IServiceScopeFactory scopes) : IJob
{
    public const string Name = "sqlite-statistics";

    public static readonly JobSchedule DefaultSchedule = JobSchedule.Interval(TimeSpan.FromHours(6));

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
        {
            await services.GetRequiredService<SqliteStatistics>().RefreshAsync(ct);
            return true;
        }, cancellationToken);
}
