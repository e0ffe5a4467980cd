using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Orderly.Server.Integration;

/// <summary>A connector call that failed for good (bad credentials, a refused request, retries used up).</summary>
public sealed class ConnectorException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>Zoho CRM settings of one tenant: its data centre (the API and accounts servers follow) and what to sync.</summary>
public sealed record ZohoSettings(
    string DataCentre = "CN", string? ClientId = null, string? ApiUrl = null, string? AccountsUrl = null, int PerPage = 200,
    bool ProductsIn = true, bool AccountsIn = true, IReadOnlyList<string>? OrderlyOwns = null)
{
    private static readonly Dictionary<string, (string Api, string Accounts)> Centres = new(StringComparer.OrdinalIgnoreCase)
    {
        ["US"] = ("https://www.zohoapis.com", "https://accounts.zoho.com"),
        ["EU"] = ("https://www.zohoapis.eu", "https://accounts.zoho.eu"),
        ["IN"] = ("https://www.zohoapis.in", "https://accounts.zoho.in"),
        ["AU"] = ("https://www.zohoapis.com.au", "https://accounts.zoho.com.au"),
        ["JP"] = ("https://www.zohoapis.jp", "https://accounts.zoho.jp"),
        ["CA"] = ("https://www.zohoapis.ca", "https://accounts.zohocloud.ca"),
        ["SA"] = ("https://www.zohoapis.sa", "https://accounts.zoho.sa"),
        ["CN"] = ("https://www.zohoapis.com.cn", "https://accounts.zoho.com.cn"),
    };

    [System.Text.Json.Serialization.JsonIgnore]
    public static IReadOnlyCollection<string> DataCentres => Centres.Keys;

    [System.Text.Json.Serialization.JsonIgnore]
    public string Api => (ApiUrl ?? (Centres.TryGetValue(DataCentre, out var c) ? c.Api : throw new ConnectorException("UnknownDataCentre", $"Unknown Zoho data centre '{DataCentre}'."))).TrimEnd('/');

    [System.Text.Json.Serialization.JsonIgnore]
    public string Accounts => (AccountsUrl ?? (Centres.TryGetValue(DataCentre, out var c) ? c.Accounts : throw new ConnectorException("UnknownDataCentre", $"Unknown Zoho data centre '{DataCentre}'."))).TrimEnd('/');

    /// <summary>Fields whose source of truth is Orderly (e.g. <c>products.listPrice</c>): an inbound sync never overwrites them.</summary>
    public bool OrderlyOwnsField(string field) => OrderlyOwns?.Contains(field, StringComparer.OrdinalIgnoreCase) == true;
}

public sealed record ZohoSecrets(string? ClientSecret = null, string? RefreshToken = null);

/// <summary>
/// Access tokens per (accounts server, client, refresh token), shared by the node: Zoho allows 10 tokens per refresh
/// token per 10 minutes, so a token is reused until 3 minutes before it expires and concurrent callers wait for one
/// refresh (single flight) instead of each asking for their own.
/// </summary>
public sealed class ConnectorTokenCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RefreshAt)> _tokens = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    public async Task<string> GetAsync(string key, Func<CancellationToken, Task<(string Token, TimeSpan Lifetime)>> refresh, string? rejected, CancellationToken ct)
    {
        if (_tokens.TryGetValue(key, out var cached) && cached.Token != rejected && time.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Token;
        }

        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            // Someone else may have refreshed while we waited.
            if (_tokens.TryGetValue(key, out cached) && cached.Token != rejected && time.GetUtcNow() < cached.RefreshAt)
            {
                return cached.Token;
            }

            var (token, lifetime) = await refresh(ct);
            _tokens[key] = (token, time.GetUtcNow() + lifetime - TimeSpan.FromSeconds(Math.Min(180, lifetime.TotalSeconds / 2)));
            return token;
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>
/// Zoho CRM v8 over HTTP, as integrations.md A1 describes it: OAuth refresh at the tenant's accounts server,
/// <c>Authorization: Zoho-oauthtoken</c>, <c>page</c> then <c>page_token</c> paging, 204 for no rows, 207 per-record
/// results. Rate limits (429) and server errors (5xx, timeouts) are retried with exponential backoff; an expired
/// token (401) is refreshed once and the call repeated.
/// </summary>
public sealed class ZohoCrmClient(HttpClient http, ConnectorTokenCache tokens, ZohoSettings settings, ZohoSecrets secrets, ConnectorRetry retry)
{
    private string? _token;

    public async Task<string> TokenAsync(string? rejected, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(settings.ClientId) || string.IsNullOrEmpty(secrets.ClientSecret) || string.IsNullOrEmpty(secrets.RefreshToken))
        {
            throw new ConnectorException("NotConfigured", "Set the Zoho client id, client secret and refresh token.");
        }

        var key = $"zoho|{settings.Accounts}|{settings.ClientId}|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secrets.RefreshToken)))}";
        return _token = await tokens.GetAsync(key, RefreshAsync, rejected, ct);
    }

    private async Task<(string, TimeSpan)> RefreshAsync(CancellationToken ct)
    {
        var url = $"{settings.Accounts}/oauth/v2/token?client_id={Uri.EscapeDataString(settings.ClientId!)}&client_secret={Uri.EscapeDataString(secrets.ClientSecret!)}" +
                  $"&grant_type=refresh_token&refresh_token={Uri.EscapeDataString(secrets.RefreshToken!)}";
        using var response = await retry.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, url), ct);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        // Zoho answers token errors with HTTP 200 and {"error": "..."}.
        if (body.RootElement.TryGetProperty("error", out var error) || !body.RootElement.TryGetProperty("access_token", out var token))
        {
            throw new ConnectorException("ZohoAuthFailed", $"Zoho refused the refresh token: {(error.ValueKind == JsonValueKind.String ? error.GetString() : "no access_token")}.");
        }

        var lifetime = body.RootElement.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) ? seconds : 3600;
        return (token.GetString()!, TimeSpan.FromSeconds(lifetime));
    }

    /// <summary>Sends an API call with the cached token, refreshing it once if Zoho says it has expired.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await TokenAsync(attempt == 0 ? null : _token, ct);
            var response = await retry.SendAsync(http, () =>
            {
                var request = build();
                request.Headers.Authorization = new AuthenticationHeaderValue("Zoho-oauthtoken", token);
                return request;
            }, ct);
            // A token can expire (or be revoked) between any two calls, also right after a refresh: refresh at most twice per call.
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt < 2)
            {
                response.Dispose();
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                throw new ConnectorException("ZohoUnauthorized", "Zoho refused the access token (check the scopes).");
            }

            return response;
        }
    }

    /// <summary>Every record of a module: <c>page</c> for the first pages, then <c>page_token</c> as Zoho requires past 2,000 records.</summary>
    public async IAsyncEnumerable<JsonElement> ListAsync(string module, string fields, [EnumeratorCancellation] CancellationToken ct)
    {
        var page = 1;
        string? pageToken = null;
        while (true)
        {
            var url = $"{settings.Api}/crm/v8/{module}?fields={Uri.EscapeDataString(fields)}&per_page={settings.PerPage}&sort_by=id&sort_order=asc"
                      + (pageToken is null ? $"&page={page}" : $"&page_token={Uri.EscapeDataString(pageToken)}");
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), ct);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                yield break;
            }

            using var body = await ReadAsync(response, ct);
            foreach (var record in body.RootElement.GetProperty("data").EnumerateArray())
            {
                yield return record.Clone();
            }

            var info = body.RootElement.TryGetProperty("info", out var i) ? i : default;
            if (info.ValueKind != JsonValueKind.Object || !info.TryGetProperty("more_records", out var more) || !more.GetBoolean())
            {
                yield break;
            }

            page++;
            pageToken = info.TryGetProperty("next_page_token", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
    }

    /// <summary>A cheap authenticated call: one record of Products.</summary>
    public async Task TestAsync(CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{settings.Api}/crm/v8/Products?fields=Product_Name&per_page=1"), ct);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            (await ReadAsync(response, ct)).Dispose();
        }
    }

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        if (!response.IsSuccessStatusCode)
        {
            var code = body.RootElement.TryGetProperty("code", out var c) ? c.GetString() : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var message = body.RootElement.TryGetProperty("message", out var m) ? m.GetString() : response.ReasonPhrase;
            body.Dispose();
            throw new ConnectorException("Zoho" + code, $"Zoho answered {(int)response.StatusCode} {code}: {message}");
        }

        return body;
    }
}

/// <summary>
/// Retries of connector calls: 429 (waiting Retry-After when given), 5xx and timeouts, with exponential backoff and
/// jitter, a bounded number of times. Anything else is the caller's to interpret.
/// </summary>
public sealed class ConnectorRetry(ConnectorRetryOptions options)
{
    public async Task<HttpResponseMessage> SendAsync(HttpClient http, Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(options.Timeout);
                using var request = build();
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                if (!IsTransient(response.StatusCode) || attempt >= options.MaxAttempts)
                {
                    return response;
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested && attempt < options.MaxAttempts && e is HttpRequestException or TaskCanceledException or IOException)
            {
            }

            var wait = response?.Headers.RetryAfter?.Delta ?? Backoff(attempt);
            response?.Dispose();
            await Task.Delay(wait < options.MaxDelay ? wait : options.MaxDelay, ct);
        }
    }

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1) * (0.5 + (Random.Shared.NextDouble() / 2)));

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;
}

/// <summary>Timeouts and backoff of connector calls (<c>Orderly:Connectors</c>).</summary>
public sealed class ConnectorRetryOptions
{
    public const string Section = "Orderly:Connectors";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);
    [System.ComponentModel.DataAnnotations.Range(1, 20)]
    public int MaxAttempts { get; set; } = 8;
}
