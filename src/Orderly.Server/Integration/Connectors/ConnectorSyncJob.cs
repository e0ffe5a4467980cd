using Orderly.Server.Infrastructure.Scheduling;
using Quartz;

namespace Orderly.Server.Integration;

/// <summary>
/// The connectors' inbound poll: every minute it runs an incremental sync (only what changed since each object's
/// cursor) of every enabled connector whose own schedule (<c>syncEveryMinutes</c>) is due.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ConnectorSyncJob(IServiceScopeFactory scopes, ILogger<ConnectorSyncJob> log) : IJob
{
    public const string Name = "connector-sync";

    public static readonly JobSchedule DefaultSchedule = JobSchedule.Interval(TimeSpan.FromMinutes(1));

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
        {
            await RunAsync(services, ct);
            return true;
        }, cancellationToken);

    /// <summary>One poll, in the caller's scope (tests run it directly).</summary>
    public Task<int> RunAsync(IServiceProvider services, CancellationToken ct) => services.GetRequiredService<ConnectorService>().RunDueAsync(log, ct);
}
