using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

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
    private readonly TimeProvider _clock;
    private int _tokens;
    private readonly ConcurrentDictionary<string, bool> _used = new();

    /// <param name="clock">Zoho's clock: channels expire by it (a test advances it to make them lapse).</param>
    public FakeZoho(TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _app = LocalServer.Create();
        _app.MapPost("/oauth/v2/token", Token);
        _app.MapGet("/crm/v8/{module}", ListAsync);
        _app.MapGet("/crm/v8/{module}/{id}", GetOneAsync);
        _app.MapPut("/crm/v8/{module}/{id}", UpdateAsync);
        _app.MapPost("/crm/v8/{module}/upsert", UpsertAsync);
        _app.MapPost("/crm/v8/actions/watch", WatchAsync);
        _app.MapPatch("/crm/v8/actions/watch", PatchWatchAsync);
    }

    /// <summary>The If-Modified-Since of each list call that carried one.</summary>
    public ConcurrentQueue<(string Module, DateTimeOffset Since)> SinceQueries { get; } = new();

    /// <summary>The notification channels registered with actions/watch, by channel id (a lapsed one stays until replaced).</summary>
    public ConcurrentDictionary<string, JsonObject> Channels { get; } = new();

    /// <summary>Every actions/watch call that got past the token and the faults: POST (subscribe) or PATCH (renew), and the body.</summary>
    public ConcurrentQueue<(string Method, JsonObject Body)> WatchCalls { get; } = new();

    /// <summary>The channel exists and its channel_expiry is still ahead on Zoho's clock (Zoho posts only to such channels).</summary>
    public bool IsLive(string channelId) =>
        Channels.TryGetValue(channelId, out var channel) && ExpiryOf(channel) > _clock.GetUtcNow();

    public static DateTimeOffset ExpiryOf(JsonObject channel) =>
        DateTimeOffset.Parse(channel["channel_expiry"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// PATCH actions/watch: a live channel's <c>channel_expiry</c> (and events) moved; an unknown or lapsed channel is
    /// refused per channel with 400 INVALID_DATA (Zoho's exact code for this is unverified), and the caller subscribes again.
    /// </summary>
    private async Task<IResult> PatchWatchAsync(HttpRequest request)
    {
        if (await GuardAsync(request) is { } refused)
        {
            return refused;
        }

        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        WatchCalls.Enqueue(("PATCH", (JsonObject)body.DeepClone()));
        var results = new JsonArray();
        foreach (var item in body["watch"]?.AsArray() ?? [])
        {
            var id = item!["channel_id"]?.GetValue<string>() ?? "";
            if (!IsLive(id))
            {
                return Results.Json(new JsonObject
                {
                    ["watch"] = new JsonArray(new JsonObject
                    {
                        ["code"] = "INVALID_DATA", ["status"] = "error", ["message"] = "the given channel_id is invalid or expired", ["details"] = new JsonObject { ["api_name"] = "channel_id" },
                    }),
                }, statusCode: 400);
            }

            var expiry = DateTimeOffset.Parse(item["channel_expiry"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            if (expiry > _clock.GetUtcNow().AddDays(7))
            {
                return Error(400, "INVALID_DATA", "channel_expiry is at most one week ahead");
            }

            var channel = Channels[id];
            lock (channel)
            {
                channel["channel_expiry"] = item["channel_expiry"]!.DeepClone();
                if (item["events"] is JsonArray events)
                {
                    channel["events"] = events.DeepClone();
                }
            }

            results.Add(new JsonObject { ["code"] = "SUCCESS", ["status"] = "success", ["message"] = "Successfully updated the subscribe details", ["details"] = new JsonObject { ["channel_id"] = id } });
        }

        return Results.Json(new JsonObject { ["watch"] = results });
    }

    /// <summary>The notification Zoho would post to a channel's notify_url (ids only, the token echoed).</summary>
    public JsonObject Notification(string channelId, string module, string operation, params string[] ids)
    {
        var channel = Channels[channelId];
        return new JsonObject
        {
            ["server_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ["module"] = module, ["resource_uri"] = $"{Url}/crm/v8/{module}",
            ["ids"] = new JsonArray([.. ids.Select(i => (JsonNode)i)]), ["operation"] = operation, ["channel_id"] = channelId, ["token"] = channel["token"]!.GetValue<string>(),
            ["affected_fields"] = new JsonArray(), ["query_params"] = new JsonObject(),
        };
    }

    private async Task<IResult> WatchAsync(HttpRequest request)
    {
        if (await GuardAsync(request) is { } refused)
        {
            return refused;
        }

        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        WatchCalls.Enqueue(("POST", (JsonObject)body.DeepClone()));
        var results = new JsonArray();
        foreach (var item in body["watch"]?.AsArray() ?? [])
        {
            var channel = (JsonObject)item!.DeepClone();
            if (channel["channel_id"] is null || channel["notify_url"] is null || channel["token"]?.GetValue<string>() is not { Length: > 0 and <= 256 }
                || channel["events"] is not JsonArray { Count: > 0 and <= 50 })
            {
                return Error(400, "MANDATORY_NOT_FOUND", "channel_id, events, notify_url and token are required");
            }

            var expiry = DateTimeOffset.Parse(channel["channel_expiry"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            if (expiry > _clock.GetUtcNow().AddDays(7))
            {
                return Error(400, "INVALID_DATA", "channel_expiry is at most one week ahead");
            }

            Channels[channel["channel_id"]!.GetValue<string>()] = channel;
            results.Add(new JsonObject
            {
                ["code"] = "SUCCESS", ["status"] = "success", ["message"] = "Successfully subscribed for actions-watch of the given module",
                ["details"] = new JsonObject { ["events"] = new JsonArray([.. channel["events"]!.AsArray().Select(e => (JsonNode)new JsonObject
                {
                    ["channel_expiry"] = channel["channel_expiry"]!.GetValue<string>(), ["resource_name"] = e!.GetValue<string>().Split('.')[0], ["channel_id"] = channel["channel_id"]!.GetValue<string>(),
                })]) },
            });
        }

        return Results.Json(new JsonObject { ["watch"] = results }, statusCode: 201);
    }

    public string Url => _app.Urls.First();

    public ConcurrentDictionary<string, List<JsonObject>> Modules { get; } = new();

    /// <summary>Faults served, in order, to the next data calls: "429", "500", "503", "timeout", "expire".</summary>
    public ConcurrentQueue<string> Faults { get; } = new();

    public int TokensIssued => _tokens;

    /// <summary>
    /// Distinct tokens that data calls presented. Under load a token response can reach the client after its timeout,
    /// which then asks again: that token was issued but never used, and says nothing about the cache.
    /// </summary>
    public int TokensUsed => _used.Count;

    /// <summary>Every write that reached the fake: method, module, record id (after an upsert, the id it chose) and body.</summary>
    public ConcurrentQueue<(string Method, string Module, string Id, JsonObject Body)> Writes { get; } = new();

    /// <summary>Writes are refused per record with INVALID_DATA (a vendor-side rule the push cannot satisfy).</summary>
    public bool RefuseWrites { get; set; }

    public int DetailReads => _detailReads;

    private int _detailReads;
    private long _nextId = 7_000_000_000_000_000;

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

    /// <summary>The checks every data call passes: a live token, then the next queued fault if any.</summary>
    private async Task<IResult?> GuardAsync(HttpRequest request)
    {
        DataCalls++;
        var auth = request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Zoho-oauthtoken ", StringComparison.Ordinal) || !_live.ContainsKey(auth["Zoho-oauthtoken ".Length..]))
        {
            return Error(401, "INVALID_TOKEN", "invalid oauth token");
        }

        _used[auth["Zoho-oauthtoken ".Length..]] = true;
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
                case "garbage":
                    return Results.Text("<html><body>Service Temporarily Unavailable", "text/html", statusCode: 200);
            }
        }

        return null;
    }

    private async Task<IResult> GetOneAsync(string module, string id, HttpRequest request)
    {
        if (await GuardAsync(request) is { } refused)
        {
            return refused;
        }

        Interlocked.Increment(ref _detailReads);
        var record = Find(module, id);
        return record is null ? Error(400, "INVALID_DATA", "the related id given seems to be invalid")
            : Results.Json(new JsonObject { ["data"] = new JsonArray(record.DeepClone()) });
    }

    private async Task<IResult> UpdateAsync(string module, string id, HttpRequest request)
    {
        if (await GuardAsync(request) is { } refused)
        {
            return refused;
        }

        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        if (RefuseWrites)
        {
            return PerRecordError();
        }

        var record = Find(module, id);
        if (record is null)
        {
            return Results.Json(new JsonObject { ["data"] = new JsonArray(new JsonObject { ["code"] = "INVALID_DATA", ["details"] = new JsonObject { ["id"] = id }, ["message"] = "the related id given seems to be invalid", ["status"] = "error" }) }, statusCode: 400);
        }

        Writes.Enqueue(("PUT", module, id, body));
        lock (record)
        {
            foreach (var (key, value) in (JsonObject)body["data"]![0]!)
            {
                record[key] = value?.DeepClone();
            }
        }

        return Results.Json(new JsonObject { ["data"] = new JsonArray(Success("record updated", id)) });
    }

    private async Task<IResult> UpsertAsync(string module, HttpRequest request)
    {
        if (await GuardAsync(request) is { } refused)
        {
            return refused;
        }

        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        if (RefuseWrites)
        {
            return PerRecordError();
        }

        var incoming = (JsonObject)body["data"]![0]!;
        var key = body["duplicate_check_fields"]![0]!.GetValue<string>();
        var records = Modules.GetOrAdd(module, _ => []);
        lock (records)
        {
            var existing = records.FirstOrDefault(r => r[key]?.ToJsonString() == incoming[key]?.ToJsonString());
            if (existing is not null)
            {
                var id = existing["id"]!.GetValue<string>();
                foreach (var (name, value) in incoming)
                {
                    existing[name] = value?.DeepClone();
                }

                Writes.Enqueue(("UPSERT-UPDATE", module, id, body));
                return Results.Json(new JsonObject { ["data"] = new JsonArray(Success("record updated", id, "update")) });
            }

            var created = (JsonObject)incoming.DeepClone();
            var newId = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            created["id"] = newId;
            records.Add(created);
            Writes.Enqueue(("UPSERT-INSERT", module, newId, body));
            return Results.Json(new JsonObject { ["data"] = new JsonArray(Success("record added", newId, "insert")) }, statusCode: 201);
        }
    }

    private JsonObject? Find(string module, string id)
    {
        if (!Modules.TryGetValue(module, out var records))
        {
            return null;
        }

        lock (records)
        {
            return records.FirstOrDefault(r => r["id"]?.GetValue<string>() == id);
        }
    }

    private static JsonObject Success(string message, string id, string? action = null) => new()
    {
        ["code"] = "SUCCESS", ["duplicate_field"] = null, ["action"] = action, ["details"] = new JsonObject { ["id"] = id, ["Modified_Time"] = "2026-12-05T10:00:00+08:00" },
        ["message"] = message, ["status"] = "success",
    };

    private static IResult PerRecordError() => Results.Json(new JsonObject
    {
        ["data"] = new JsonArray(new JsonObject
        {
            ["code"] = "INVALID_DATA", ["details"] = new JsonObject { ["api_name"] = "Status", ["json_path"] = "$.data[0].Status" },
            ["message"] = "invalid data", ["status"] = "error",
        }),
    }, statusCode: 400);

    private async Task<IResult> ListAsync(string module, HttpRequest request)
    {
        if (await GuardAsync(request) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrEmpty(request.Query["fields"]))
        {
            return Error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing");
        }

        if (!Modules.TryGetValue(module, out var records))
        {
            return Error(400, "INVALID_MODULE", "the module name given seems to be invalid");
        }

        if (request.Headers.IfModifiedSince.Count > 0)
        {
            // Only records modified after the header's instant (ISO 8601, as Zoho takes it); 304 when none.
            var since = DateTimeOffset.Parse(request.Headers.IfModifiedSince.ToString(), System.Globalization.CultureInfo.InvariantCulture);
            List<JsonObject> changed;
            lock (records)
            {
                changed = [.. records.Where(r => r["Modified_Time"] is JsonValue v && DateTimeOffset.Parse(v.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > since)];
            }

            records = changed;

            SinceQueries.Enqueue((module, since));
            if (records.Count == 0)
            {
                return Results.StatusCode(304);
            }
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
            // Like Zoho, a list answers only the fields asked for (and the id); subforms come with the single-record read.
            var wanted = request.Query["fields"].ToString().Split(',').Append("id").ToHashSet(StringComparer.Ordinal);
            slice = [.. records.OrderBy(r => r["id"]!.GetValue<string>(), StringComparer.Ordinal).Skip(offset).Take(perPage)
                .Select(r => new JsonObject(r.Where(p => wanted.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))))];
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
