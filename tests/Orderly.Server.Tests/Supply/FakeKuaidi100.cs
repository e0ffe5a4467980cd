using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orderly.Server.Tests.Supply;

/// <summary>
/// A local Kuaidi100 on Kestrel (127.0.0.1, a free port) that behaves as shared/integrations.md D1 says: query
/// <c>poll/query.do</c> checks <c>sign = upper(MD5(param + key + customer))</c> and answers HTTP 200 with either the
/// track or <c>{"result":false,"returnCode":...}</c>; subscription <c>poll</c> checks the key and the fields and
/// answers a repeated number with 501.
/// </summary>
public sealed class FakeKuaidi100 : IAsyncDisposable
{
    public const string Customer = "TESTCUSTOMER";
    public const string Key = "TESTKEY123";

    private readonly WebApplication _app;

    public FakeKuaidi100()
    {
        _app = LocalServer.Create();
        _app.MapPost("/poll/query.do", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var param = form["param"].ToString();
            Queries.Enqueue(param);
            if (form["customer"] != Customer || Sign(param + Key + Customer) != form["sign"])
            {
                return Results.Json(new { result = false, returnCode = "503", message = "验证签名失败" });
            }

            var num = JsonNode.Parse(param)!["num"]!.GetValue<string>();
            return Tracks.TryGetValue(num, out var track)
                ? Results.Text(track, "application/json")
                : Results.Json(new { result = false, returnCode = "500", message = "查询无结果，请隔段时间再查" });
        });
        // Subscription (D1): schema=json and param {company, number, key, parameters{callbackurl, salt, ...}}; a number
        // subscribed before is answered 501 (重复订阅), a wrong key 601, incomplete data 400 - all as HTTP 200.
        _app.MapPost("/poll", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var param = form["param"].ToString();
            Subscriptions.Enqueue(param);
            JsonNode? body;
            try
            {
                body = JsonNode.Parse(param);
            }
            catch (JsonException)
            {
                body = null;
            }

            var number = body?["number"]?.GetValue<string>();
            if (form["schema"] != "json" || body is null || string.IsNullOrEmpty(body["company"]?.GetValue<string>()) || string.IsNullOrEmpty(number)
                || string.IsNullOrEmpty(body["parameters"]?["callbackurl"]?.GetValue<string>()))
            {
                return Results.Json(new { result = false, returnCode = "400", message = "提交的数据不完整" });
            }

            if (body["key"]?.GetValue<string>() != Key)
            {
                return Results.Json(new { result = false, returnCode = "601", message = "POLL:KEY已过期" });
            }

            return Subscribed.TryAdd(number, param)
                ? Results.Json(new { result = true, returnCode = "200", message = "提交成功" })
                : Results.Json(new { result = false, returnCode = "501", message = "POLL:重复订阅" });
        });
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = new Uri(_app.Urls.First() + "/");
    }

    public Uri BaseUrl { get; }

    /// <summary>The query answer per tracking number (a JSON text as Kuaidi100 sends it).</summary>
    public ConcurrentDictionary<string, string> Tracks { get; } = new();

    public ConcurrentQueue<string> Queries { get; } = new();

    /// <summary>Every subscription request's param, accepted or not.</summary>
    public ConcurrentQueue<string> Subscriptions { get; } = new();

    /// <summary>The accepted subscriptions: number -> param.</summary>
    public ConcurrentDictionary<string, string> Subscribed { get; } = new();

#pragma warning disable CA5351 // Kuaidi100's signature scheme is MD5.
    public static string Sign(string text) => Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    /// <summary>A track in Kuaidi100's shape: rows of (Beijing time, status name, context).</summary>
    public static string Track(string com, string number, string state, params (string Time, string Status, string Context)[] rows) =>
        JsonSerializer.Serialize(new
        {
            message = "ok", nu = number, ischeck = state == "3" ? "1" : "0", com, status = "200", state, condition = "F00",
            data = rows.Select(r => new { time = r.Time, ftime = r.Time, context = r.Context, location = "", areaName = "上海市", status = r.Status, statusCode = "0" }),
        });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
