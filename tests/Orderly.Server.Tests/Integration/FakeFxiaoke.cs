using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// A local 纷享销客 Fxiaoke OpenAPI (integrations.md A2) on Kestrel: <c>corpAccessToken/get/V2</c> checking app id,
/// secret and permanent code; every call a JSON POST that must carry a live <c>corpAccessToken</c>, its <c>corpId</c>
/// and a <c>currentOpenUserId</c>, else HTTP 200 with <c>errorCode 20016</c>; queries with <c>limit</c> ≤ 1,000 and
/// <c>offset</c> a multiple of it; create with details and update. Faults are queued by the test: "429" (HTTP),
/// "limit" (HTTP 200 with the rate-limit code), "500", "timeout", "expire", "garbage".
/// </summary>
public sealed class FakeFxiaoke : IAsyncDisposable
{
    public const string AppId = "FSAID_fake01";
    public const string AppSecret = "fx-secret-纷享";
    public const string PermanentCode = "PERM-0001";
    public const string CallbackToken = "fx-callback-token-01";
    public const string CorpId = "FSCID_TEST";
    public const string OpenUserId = "FSUID_INTEGRATION";
    public const int RateLimitCode = 20030;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _live = new();
    private int _tokens;
    private long _nextId = 1000;

    public FakeFxiaoke()
    {
        _app = LocalServer.Create();
        foreach (var preset in new[] { "AccountObj", "ProductObj", "SalesOrderObj", "SalesOrderProductObj" })
        {
            Objects[preset] = [];
        }

        _app.MapPost("/cgi/corpAccessToken/get/V2", TokenAsync);
        _app.MapPost("/cgi/crm/v2/object/describe", (HttpRequest r) => CallAsync(r, _ => Ok(new JsonObject { ["describe"] = new JsonObject() })));
        _app.MapPost("/cgi/crm/v2/data/query", (HttpRequest r) => CallAsync(r, Query));
        _app.MapPost("/cgi/crm/v2/data/create", (HttpRequest r) => CallAsync(r, Create));
        _app.MapPost("/cgi/crm/v2/data/update", (HttpRequest r) => CallAsync(r, Update));
    }

    public string Url => _app.Urls.First();

    public ConcurrentDictionary<string, List<JsonObject>> Objects { get; } = new();

    public ConcurrentQueue<string> Faults { get; } = new();

    public ConcurrentQueue<(string Path, JsonObject Body)> Writes { get; } = new();

    public int TokensIssued => _tokens;

    public async Task StartAsync() => await _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public List<JsonObject> Of(string apiName) => Objects.GetOrAdd(apiName, _ => []);

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        if (body["appId"]?.GetValue<string>() != AppId || body["appSecret"]?.GetValue<string>() != AppSecret || body["permanentCode"]?.GetValue<string>() != PermanentCode)
        {
            return Results.Json(new { errorCode = 20001, errorMessage = "appId or appSecret or permanentCode is wrong" });
        }

        var token = $"CAT-{Interlocked.Increment(ref _tokens)}";
        _live[token] = true;
        return Results.Json(new { errorCode = 0, errorMessage = "success", corpAccessToken = token, corpId = CorpId, expiresIn = 7200 });
    }

    private async Task<IResult> CallAsync(HttpRequest request, Func<JsonObject, IResult> handle)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        var token = body["corpAccessToken"]?.GetValue<string>();
        if (token is null || !_live.ContainsKey(token) || body["corpId"]?.GetValue<string>() != CorpId)
        {
            return Error(20016, "corpAccessToken is invalid or expired");
        }

        if (body["currentOpenUserId"]?.GetValue<string>() != OpenUserId)
        {
            return Error(20020, "currentOpenUserId is not a user of this enterprise");
        }

        if (Faults.TryDequeue(out var fault))
        {
            switch (fault)
            {
                case "429":
                    return Results.Json(new { errorCode = 429, errorMessage = "Too Many Requests" }, statusCode: 429);
                case "limit":
                    return Error(RateLimitCode, "the enterprise called the API too often");
                case "500":
                    return Results.Text("Internal Server Error", statusCode: 500);
                case "timeout":
                    await Task.Delay(TimeSpan.FromSeconds(5));
                    break;
                case "expire":
                    _live.Clear();
                    return Error(20016, "corpAccessToken is invalid or expired");
                case "garbage":
                    return Results.Text("<html>502 Bad Gateway</html>", "text/html", statusCode: 200);
            }
        }

        return handle(body);
    }

    private IResult Query(JsonObject body)
    {
        var data = body["data"]!;
        var apiName = data["dataObjectApiName"]!.GetValue<string>();
        var info = data["search_query_info"]!;
        var limit = info["limit"]?.GetValue<int>() ?? 20;
        var offset = info["offset"]?.GetValue<int>() ?? 0;
        if (limit is < 1 or > 1000 || offset < 0 || offset % limit != 0)
        {
            return Error(20002, "limit must be 1-1000 and offset a multiple of limit");
        }

        if (!Objects.TryGetValue(apiName, out var records))
        {
            return Error(20003, $"object {apiName} does not exist");
        }

        List<JsonObject> matching;
        lock (records)
        {
            IEnumerable<JsonObject> query = records;
            foreach (var filter in info["filters"]?.AsArray() ?? [])
            {
                var field = filter!["field_name"]!.GetValue<string>();
                var value = filter["field_values"]![0]!.ToJsonString();
                query = filter["operator"]!.GetValue<string>() switch
                {
                    "EQ" => query.Where(r => r[field]?.ToJsonString() == value),
                    // A record without the field was never modified as far as the filter knows.
                    "GT" => query.Where(r => r[field] is JsonValue v && v.GetValue<long>() > long.Parse(value, System.Globalization.CultureInfo.InvariantCulture)),
                    _ => query,
                };
            }

            matching = [.. query.OrderBy(r => r["_id"]!.GetValue<string>(), StringComparer.Ordinal)];
        }

        var page = matching.Skip(offset).Take(limit).Select(r => r.DeepClone()).ToArray();
        return Ok(new JsonObject { ["data"] = new JsonObject { ["total"] = matching.Count, ["offset"] = offset, ["limit"] = limit, ["dataList"] = new JsonArray(page) } });
    }

    private IResult Create(JsonObject body)
    {
        var data = body["data"]!;
        var record = (JsonObject)data["object_data"]!.DeepClone();
        var apiName = record["dataObjectApiName"]!.GetValue<string>();
        var id = $"fx{Interlocked.Increment(ref _nextId)}";
        record["_id"] = id;
        Writes.Enqueue(("create", body));
        var records = Of(apiName);
        lock (records)
        {
            records.Add(record);
        }

        foreach (var (detailApi, details) in data["details"]?.AsObject() ?? [])
        {
            var lines = Of(detailApi);
            lock (lines)
            {
                foreach (var detail in details!.AsArray())
                {
                    var line = (JsonObject)detail!.DeepClone();
                    line["_id"] = $"fx{Interlocked.Increment(ref _nextId)}";
                    line["order_id"] = id;
                    lines.Add(line);
                }
            }
        }

        return Ok(new JsonObject { ["dataId"] = id });
    }

    private IResult Update(JsonObject body)
    {
        var changes = body["data"]!["object_data"]!.AsObject();
        var records = Of(changes["dataObjectApiName"]!.GetValue<string>());
        lock (records)
        {
            var record = records.FirstOrDefault(r => r["_id"]?.GetValue<string>() == changes["_id"]?.GetValue<string>());
            if (record is null)
            {
                return Error(20004, "data not found");
            }

            Writes.Enqueue(("update", body));
            foreach (var (key, value) in changes)
            {
                record[key] = value?.DeepClone();
            }
        }

        return Ok(new JsonObject());
    }

    private static IResult Ok(JsonObject body)
    {
        body["errorCode"] = 0;
        body["errorMessage"] = "OK";
        return Results.Json(body);
    }

    private static IResult Error(int code, string message) => Results.Json(new { errorCode = code, errorMessage = message, errorDescription = message });
}
