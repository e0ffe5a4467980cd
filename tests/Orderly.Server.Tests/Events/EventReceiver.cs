using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orderly.Server.Integration;

namespace Orderly.Server.Tests.Events;

/// <summary>
/// An outside system receiving Orderly's event sink: a real Kestrel server on loopback that checks the signature,
/// counts every delivery and applies each event id once (dropping repeats), answering slowly enough that a
/// server killed during delivery is killed mid-send.
/// </summary>
public sealed class EventReceiver : IAsyncDisposable
{
    public const string Secret = "receiver-secret-0123456789";

    private readonly WebApplication _app;

    private EventReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Deliveries per event id, repeats included.</summary>
    public ConcurrentDictionary<Guid, int> Deliveries { get; } = new();

    /// <summary>Events applied: each id once, by the receiver's own deduplication.</summary>
    public ConcurrentDictionary<Guid, string> Applied { get; } = new();

    private int _badSignatures;

    public int BadSignatures => _badSignatures;

    public static async Task<EventReceiver> StartAsync(TimeSpan delay)
    {
        var app = LocalServer.Create();
        var receiver = new EventReceiver(app);
        app.MapPost("/events", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var timestamp = request.Headers["X-Orderly-Timestamp"].ToString();
            if (request.Headers["X-Orderly-Signature"].ToString() != "sha256=" + HttpEventSink.Sign(Secret, timestamp, body))
            {
                Interlocked.Increment(ref receiver._badSignatures);
                return Results.Unauthorized();
            }

            var id = Guid.Parse(request.Headers["X-Orderly-Event-Id"].ToString());
            receiver.Deliveries.AddOrUpdate(id, 1, (_, n) => n + 1);
            await Task.Delay(delay);
            receiver.Applied.TryAdd(id, request.Headers["X-Orderly-Event-Type"].ToString());
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Url = app.Urls.Single() + "/events";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
