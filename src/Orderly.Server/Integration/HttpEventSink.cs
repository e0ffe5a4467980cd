using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Integration;

/// <summary>
/// Sends events to one configured outside system: a JSON POST carrying <c>X-Orderly-Event-Id</c> (the receiver
/// drops repeats by it: delivery is at least once), <c>X-Orderly-Timestamp</c> (Unix seconds) and
/// <c>X-Orderly-Signature: sha256=&lt;hex HMAC-SHA256 of "timestamp.body"&gt;</c>. Any answer but 2xx is retried.
/// </summary>
public sealed class HttpEventSink(EventSink sink, IHttpClientFactory clients, TimeProvider time) : IEventSubscriber
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => $"sink:{sink.Name}";

    public bool Wants(EventEnvelope e) => sink.Types.Count == 0 || sink.Types.Contains(e.Type, StringComparer.Ordinal);

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            id = e.Id,
            type = e.Type,
            occurredAt = e.OccurredAt,
            aggregateType = e.AggregateType,
            aggregateId = e.AggregateId,
            version = e.PayloadVersion,
            data = JsonDocument.Parse(e.Payload).RootElement,
        }, Json);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, sink.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("X-Orderly-Event-Id", e.Id.ToString());
        request.Headers.Add("X-Orderly-Event-Type", e.Type);
        request.Headers.Add("X-Orderly-Timestamp", timestamp);
        request.Headers.Add("X-Orderly-Signature", "sha256=" + Sign(sink.Secret, timestamp, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(sink.Timeout);
        using var response = await clients.CreateClient(nameof(HttpEventSink)).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{sink.Url} answered {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
