using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Integration;

namespace Orderly.Server.Communication;

/// <summary>
/// Delivers one webhook message: the event as JSON, signed like the event sinks (<c>X-Orderly-Signature: sha256=&lt;hex HMAC
/// of "timestamp.body"&gt;</c>), redirects followed by hand (at most 3) and each checked by the SSRF guard.
/// </summary>
public sealed class WebhookSender(OrderlyDbContext db, IHttpClientFactory clients, WebhookGuard guard, IDataProtectionProvider protection, IOptions<CommunicationOptions> options, TimeProvider time)
{
    public const string ClientName = "communication-webhooks";
    public const string Purpose = "Orderly.Communication.WebhookSecret";

    public async Task SendAsync(OutgoingMessage m, CancellationToken ct)
    {
        var id = Guid.Parse(m.Target!);
        var subscription = await db.Set<WebhookSubscription>().AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct)
            ?? throw new InvalidOperationException($"Webhook {id} no longer exists.");
        var secret = protection.CreateProtector(Purpose).Unprotect(subscription.ProtectedSecret);
        var url = subscription.Url;
        for (var hop = 0; ; hop++)
        {
            if (await guard.RefusalAsync(url, ct) is { } refusal)
            {
                throw new HttpRequestException($"Webhook URL refused ({refusal}).");
            }

            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(m.Text, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
            request.Headers.Add("X-Orderly-Event-Id", m.EventId.ToString());
            request.Headers.Add("X-Orderly-Event-Type", m.EventType);
            request.Headers.Add("X-Orderly-Timestamp", timestamp);
            request.Headers.Add("X-Orderly-Signature", "sha256=" + HttpEventSink.Sign(secret, timestamp, m.Text));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.WebhookTimeout);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                if (hop >= 3)
                {
                    throw new HttpRequestException("Too many redirects.");
                }

                url = new Uri(new Uri(url), location).ToString();
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Webhook answered {(int)response.StatusCode}", null, response.StatusCode);
            }

            return;
        }
    }
}
