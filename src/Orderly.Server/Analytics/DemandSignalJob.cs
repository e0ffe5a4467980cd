using Orderly.Server.Infrastructure.Scheduling;
using Quartz;

namespace Orderly.Server.Analytics;

/// <summary>
/// After each business week closes (Monday 01:30 company time unless <c>Orderly:Scheduling:Jobs:demand-signals</c> says
/// otherwise), checks the closed week (and the <see cref="ForecastOptions.SignalCatchUpWeeks"/> before it, in case a
/// run was missed) for demand spikes and drops. Rerunning records nothing twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DemandSignalJob(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<ForecastOptions> options) : IJob
{
    public const string Name = "demand-signals";

    public static readonly JobSchedule DefaultSchedule = JobSchedule.AtCron("0 30 1 ? * MON");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await RunAsync(cancellationToken);

    public Task<bool> RunAsync(CancellationToken ct) => JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
    {
        var signals = services.GetRequiredService<DemandSignalService>();
        var last = signals.LastClosedWeek();
        for (var back = options.Value.SignalCatchUpWeeks; back >= 0; back--)
        {
            await signals.DetectAsync(last.AddDays(-7 * back), ct);
        }

        return true;
    }, ct);
}
