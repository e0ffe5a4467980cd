using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Data;
using Quartz;

namespace Orderly.Server.Tests.Scheduling;

/// <summary>A scheduled job that writes one <c>probe_runs</c> row per run: which scheduled firing, on which node.</summary>
[DisallowConcurrentExecution]
public sealed class ProbeJob(IServiceScopeFactory scopes, IConfiguration configuration) : IJob
{
    public const string Name = "probe";

    public const string CreateTable = "CREATE TABLE IF NOT EXISTS probe_runs (scheduled_ticks bigint NOT NULL, node text NOT NULL)";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        var scheduled = (context.ScheduledFireTimeUtc ?? context.FireTimeUtc).UtcTicks;
        var node = configuration["Test:Node"] ?? "?";
        await db.Database.ExecuteSqlAsync($"INSERT INTO probe_runs (scheduled_ticks, node) VALUES ({scheduled}, {node})", cancellationToken);
        // A run that takes a while, so a second node has every chance to start the same firing if it could.
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
    }
}
