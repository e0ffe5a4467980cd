using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orderly.Server.Tests.Communication;

/// <summary>
/// Faithful local fakes of the outside services, on one Kestrel server at 127.0.0.1: Aliyun SMS (RPC v1 signature checked
/// with an implementation of its own), WeCom, DingTalk and Feishu robots (key / signature checked, 20 a minute enforced
/// with their error codes, HTTP 200 with an error body like the real ones) and a webhook receiver that checks the
/// HMAC and applies each event id once.
/// </summary>
public sealed class OutsideServices : IAsyncDisposable
{
    public const string SmsKeyId = "testid";
    public const string SmsSecret = "testsecret";
    public const string WeComKey = "wecom-key-1";
    public const string DingTalkToken = "ding-token";
    public const string DingTalkSecret = "SECtestsecret0000000000000000000000000000000000000000000000";
    public const string FeishuHook = "feishu-hook-1";
    public const string FeishuSecret = "feishu-test-secret";
    public const string WeComCorpId = "ww-test-corp";
    public const string WeComSecret = "wecom-contact-secret";
    public const string WebhookSecret = "webhook-secret-0123456789";

    /// <summary>Aliyun answers in PascalCase (<c>Code</c>, <c>Message</c>): property names as written.</summary>
    private static readonly JsonSerializerOptions AsWritten = new();

    private readonly WebApplication _app;

    private OutsideServices(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public int Port => new Uri(Url).Port;

    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Sms { get; } = new();

    private int _smsBadSignatures;

    public int SmsBadSignatures => _smsBadSignatures;

    public ConcurrentQueue<(string Robot, string Text, DateTimeOffset At)> RobotMessages { get; } = new();

    private int _robotBadSignatures;

    public int RobotBadSignatures => _robotBadSignatures;

    /// <summary>WeCom customer messages: the external user id, the text and the sender.</summary>
    public ConcurrentQueue<(string ExternalUserId, string Text, string? Sender)> WeComCustomerMessages { get; } = new();

    private readonly ConcurrentDictionary<string, DateTimeOffset> _weComTokens = new();
    private int _weComTokenFetches;

    public int WeComTokenFetches => _weComTokenFetches;

    /// <summary>External contacts the company's WeCom knows; others land in <c>fail_list</c>.</summary>
    public ConcurrentDictionary<string, bool> WeComContacts { get; } = new();

    /// <summary>Every token handed out so far stops working (WeCom answers 42001), as when one expires early.</summary>
    public void ExpireWeComTokens() => _weComTokens.Clear();

    public ConcurrentDictionary<Guid, int> HookDeliveries { get; } = new();

    public ConcurrentDictionary<Guid, string> HookApplied { get; } = new();

    private int _hookBadSignatures;

    public int HookBadSignatures => _hookBadSignatures;

    public static async Task<OutsideServices> StartAsync()
    {
        var app = LocalServer.Create();
        var fake = new OutsideServices(app);
        app.MapGet("/sms/", (HttpRequest r) => Results.Json(fake.SendSms(r), AsWritten));
        app.MapPost("/wecom/send", async (HttpRequest r) => Results.Json(await fake.WeComAsync(r)));
        app.MapGet("/cgi-bin/gettoken", (HttpRequest r) => Results.Json(fake.WeComToken(r)));
        app.MapPost("/cgi-bin/externalcontact/add_msg_template", async (HttpRequest r) => Results.Json(await fake.WeComCustomerAsync(r)));
        app.MapPost("/dingtalk/send", async (HttpRequest r) => Results.Json(await fake.DingTalkAsync(r)));
        app.MapPost("/feishu/hook/{id}", async (string id, HttpRequest r) => Results.Json(await fake.FeishuAsync(id, r)));
        app.MapPost("/hooks", async (HttpRequest r) => await fake.HookAsync(r));
        app.MapPost("/redirect-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data", permanent: false, preserveMethod: true));
        await app.StartAsync();
        fake.Url = app.Urls.Single();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private object SendSms(HttpRequest request)
    {
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var given = query.GetValueOrDefault("Signature");
        query.Remove("Signature");
        if (given is null || given != AliyunSign(query, SmsSecret) || query.GetValueOrDefault("AccessKeyId") != SmsKeyId
            || query.GetValueOrDefault("Action") != "SendSms" || !DateTime.TryParseExact(query.GetValueOrDefault("Timestamp"), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            Interlocked.Increment(ref _smsBadSignatures);
            return new { Code = "SignatureDoesNotMatch", Message = "Specified signature is not matched with our calculation.", RequestId = Guid.NewGuid() };
        }

        Sms.Enqueue(query);
        return new { Code = "OK", Message = "OK", BizId = "900619746936498440^0", RequestId = Guid.NewGuid() };
    }

    private async Task<object> WeComAsync(HttpRequest request)
    {
        if (request.Query["key"] != WeComKey)
        {
            return new { errcode = 93000, errmsg = "invalid webhook url" };
        }

        return await RobotAsync("wecom", request, json => json.GetProperty("text").GetProperty("content").GetString()!);
    }

    /// <summary>WeCom <c>gettoken</c>: the corp id and the application's secret give a token good for 7,200 s.</summary>
    private object WeComToken(HttpRequest request)
    {
        if (request.Query["corpid"] != WeComCorpId)
        {
            return new { errcode = 40013, errmsg = "invalid corpid" };
        }

        if (request.Query["corpsecret"] != WeComSecret)
        {
            return new { errcode = 40001, errmsg = "invalid credential" };
        }

        Interlocked.Increment(ref _weComTokenFetches);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _weComTokens[token] = DateTimeOffset.UtcNow.AddSeconds(7200);
        return new { errcode = 0, errmsg = "ok", access_token = token, expires_in = 7200 };
    }

    /// <summary>WeCom <c>externalcontact/add_msg_template</c> with <c>chat_type=single</c> and a text of at most 4,000 bytes.</summary>
    private async Task<object> WeComCustomerAsync(HttpRequest request)
    {
        var token = request.Query["access_token"].ToString();
        if (token.Length == 0 || !_weComTokens.TryGetValue(token, out var until))
        {
            return new { errcode = 40014, errmsg = "invalid access_token" };
        }

        if (until < DateTimeOffset.UtcNow)
        {
            return new { errcode = 42001, errmsg = "access_token expired" };
        }

        using var json = await JsonDocument.ParseAsync(request.Body);
        var root = json.RootElement;
        if (root.GetProperty("chat_type").GetString() != "single" || !root.TryGetProperty("text", out var text)
            || Encoding.UTF8.GetByteCount(text.GetProperty("content").GetString() ?? "") > 4000)
        {
            return new { errcode = 40058, errmsg = "invalid parameter" };
        }

        var sender = root.TryGetProperty("sender", out var s) ? s.GetString() : null;
        var failed = new List<string>();
        foreach (var id in root.GetProperty("external_userid").EnumerateArray().Select(e => e.GetString()!))
        {
            if (WeComContacts.ContainsKey(id))
            {
                WeComCustomerMessages.Enqueue((id, text.GetProperty("content").GetString()!, sender));
            }
            else
            {
                failed.Add(id);
            }
        }

        return new { errcode = 0, errmsg = "ok", fail_list = failed, msgid = "msg" + Guid.NewGuid().ToString("N")[..20] };
    }

    private async Task<object> DingTalkAsync(HttpRequest request)
    {
        var timestamp = long.Parse(request.Query["timestamp"].ToString(), CultureInfo.InvariantCulture);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingTalkSecret), Encoding.UTF8.GetBytes($"{timestamp}\n{DingTalkSecret}")));
        // The query arrives URL-decoded here: compare the Base64 itself.
        if (request.Query["access_token"] != DingTalkToken || request.Query["sign"] != expected
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - timestamp) > 3_600_000)
        {
            Interlocked.Increment(ref _robotBadSignatures);
            return new { errcode = 310000, errmsg = "sign not match" };
        }

        return await RobotAsync("dingtalk", request, json => json.GetProperty("text").GetProperty("content").GetString()!);
    }

    private async Task<object> FeishuAsync(string id, HttpRequest request)
    {
        using var json = await JsonDocument.ParseAsync(request.Body);
        var root = json.RootElement;
        var timestamp = long.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
        var expected = Convert.ToBase64String(new HMACSHA256(Encoding.UTF8.GetBytes($"{timestamp}\n{FeishuSecret}")).ComputeHash([]));
        if (id != FeishuHook || root.GetProperty("sign").GetString() != expected || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) > 3600)
        {
            Interlocked.Increment(ref _robotBadSignatures);
            return new { code = 19021, msg = "sign match fail or timestamp is not within one hour from current time" };
        }

        return Record("feishu", root.GetProperty("content").GetProperty("text").GetString()!, ok: new { code = 0, msg = "success" }, limited: new { code = 11232, msg = "frequency limited" });
    }

    private async Task<object> RobotAsync(string robot, HttpRequest request, Func<JsonElement, string> text)
    {
        using var json = await JsonDocument.ParseAsync(request.Body);
        return Record(robot, text(json.RootElement), ok: new { errcode = 0, errmsg = "ok" }, limited: new { errcode = 45009, errmsg = "api freq out of limit" });
    }

    private object Record(string robot, string text, object ok, object limited)
    {
        lock (RobotMessages)
        {
            var now = DateTimeOffset.UtcNow;
            if (RobotMessages.Count(m => m.Robot == robot && m.At > now.AddMinutes(-1)) >= 20)
            {
                return limited;
            }

            RobotMessages.Enqueue((robot, text, now));
            return ok;
        }
    }

    private async Task<IResult> HookAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var timestamp = request.Headers["X-Orderly-Timestamp"].ToString();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        if (request.Headers["X-Orderly-Signature"].ToString() != expected)
        {
            Interlocked.Increment(ref _hookBadSignatures);
            return Results.Unauthorized();
        }

        var id = Guid.Parse(request.Headers["X-Orderly-Event-Id"].ToString());
        HookDeliveries.AddOrUpdate(id, 1, (_, n) => n + 1);
        HookApplied.TryAdd(id, body);
        return Results.Ok();
    }

    /// <summary>Aliyun RPC v1, written independently of the server's signer: RFC 3986 by hand.</summary>
    public static string AliyunSign(IDictionary<string, string> parameters, string secret)
    {
        static string Encode(string s)
        {
            var text = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(s))
            {
                var c = (char)b;
                text.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' ? c.ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        var canonical = string.Join("&", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Encode(p.Key) + "=" + Encode(p.Value)));
#pragma warning disable CA5350
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret + "&"), Encoding.UTF8.GetBytes("GET&%2F&" + Encode(canonical))));
#pragma warning restore CA5350
    }
}
