using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Orderly.Server.Integration;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// A local 用友 YonBIP open platform (integrations.md B2) on Kestrel: <c>selfAppAuth/getAccessToken</c> checking the
/// HMAC-SHA256 signature of appKey and timestamp (and that the timestamp is recent); business calls that need a live
/// <c>access_token</c> (else code 1090003500065), answer <c>{"code":"200","message","data"}</c>, page merchants and
/// materials with pageIndex/pageSize and save sales orders once per <c>resubmitCheckKey</c>. Faults: "429" (HTTP),
/// "limit" (code 429 in the body), "500", "timeout", "expire", "garbage", "save-then-500".
/// </summary>
public sealed class FakeYonyou : IAsyncDisposable
{
    public const string AppKey = "41832a3d2df94989b500da6a22268747";
    public const string AppSecret = "yonyou-secret-用友";
    public const string TokenExpired = "1090003500065";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _live = new();
    private readonly ConcurrentDictionary<string, string> _saved = new();
    private int _tokens;
    private long _nextId = 2_000_000;

    public FakeYonyou()
    {
        _app = LocalServer.Create();
        _app.MapGet("/open-auth/selfAppAuth/getAccessToken", Token);
        _app.MapPost("/yonbip/digitalModel/merchant/list", (HttpRequest r) => CallAsync(r, b => List("merchant", b)));
        _app.MapPost("/yonbip/digitalModel/product/list", (HttpRequest r) => CallAsync(r, b => List("product", b)));
        _app.MapPost("/yonbip/sd/voucherorder/singleSave", (HttpRequest r) => CallAsync(r, Save));
        Records["merchant"] = [];
        Records["product"] = [];
        Records["order"] = [];
    }

    public string Url => _app.Urls.First();

    public ConcurrentDictionary<string, List<JsonObject>> Records { get; } = new();

    public ConcurrentQueue<string> Faults { get; } = new();

    public int TokensIssued => _tokens;

    public async Task StartAsync() => await _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Token(string appKey, string timestamp, string signature)
    {
        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture));
        // ASP.NET Core has already decoded the query: compare with the signature before its URL encoding.
        if (appKey != AppKey || age.Duration() > TimeSpan.FromMinutes(5) || Uri.EscapeDataString(signature) != YonyouSignature.TokenSignature(appKey, timestamp, AppSecret))
        {
            return Results.Json(new { code = "1090003500001", message = "签名校验失败" });
        }

        var token = $"yy-{Interlocked.Increment(ref _tokens)}-{Guid.NewGuid():N}";
        _live[token] = true;
        return Results.Json(new { code = "00000", message = "成功", data = new { access_token = token, expire = 7200 } });
    }

    private async Task<IResult> CallAsync(HttpRequest request, Func<JsonObject, IResult> handle)
    {
        if (!_live.ContainsKey(request.Query["access_token"].ToString()))
        {
            return Results.Json(new { code = TokenExpired, message = "access_token无效或已过期" });
        }

        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        if (Faults.TryDequeue(out var fault))
        {
            switch (fault)
            {
                case "429":
                    return Results.Json(new { code = "429", message = "Too Many Requests" }, statusCode: 429);
                case "limit":
                    return Results.Json(new { code = "429", message = "请求过于频繁" });
                case "500":
                    return Results.Text("Internal Server Error", statusCode: 500);
                case "timeout":
                    await Task.Delay(TimeSpan.FromSeconds(5));
                    break;
                case "expire":
                    _live.Clear();
                    return Results.Json(new { code = TokenExpired, message = "access_token无效或已过期" });
                case "garbage":
                    return Results.Text("<html>nginx 502</html>", "text/html", statusCode: 200);
                case "save-then-500":
                    handle(body);
                    return Results.Text("Internal Server Error", statusCode: 500);
            }
        }

        return handle(body);
    }

    /// <summary>Every list call's body, by kind (merchant, product), in order.</summary>
    public ConcurrentQueue<(string Kind, JsonObject Body)> Lists { get; } = new();

    /// <summary>
    /// A page of the list: the <c>simpleVOs</c> conditions applied (<c>egt</c>, <c>gt</c>, <c>eq</c> on a field, the
    /// platform's <c>yyyy-MM-dd HH:mm:ss</c> text comparing in time order), sorted by <c>queryOrders</c> (missing first,
    /// numbers as numbers), then <c>pageIndex</c>/<c>pageSize</c>.
    /// </summary>
    private IResult List(string kind, JsonObject body)
    {
        Lists.Enqueue((kind, (JsonObject)body.DeepClone()));
        var index = body["pageIndex"]!.GetValue<int>();
        var size = body["pageSize"]!.GetValue<int>();
        var records = Records[kind];
        lock (records)
        {
            IEnumerable<JsonObject> matching = records;
            foreach (var condition in body["simpleVOs"]?.AsArray() ?? [])
            {
                var (field, op, value) = (condition!["field"]!.GetValue<string>(), condition["op"]!.GetValue<string>(), condition["value1"]!.ToString());
                matching = matching.Where(r => r[field]?.ToString() is { } v && op switch
                {
                    "egt" => Compare(v, value) >= 0,
                    "gt" => Compare(v, value) > 0,
                    "eq" => v == value,
                    _ => throw new InvalidOperationException($"op {op} is not faked"),
                });
            }

            var orders = (body["queryOrders"]?.AsArray() ?? []).Select(o => o!["field"]!.GetValue<string>()).ToList();
            if (orders.Count > 0)
            {
                matching = matching.OrderBy(r => r, Comparer<JsonObject>.Create((a, b) => orders.Select(f => Compare(a[f]?.ToString(), b[f]?.ToString())).FirstOrDefault(c => c != 0)));
            }

            var all = matching.ToList();
            var page = all.Skip((index - 1) * size).Take(size).Select(r => r.DeepClone()).ToArray();
            return Ok(new JsonObject
            {
                ["pageIndex"] = index, ["pageSize"] = size, ["recordCount"] = all.Count, ["pageCount"] = (all.Count + size - 1) / size, ["recordList"] = new JsonArray(page),
            });
        }
    }

    private static int Compare(string? a, string? b) =>
        a is null ? (b is null ? 0 : -1) : b is null ? 1
        : long.TryParse(a, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var x)
          && long.TryParse(b, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y) ? x.CompareTo(y)
        : string.CompareOrdinal(a, b);

    private IResult Save(JsonObject body)
    {
        var order = body["data"]!.AsObject();
        var key = order["resubmitCheckKey"]?.GetValue<string>() ?? "";
        if (_saved.TryGetValue(key, out var existing))
        {
            return Ok(new JsonObject { ["id"] = existing, ["code"] = order["code"]?.DeepClone() });
        }

        var agent = order["agentId_code"]?.GetValue<string>();
        if (!Records["merchant"].Any(m => m["code"]?.GetValue<string>() == agent))
        {
            return Results.Json(new { code = "999", message = $"客户编码 {agent} 不存在" });
        }

        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stored = (JsonObject)order.DeepClone();
        stored["id"] = id;
        lock (Records["order"])
        {
            Records["order"].Add(stored);
        }

        _saved[key] = id;
        return Ok(new JsonObject { ["id"] = id, ["code"] = order["code"]?.DeepClone() });
    }

    private static IResult Ok(JsonObject data) => Results.Json(new JsonObject { ["code"] = "200", ["message"] = "操作成功", ["data"] = data });
}
