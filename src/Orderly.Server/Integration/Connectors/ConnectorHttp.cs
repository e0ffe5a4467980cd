using System.Collections.Concurrent;
using System.Net;

namespace Orderly.Server.Integration;

/// <summary>A connector call that failed for good (bad credentials, a refused request, retries used up).</summary>
public sealed class ConnectorException(string code, string message, bool permanent = false) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>Retrying cannot help (nothing to map the record to): logged once, not retried.</summary>
    public bool Permanent { get; } = permanent;
}

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

    public int MaxAttempts => options.MaxAttempts;

    /// <summary>Waits before another try of a call the vendor refused with its own rate-limit code (inside an HTTP 200).</summary>
    public Task DelayAsync(int attempt, CancellationToken ct)
    {
        var wait = Backoff(attempt);
        return Task.Delay(wait < options.MaxDelay ? wait : options.MaxDelay, ct);
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

    /// <summary>How long before its expiry a vendor's notification channel (Zoho's actions/watch) is renewed.</summary>
    public TimeSpan ChannelRenewBefore { get; set; } = TimeSpan.FromDays(1);
}
