using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Tests.Events;

/// <summary>The server with test subscribers on the event backbone and short retry delays.</summary>
public abstract class EventsApp(TestDatabase database) : OrderlyApp(database)
{
    public EventRecorder Recorder { get; } = new();

    public OutboxStatements Statements { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orderly:Events:MaxAttempts", "3");
        builder.UseSetting("Orderly:Events:FirstRetryAfter", "00:00:00.020");
        builder.UseSetting("Orderly:Events:MaxRetryAfter", "00:00:00.100");
        builder.UseSetting("Orderly:Events:PollInterval", "00:00:00.050");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Recorder);
            services.AddSingleton<IInterceptor>(Statements);
            services.AddScoped<IEventSubscriber, RecordingSubscriber>();
            services.AddScoped<IEventSubscriber, FlakySubscriber>();
            services.AddScoped<IEventSubscriber, FlakyDatabaseSubscriber>();
        });
    }
}

public sealed class EventsSqliteApp() : EventsApp(TestDatabase.For("sqlite"));

public sealed class EventsPostgresApp() : EventsApp(TestDatabase.For("postgres"));

/// <summary>What the test subscribers saw: every call, and for the flaky one how many failures are still to come.</summary>
public sealed class EventRecorder
{
    public ConcurrentQueue<(string Subscriber, Guid EventId, string Type, int Attempt)> Calls { get; } = new();

    /// <summary>Event types the flaky subscriber fails on, with how many more times it fails each.</summary>
    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new();

    /// <summary>Event types the database-only flaky subscriber fails on (after writing), with how many more times.</summary>
    public ConcurrentDictionary<string, int> DatabaseFailuresLeft { get; } = new();

    /// <summary>Events whose database work the database-only flaky subscriber finished (its transaction may still roll back).</summary>
    public ConcurrentQueue<Guid> DatabaseWorkFinished { get; } = new();

    public int CallsOf(string subscriber, Guid eventId) => Calls.Count(c => c.Subscriber == subscriber && c.EventId == eventId);
}

public sealed class RecordingSubscriber(EventRecorder recorder) : IEventSubscriber
{
    public string Name => "test:recorder";

    public bool Wants(EventEnvelope e) => true;

    public Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        recorder.Calls.Enqueue((Name, e.Id, e.Type, e.Attempt));
        return Task.CompletedTask;
    }
}

/// <summary>Fails on the types the test names, as many times as it says (its counter goes below zero), then succeeds.</summary>
public sealed class FlakySubscriber(EventRecorder recorder) : IEventSubscriber
{
    public string Name => "test:flaky";

    public bool Wants(EventEnvelope e) => recorder.FailuresLeft.ContainsKey(e.Type);

    public Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        recorder.Calls.Enqueue((Name, e.Id, e.Type, e.Attempt));
        if (recorder.FailuresLeft.AddOrUpdate(e.Type, -1, (_, left) => left - 1) >= 0)
        {
            throw new InvalidOperationException($"flaky subscriber fails on {e.Type}");
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// A database-only subscriber (run in the dispatcher's shared transaction): through the inbox it writes a side row
/// (another inbox row, <c>test:tx-side</c>), then fails on the types the test names as many times as it says. A
/// failure must take back its own writes (the inbox row and the side row) and nothing else of the shared transaction.
/// </summary>
public sealed class FlakyDatabaseSubscriber(EventRecorder recorder, EventInbox inbox, Orderly.Server.Data.OrderlyDbContext db) : ITransactionalSubscriber
{
    public string Name => "test:tx-flaky";

    public bool Wants(EventEnvelope e) => recorder.DatabaseFailuresLeft.ContainsKey(e.Type);

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        recorder.Calls.Enqueue((Name, e.Id, e.Type, e.Attempt));
        await inbox.ApplyOnceAsync(Name, e.Id, async token =>
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database,
                "INSERT INTO outbox_inbox (handler, event_id, handled_at) VALUES ({0}, {1}, {2})", ["test:tx-side", e.Id, DateTime.UtcNow], token);
            if (recorder.DatabaseFailuresLeft.AddOrUpdate(e.Type, -1, (_, left) => left - 1) >= 0)
            {
                throw new InvalidOperationException($"flaky database subscriber fails on {e.Type}");
            }

            recorder.DatabaseWorkFinished.Enqueue(e.Id);
        }, ct);
    }
}

/// <summary>Counts the statements that insert into the outbox, per command.</summary>
public sealed class OutboxStatements : DbCommandInterceptor
{
    private int _inserts;

    public int Inserts => _inserts;

    public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.StartsWith("INSERT INTO outbox ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _inserts);
        }

        return ValueTask.FromResult(result);
    }
}
