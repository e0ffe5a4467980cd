using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Integration;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Scheduling;
using Quartz;
using Orderly.Domain.Common;

namespace Orderly.Server.Integration;

/// <param name="LastError">Why the last renewal failed (null after a success); the job tries again at its next firing.</param>
public sealed record ZohoChannelDto(string ChannelId, string NotifyUrl, IReadOnlyList<string> Events, DateTimeOffset Expiry, DateTimeOffset RenewedAt, string? LastError);

/// <summary>
/// Orderly's Zoho CRM notification channel (integrations.md A1): registered with <c>actions/watch</c> and kept alive.
/// Zoho drops a channel at its <c>channel_expiry</c>, at most a week ahead, so the job <c>connector-channels</c> moves
/// the expiry (PATCH) once it is within <c>Orderly:Connectors:ChannelRenewBefore</c> (a day), and subscribes the
/// channel again (POST, the same id, token, events and URL) when it has lapsed or Zoho refuses the renewal. Each
/// outcome is in the sync log (object <c>channel</c>); a failure leaves the channel for the next firing.
/// </summary>
public sealed class ZohoChannels(
    OrderlyDbContext db, Writes writes, ConnectorService connectors, IOptions<ConnectorRetryOptions> options, TimeProvider time, ILogger<ZohoChannels> log)
{
    public const string Channel = "channel";

    /// <summary>How far ahead a channel is set to expire: Zoho's week, less a margin for the clocks.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5);

    public async Task<ZohoWatchResult> RegisterAsync(string notifyUrl, IReadOnlyList<string> events, CancellationToken ct)
    {
        var config = await connectors.PushConfigAsync(ConnectorKinds.ZohoCrm, ct)
            ?? throw new ConflictException("ConnectorNotConfigured", "Configure the zoho-crm connector first (PUT /api/connectors/zoho-crm).");
        var token = config.Secrets.GetValueOrDefault("notificationToken");
        if (string.IsNullOrEmpty(token))
        {
            token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
            await connectors.SaveAsync(ConnectorKinds.ZohoCrm, new ConnectorRequest(config.Enabled, null, new Dictionary<string, string> { ["notificationToken"] = token }), ct);
        }

        var client = (ZohoCrmClient)await connectors.ClientAsync(ConnectorKinds.ZohoCrm, ct);
        var now = time.GetUtcNow();
        var expiry = now + Lifetime;
        var channelId = await client.WatchAsync(notifyUrl, token, events, expiry, ct);
        await writes.RunAsync(async t =>
        {
            var channel = await db.Set<ConnectorChannel>().FirstOrDefaultAsync(c => c.Connector == ConnectorKinds.ZohoCrm, t);
            if (channel is null)
            {
                db.Set<ConnectorChannel>().Add(new ConnectorChannel(ConnectorKinds.ZohoCrm, channelId, notifyUrl, events, expiry, now));
            }
            else
            {
                channel.Registered(notifyUrl, events, expiry, now);
            }
        }, ct);
        db.ChangeTracker.Clear();
        return new ZohoWatchResult(channelId, events, expiry);
    }

    public async Task<ZohoChannelDto?> GetAsync(CancellationToken ct) =>
        await db.Set<ConnectorChannel>().AsNoTracking().Where(c => c.Connector == ConnectorKinds.ZohoCrm)
            .Select(c => new ZohoChannelDto(c.ChannelId, c.NotifyUrl, c.Events.Split(',', StringSplitOptions.RemoveEmptyEntries), c.Expiry, c.RenewedAt, c.LastError))
            .FirstOrDefaultAsync(ct);

    /// <summary>Renews or re-subscribes the channel when it is due; returns what was done.</summary>
    public async Task<ChannelAction> RenewDueAsync(CancellationToken ct)
    {
        var channel = await db.Set<ConnectorChannel>().AsNoTracking().FirstOrDefaultAsync(c => c.Connector == ConnectorKinds.ZohoCrm, ct);
        var now = time.GetUtcNow();
        var due = channel?.Due(now, options.Value.ChannelRenewBefore) ?? ChannelAction.None;
        if (channel is null || due == ChannelAction.None || await connectors.EnabledClientAsync(ConnectorKinds.ZohoCrm, ct) is not ZohoCrmClient client)
        {
            return ChannelAction.None;
        }

        var expiry = now + Lifetime;
        var action = due;
        string message;
        try
        {
            if (action == ChannelAction.Renew && !await client.RenewAsync(channel.EventList, expiry, ct))
            {
                // Zoho no longer knows the channel (it lapsed on its side, or was deleted): subscribe it again.
                action = ChannelAction.Resubscribe;
            }

            if (action == ChannelAction.Resubscribe)
            {
                var config = await connectors.PushConfigAsync(ConnectorKinds.ZohoCrm, ct);
                var token = config?.Secrets.GetValueOrDefault("notificationToken")
                    ?? throw new ConnectorException("NotConfigured", "The zoho-crm notificationToken secret is gone: register the channel again (POST /api/connectors/zoho-crm/watch).", permanent: true);
                await client.WatchAsync(channel.NotifyUrl, token, channel.EventList, expiry, ct);
            }

            message = (action == ChannelAction.Renew ? "Renewed" : "Subscribed again") + " until " + expiry.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + ".";
        }
        catch (Exception e) when (e is ConnectorException or HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            log.LogWarning("Renewing the Zoho notification channel failed: {Reason}", e.Message);
            await writes.RunAsync(async t =>
            {
                var tracked = await db.Set<ConnectorChannel>().FirstAsync(c => c.Connector == ConnectorKinds.ZohoCrm, t);
                tracked.Failed(e.Message);
                db.Set<SyncLogEntry>().Add(new SyncLogEntry(ConnectorKinds.ZohoCrm, Ids.New(now), "watch", Channel, channel.ChannelId, null, SyncOutcome.Failed, e.Message, now));
            }, ct);
            db.ChangeTracker.Clear();
            return ChannelAction.None;
        }

        await writes.RunAsync(async t =>
        {
            var tracked = await db.Set<ConnectorChannel>().FirstAsync(c => c.Connector == ConnectorKinds.ZohoCrm, t);
            tracked.Renewed(expiry, now);
            db.Set<SyncLogEntry>().Add(new SyncLogEntry(ConnectorKinds.ZohoCrm, Ids.New(now), "watch", Channel, channel.ChannelId, null,
                action == ChannelAction.Renew ? SyncOutcome.Updated : SyncOutcome.Created, message, now));
        }, ct);
        db.ChangeTracker.Clear();
        return action;
    }
}

/// <summary>Keeps the vendors' notification channels alive (<see cref="ZohoChannels"/>): hourly by default.</summary>
[DisallowConcurrentExecution]
public sealed class ConnectorChannelJob(IServiceScopeFactory scopes) : IJob
{
    public const string Name = "connector-channels";

    public static readonly JobSchedule DefaultSchedule = JobSchedule.Interval(TimeSpan.FromHours(1));

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
        {
            await services.GetRequiredService<ZohoChannels>().RenewDueAsync(ct);
            return true;
        }, cancellationToken);
}
