using Microsoft.Extensions.Options;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>
/// Every node checks now and then whether a recomputation is due (the last completed one is older than
/// <see cref="ReplenishmentOptions.RecomputeEvery"/>); the database lease lets one node run it, then that node
/// evaluates the stock alerts on the fresh numbers.
/// </summary>
public sealed class ReplenishmentJob(IServiceScopeFactory scopes, IOptions<ReplenishmentOptions> options, TimeProvider time, ILogger<ReplenishmentJob> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.ScheduleEnabled)
        {
            return;
        }

        var checkEvery = settings.CheckEvery < settings.RecomputeEvery ? settings.CheckEvery : settings.RecomputeEvery;
        try
        {
            await Task.Delay(settings.FirstCheckAfter, time, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunIfDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "The scheduled recomputation of stock policies failed; it is tried again at the next check");
                }

                await Task.Delay(checkEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Runs the recomputation and the alert evaluation when due and no other node is at it; true when it ran.</summary>
    public async Task<bool> RunIfDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var leases = scope.ServiceProvider.GetRequiredService<JobLeases>();
        if (!IsDue(await leases.FindAsync(ReplenishmentService.LeaseName, ct)))
        {
            return false;
        }

        await using var lease = await leases.TryAcquireAsync(ReplenishmentService.LeaseName, options.Value.LeaseFor, ct);
        // Another node may have completed a run between the check and taking the lease.
        if (lease is null || !IsDue(await leases.FindAsync(ReplenishmentService.LeaseName, ct)))
        {
            return false;
        }

        var computed = await scope.ServiceProvider.GetRequiredService<ReplenishmentService>().ComputeAsync(only: null, ct);
        lease.Complete();
        log.LogInformation("Recomputed {Count} stock policies", computed.Computed);
        var evaluated = await scope.ServiceProvider.GetRequiredService<StockAlertsService>().TryEvaluateAsync(ct);
        if (evaluated is null)
        {
            log.LogInformation("Stock alerts were being evaluated elsewhere; this run leaves them to it");
        }
        else
        {
            log.LogInformation("Stock alerts: {Raised} raised, {Cleared} cleared, {Open} open", evaluated.Raised, evaluated.Cleared, evaluated.Open);
        }

        return true;
    }

    private bool IsDue(JobLease? lease) =>
        lease?.LastCompletedAt is not { } last || time.GetUtcNow() - last >= options.Value.RecomputeEvery;
}
