using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Communication;

/// <summary>The WeCom access token, shared by the process and refreshed before it expires or when WeCom says it is stale.</summary>
public sealed class WeComTokenCache : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _token;
    private DateTimeOffset _until;

    public async Task<string> GetAsync(Func<CancellationToken, Task<(string Token, int ExpiresIn)>> fetch, TimeProvider time, bool refresh, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (refresh || _token is null || time.GetUtcNow() >= _until)
            {
                var (token, expiresIn) = await fetch(ct);
                _token = token;
                // Five minutes of margin, as WeCom advises against using a token to its last second.
                _until = time.GetUtcNow().AddSeconds(Math.Max(60, expiresIn - 300));
            }

            return _token;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}

/// <summary>
/// WeCom customer contact: <c>GET cgi-bin/gettoken?corpid=&amp;corpsecret=</c> for an access token (7,200 s), then
/// <c>POST cgi-bin/externalcontact/add_msg_template?access_token=</c> with <c>chat_type=single</c>, the contact's
/// <c>external_userid</c> and a <c>text</c>. WeCom answers HTTP 200 with <c>errcode</c>: 0 is accepted, 40014/42001
/// (invalid or expired token) fetch a new token and try once more; a contact in <c>fail_list</c> was not reached.
/// </summary>
public sealed class WeComCustomerClient(IHttpClientFactory clients, IOptions<CommunicationOptions> options, WeComTokenCache tokens, TimeProvider time)
{
    /// <summary>WeCom's limit on a text's content.</summary>
    public const int MaxContentBytes = 4000;

    public async Task<string> SendAsync(string externalUserId, string text, CancellationToken ct)
    {
        var wecom = options.Value.WeCom;
        if (!wecom.IsConfigured)
        {
            throw new InvalidOperationException("WeCom is not configured (Orderly:Communication:WeCom).");
        }

        var http = clients.CreateClient(nameof(WeComCustomerClient));
        var content = Truncate(text, MaxContentBytes);
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetAsync(c => FetchTokenAsync(http, wecom, c), time, refresh: attempt > 0, ct);
            var body = new Dictionary<string, object?>
            {
                ["chat_type"] = "single",
                ["external_userid"] = new[] { externalUserId },
                ["text"] = new { content },
            };
            if (wecom.Sender is { Length: > 0 } sender)
            {
                body["sender"] = sender;
            }

            using var response = await http.PostAsJsonAsync($"{wecom.Endpoint.TrimEnd('/')}/cgi-bin/externalcontact/add_msg_template?access_token={Uri.EscapeDataString(token)}", body, ct);
            using var json = await ReadAsync(response, ct);
            var code = json.RootElement.TryGetProperty("errcode", out var e) ? e.GetInt32() : -1;
            if (code is 40014 or 42001 && attempt == 0)
            {
                continue;
            }

            if (code != 0)
            {
                throw new HttpRequestException($"WeCom answered errcode {code} {Message(json)}");
            }

            if (json.RootElement.TryGetProperty("fail_list", out var failed) && failed.ValueKind == JsonValueKind.Array
                && failed.EnumerateArray().Any(f => f.GetString() == externalUserId))
            {
                throw new HttpRequestException("WeCom could not reach the contact (fail_list): not a customer of the sender?");
            }

            return json.RootElement.TryGetProperty("msgid", out var id) ? id.GetString() ?? "" : "";
        }
    }

    private static async Task<(string Token, int ExpiresIn)> FetchTokenAsync(HttpClient http, WeComCustomerOptions wecom, CancellationToken ct)
    {
        using var response = await http.GetAsync($"{wecom.Endpoint.TrimEnd('/')}/cgi-bin/gettoken?corpid={Uri.EscapeDataString(wecom.CorpId!)}&corpsecret={Uri.EscapeDataString(wecom.Secret!)}", ct);
        using var json = await ReadAsync(response, ct);
        if (!json.RootElement.TryGetProperty("errcode", out var e) || e.GetInt32() != 0 || !json.RootElement.TryGetProperty("access_token", out var token))
        {
            throw new HttpRequestException($"WeCom gettoken answered {Message(json)}");
        }

        return (token.GetString()!, json.RootElement.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 7200);
    }

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return response.IsSuccessStatusCode ? JsonDocument.Parse(text) : throw new HttpRequestException($"WeCom answered HTTP {(int)response.StatusCode}");
        }
        catch (JsonException)
        {
            throw new HttpRequestException($"WeCom answered HTTP {(int)response.StatusCode} that is not JSON");
        }
    }

    private static string Message(JsonDocument json) =>
        json.RootElement.TryGetProperty("errmsg", out var m) ? m.GetString() ?? "" : json.RootElement.GetRawText()[..Math.Min(200, json.RootElement.GetRawText().Length)];

    /// <summary>Cuts at a character boundary so the UTF-8 form fits.</summary>
    public static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var end = 0;
        var bytes = 0;
        while (end < text.Length)
        {
            var width = char.IsHighSurrogate(text[end]) && end + 1 < text.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(end, width));
            if (bytes + size > maxBytes - 3)
            {
                break;
            }

            bytes += size;
            end += width;
        }

        return text[..end] + "…";
    }
}
