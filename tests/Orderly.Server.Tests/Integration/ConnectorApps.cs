using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Integration;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The server with short connector timeouts and backoff, and an outbox that retries quickly and dead-letters after
/// three attempts, so a test can live through many faults in seconds. Quartz is off: the tests run the connector jobs
/// themselves, so no background firing races them for a fake's queued faults.
/// </summary>
public abstract class ConnectorApp(TestDatabase database) : OrderlyApp(database)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orderly:Connectors:Timeout", "00:00:01");
        builder.UseSetting("Orderly:Connectors:BaseDelay", "00:00:00.010");
        builder.UseSetting("Orderly:Connectors:MaxAttempts", "6");
        builder.UseSetting("Orderly:Events:MaxAttempts", "3");
        builder.UseSetting("Orderly:Events:FirstRetryAfter", "00:00:00.020");
        builder.UseSetting("Orderly:Events:MaxRetryAfter", "00:00:00.100");
        builder.UseSetting("Orderly:Events:PollInterval", "00:00:00.050");
        builder.UseSetting("Orderly:Scheduling:Enabled", "false");
    }

    /// <summary>An incremental sync (what the schedule and the vendors' pushes run), as the system, outside any request.</summary>
    public async Task<Orderly.Server.Integration.SyncResult> IncrementalSyncAsync(string kind)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Orderly.Server.Identity.Caller>().ActAsSystem("test:incremental-sync");
        return await scope.ServiceProvider.GetRequiredService<Orderly.Server.Integration.ConnectorService>().SyncAsync(kind, CancellationToken.None, incremental: true);
    }

    public Task<SyncCursor?> CursorAsync(string connector, string objectType) =>
        WithDbAsync(db => db.Set<SyncCursor>().AsNoTracking().FirstOrDefaultAsync(c => c.Connector == connector && c.ObjectType == objectType));

    /// <summary>Waits until the condition holds (the outbox delivers in the background), failing after 30 s.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Still not true after 30 s: {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The outbox state of the order's event of that type (null while not written).</summary>
    public Task<OutboxState?> EventStateAsync(Guid orderId, string type) =>
        WithDbAsync(db => db.Outbox.Where(m => m.AggregateId == orderId.ToString() && m.Type == type).Select(m => (OutboxState?)m.State).FirstOrDefaultAsync());

    public Task<List<SyncLogEntry>> LogAsync(string connector, string direction) =>
        WithDbAsync(db => db.Set<SyncLogEntry>().AsNoTracking().Where(e => e.Connector == connector && e.Direction == direction).OrderBy(e => e.Id).ToListAsync());
}

public sealed class ConnectorSqliteApp() : ConnectorApp(TestDatabase.For("sqlite"));

public sealed class ConnectorPostgresApp() : ConnectorApp(TestDatabase.For("postgres"));
