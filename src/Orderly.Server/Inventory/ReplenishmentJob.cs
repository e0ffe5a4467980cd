using Orderly.Server.Infrastructure.Scheduling;
using Quartz;

namespace Orderly.Server.Inventory;

/// <summary>
/// Recomputes safety stock and reorder points, then evaluates the stock alerts on the fresh numbers. Quartz fires it on
/// one node per trigger (daily at 02:30 company time unless <c>Orderly:Scheduling:Jobs:replenishment</c> says
/// otherwise); the database lease still keeps it from overlapping a recomputation someone started through the API.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ReplenishmentJob(IServiceScopeFactory scopes, ILogger<ReplenishmentJob> log) : IJob
{
    public const string Name = "replenishment";

    public static readonly JobSchedule DefaultSchedule = JobSchedule.AtCron("0 30 2 * * ?");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await RunAsync(cancellationToken);

    /// <summary>Runs the recomputation and the alert evaluation unless another run holds the lease; true when it ran.</summary>
    public Task<bool> RunAsync(CancellationToken ct) => JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
    {
        var computed = await services.GetRequiredService<ReplenishmentService>().TryRecomputeAsync(only: null, ct);
        if (computed is null)
        {
            log.LogInformation("Stock policies were being recomputed elsewhere; this run leaves it to that one");
            return false;
        }

        log.LogInformation("Recomputed {Count} stock policies", computed.Computed);
        var evaluated = await services.GetRequiredService<StockAlertsService>().TryEvaluateAsync(ct);
        if (evaluated is null)
        {
            log.LogInformation("Stock alerts were being evaluated elsewhere; this run leaves them to it");
        }
        else
        {
            log.LogInformation("Stock alerts: {Raised} raised, {Cleared} cleared, {Open} open", evaluated.Raised, evaluated.Cleared, evaluated.Open);
        }

        return true;
    }, ct);
}
