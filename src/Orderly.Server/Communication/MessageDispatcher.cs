using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>
/// Sends the queued messages that are due: claims a batch with a lease (a dispatcher that dies leaves its claims to expire
/// and be sent again, with the same Message-ID), sends per channel, then marks each sent, or retries it with exponential
/// backoff until it is given up. Robot messages respect the robot's per-minute limit: a backlog goes as one digest.
/// </summary>
public sealed class MessageDispatcher(
    IServiceScopeFactory scopes, IOptions<CommunicationOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<MessageDispatcher> log)
    : BackgroundService
{
    private readonly string _node = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatcherEnabled)
        {
            return;
        }

        try
        {
            await lifetime.WhenStartedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) == 0)
                {
                    await Task.Delay(options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "The message dispatcher's pass failed; it tries again.");
                await Task.Delay(options.Value.PollInterval * 5, stoppingToken);
            }
        }
    }

    /// <summary>One pass: returns how many messages it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<Caller>().ActAsSystem("communication:dispatcher");
        var db = services.GetRequiredService<OrderlyDbContext>();
        var writes = services.GetRequiredService<Writes>();
        var set = db.Set<OutgoingMessage>();
        var now = time.GetUtcNow();
        var ids = await set.AsNoTracking()
            .Where(m => m.State == MessageState.Pending && m.NotBefore <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NotBefore).Select(m => m.Id).Take(100).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        var pass = $"{_node}:{Guid.NewGuid():N}";
        var leaseUntil = now + options.Value.LeaseFor;
        await writes.RunAsync(token => set
            .Where(m => ids.Contains(m.Id) && m.State == MessageState.Pending && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, leaseUntil).SetProperty(m => m.LockedBy, pass).SetProperty(m => m.Attempts, m => m.Attempts + 1), token), ct);
        var claimed = await set.AsNoTracking().Where(m => m.LockedBy == pass).ToListAsync(ct);
        var outcome = new Outcome(writes, set, pass, options.Value, time);

        foreach (var email in claimed.Where(m => m.Channel == MessageChannel.Email).Chunk(50))
        {
            var done = new HashSet<Guid>();
            try
            {
                await services.GetRequiredService<EmailSender>().SendAsync(email, async (m, error) =>
                {
                    done.Add(m.Id);
                    await outcome.RecordAsync(m, error, ct);
                }, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                foreach (var m in email.Where(m => !done.Contains(m.Id)))
                {
                    await outcome.RecordAsync(m, e, ct);
                }
            }
        }

        foreach (var sms in claimed.Where(m => m.Channel == MessageChannel.Sms))
        {
            await outcome.TryAsync(sms, () =>
            {
                var templates = options.Value.Sms.Templates;
                var code = templates.GetValueOrDefault($"{sms.EventType}:{sms.Language}") ?? templates.GetValueOrDefault(sms.EventType)
                    ?? throw new InvalidOperationException($"No SMS template for {sms.EventType}.");
                return services.GetRequiredService<AliyunSmsClient>().SendAsync(sms.Recipient, code, sms.Text, sms.MessageId, ct);
            }, ct);
        }

        foreach (var chat in claimed.Where(m => m.Channel == MessageChannel.WeCom))
        {
            await outcome.TryAsync(chat, () => services.GetRequiredService<WeComCustomerClient>().SendAsync(chat.Recipient, chat.Text, ct), ct);
        }

        foreach (var robot in claimed.Where(m => m.Channel == MessageChannel.Robot).GroupBy(m => m.Recipient))
        {
            await SendRobotAsync(services, db, outcome, robot.Key, [.. robot.OrderBy(m => m.CreatedAt)], now, ct);
        }

        foreach (var hook in claimed.Where(m => m.Channel == MessageChannel.Webhook))
        {
            await outcome.TryAsync(hook, () => services.GetRequiredService<WebhookSender>().SendAsync(hook, ct), ct);
        }

        return claimed.Count;
    }

    private async Task SendRobotAsync(IServiceProvider services, OrderlyDbContext db, Outcome outcome, string robot, List<OutgoingMessage> messages, DateTimeOffset now, CancellationToken ct)
    {
        var limit = options.Value.Robots.FirstOrDefault(r => r.Name == robot)?.PerMinute ?? 20;
        var since = now.AddMinutes(-1);
        // A digest marks all its messages with one SentAt: distinct SentAt values are the robot's sends.
        var sentLastMinute = await db.Set<OutgoingMessage>().AsNoTracking()
            .Where(m => m.Channel == MessageChannel.Robot && m.Recipient == robot && m.SentAt > since).Select(m => m.SentAt).Distinct().CountAsync(ct);
        if (sentLastMinute >= limit)
        {
            foreach (var m in messages)
            {
                await outcome.PostponeAsync(m, TimeSpan.FromSeconds(5), ct);
            }

            return;
        }

        var text = messages.Count == 1
            ? messages[0].Text
            : string.Join("\n\n", [messages[0].Language == "en" ? $"{messages.Count} notices:" : $"{messages.Count} 条通知：", .. messages.Select(m => m.Text)]);
        Exception? error = null;
        try
        {
            await services.GetRequiredService<RobotClient>().SendAsync(robot, text, ct);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or System.Text.Json.JsonException)
        {
            error = e;
        }

        var at = time.GetUtcNow();
        foreach (var m in messages)
        {
            await outcome.RecordAsync(m, error, ct, at);
        }
    }

    private sealed class Outcome(Writes writes, DbSet<OutgoingMessage> set, string pass, CommunicationOptions options, TimeProvider time)
    {
        public async Task TryAsync(OutgoingMessage m, Func<Task> send, CancellationToken ct)
        {
            Exception? error = null;
            try
            {
                await send();
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or System.Text.Json.JsonException or FormatException)
            {
                error = e;
            }

            await RecordAsync(m, error, ct);
        }

        public Task<int> RecordAsync(OutgoingMessage m, Exception? error, CancellationToken ct, DateTimeOffset? at = null)
        {
            var now = at ?? time.GetUtcNow();
            if (error is null)
            {
                return writes.RunAsync(token => set.Where(x => x.Id == m.Id && x.LockedBy == pass).ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.State, MessageState.Sent).SetProperty(x => x.SentAt, now).SetProperty(x => x.LockedUntil, (DateTimeOffset?)null)
                    .SetProperty(x => x.LockedBy, (string?)null).SetProperty(x => x.LastError, (string?)null), token), ct);
            }

            var retry = TimeSpan.FromTicks(Math.Min(options.MaxRetryAfter.Ticks, options.FirstRetryAfter.Ticks * (1L << Math.Min(20, Math.Max(0, m.Attempts - 1)))));
            var state = m.Attempts >= options.MaxAttempts ? MessageState.Dead : MessageState.Pending;
            var text = error.Message.Length > 1000 ? error.Message[..1000] : error.Message;
            return writes.RunAsync(token => set.Where(x => x.Id == m.Id && x.LockedBy == pass).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.State, state).SetProperty(x => x.NotBefore, now + retry).SetProperty(x => x.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(x => x.LockedBy, (string?)null).SetProperty(x => x.LastError, text), token), ct);
        }

        /// <summary>Not tried (the robot's minute is full): back in the queue without counting an attempt.</summary>
        public Task<int> PostponeAsync(OutgoingMessage m, TimeSpan after, CancellationToken ct)
        {
            var at = time.GetUtcNow() + after;
            return writes.RunAsync(token => set.Where(x => x.Id == m.Id && x.LockedBy == pass).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.NotBefore, at).SetProperty(x => x.LockedUntil, (DateTimeOffset?)null).SetProperty(x => x.LockedBy, (string?)null)
                .SetProperty(x => x.Attempts, x => x.Attempts - 1), token), ct);
        }
    }
}
