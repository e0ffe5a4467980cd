using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// A local Zoho CRM v8 (integrations.md A1) on Kestrel: the accounts server's refresh-token grant (errors as HTTP 200
/// {"error"}), <c>Zoho-oauthtoken</c> access tokens that expire, <c>fields</c> required, <c>page</c> up to 2,000 records
/// then <c>page_token</c>, 204 when empty, 401 INVALID_TOKEN, 429 RATE_LIMIT_EXCEEDED and 5xx. Faults are queued by the test.
/// </summary>
public sealed class FakeZoho : IAsyncDisposable
{
    public const string ClientId = "1000.FAKECLIENT";
    public const string ClientSecret = "fake-secret-的";
    public const string RefreshToken = "1000.refresh.fake";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _live = new();
    private int _tokens;

    public FakeZoho()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/oauth/v2/token", Token);
        _app.MapGet("/crm/v8/{module}", ListAsync);
    }

    public string Url => _app.Urls.First();

    public ConcurrentDictionary<string, List<JsonObject>> Modules { get; } = new();

    /// <summary>Faults served, in order, to the next data calls: "429", "500", "503", "timeout", "expire".</summary>
    public ConcurrentQueue<string> Faults { get; } = new();

    public int TokensIssued => _tokens;

    public int DataCalls { get; private set; }

    public async Task StartAsync() => await _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Token(HttpRequest request)
    {
        var q = request.Query;
        if (q["grant_type"] != "refresh_token" || q["client_id"] != ClientId || q["client_secret"] != ClientSecret || q["refresh_token"] != RefreshToken)
        {
            return Results.Json(new { error = "invalid_client" });
        }

        var token = $"1000.access.{Interlocked.Increment(ref _tokens)}";
        _live[token] = true;
        return Results.Json(new { access_token = token, scope = "ZohoCRM.modules.ALL", api_domain = Url, token_type = "Bearer", expires_in = 3600 });
    }

    private async Task<IResult> ListAsync(string module, HttpRequest request)
    {
        DataCalls++;
        var auth = request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Zoho-oauthtoken ", StringComparison.Ordinal) || !_live.ContainsKey(auth["Zoho-oauthtoken ".Length..]))
        {
            return Error(401, "INVALID_TOKEN", "invalid oauth token");
        }

        if (Faults.TryDequeue(out var fault))
        {
            switch (fault)
            {
                case "429":
                    return Error(429, "RATE_LIMIT_EXCEEDED", "Too many requests. Please try again later.");
                case "500" or "503":
                    return Error(int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture), "INTERNAL_ERROR", "Internal Server Error");
                case "timeout":
                    await Task.Delay(TimeSpan.FromSeconds(5));
                    break;
                case "expire":
                    _live.Clear();
                    return Error(401, "INVALID_TOKEN", "invalid oauth token");
            }
        }

        if (string.IsNullOrEmpty(request.Query["fields"]))
        {
            return Error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing");
        }

        if (!Modules.TryGetValue(module, out var records))
        {
            return Error(400, "INVALID_MODULE", "the module name given seems to be invalid");
        }

        var perPage = int.TryParse(request.Query["per_page"], out var p) ? Math.Clamp(p, 1, 200) : 200;
        int offset;
        if (request.Query["page_token"] is { Count: > 0 } token)
        {
            if (!token.ToString().StartsWith("pt-", StringComparison.Ordinal) || !int.TryParse(token.ToString()[3..], out offset))
            {
                return Error(400, "EXPIRED_VALUE", "the page token is invalid or expired");
            }
        }
        else
        {
            var page = int.TryParse(request.Query["page"], out var n) ? n : 1;
            offset = (page - 1) * perPage;
            if (offset + perPage > 2000)
            {
                return Error(400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED", "use page_token beyond 2000 records");
            }
        }

        List<JsonObject> slice;
        lock (records)
        {
            slice = [.. records.OrderBy(r => r["id"]!.GetValue<string>(), StringComparer.Ordinal).Skip(offset).Take(perPage).Select(r => (JsonObject)r.DeepClone())];
        }

        if (slice.Count == 0)
        {
            return Results.StatusCode(204);
        }

        var more = offset + slice.Count < records.Count;
        return Results.Json(new JsonObject
        {
            ["data"] = new JsonArray([.. slice]),
            ["info"] = new JsonObject
            {
                ["per_page"] = perPage, ["count"] = slice.Count, ["page"] = (offset / perPage) + 1, ["more_records"] = more,
                ["next_page_token"] = more ? $"pt-{offset + slice.Count}" : null, ["previous_page_token"] = null, ["sort_by"] = "id", ["sort_order"] = "asc",
            },
        });
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { code, details = new { }, message, status = "error" }, statusCode: status);
}
