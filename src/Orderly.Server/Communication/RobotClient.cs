using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Communication;

/// <summary>Team group robots: WeCom (key in the URL), DingTalk (signed query), Feishu (signed body); HTTP 200 with an error code is a failure.</summary>
public sealed class RobotClient(IHttpClientFactory clients, IOptions<CommunicationOptions> options, TimeProvider time)
{
    public async Task SendAsync(string robotName, string text, CancellationToken ct)
    {
        var robot = options.Value.Robots.FirstOrDefault(r => r.Name == robotName) ?? throw new InvalidOperationException($"No robot named {robotName} is configured.");
        var now = time.GetUtcNow();
        var url = robot.Url;
        object body;
        switch (robot.Kind)
        {
            case RobotKind.DingTalk:
                body = new { msgtype = "text", text = new { content = text } };
                if (robot.Secret is { } dingSecret)
                {
                    var ms = now.ToUnixTimeMilliseconds();
                    url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={ms}&sign={Uri.EscapeDataString(Signatures.DingTalk(ms, dingSecret))}";
                }

                break;
            case RobotKind.Feishu:
                var seconds = now.ToUnixTimeSeconds();
                body = robot.Secret is { } feishuSecret
                    ? new { timestamp = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), sign = Signatures.Feishu(seconds, feishuSecret), msg_type = "text", content = new { text } }
                    : new { msg_type = "text", content = new { text } };
                break;
            default:
                body = new { msgtype = "text", text = new { content = Truncate(text, 2048) } };
                break;
        }

        using var response = await clients.CreateClient(nameof(RobotClient)).PostAsJsonAsync(url, body, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Robot {robot.Name} answered {(int)response.StatusCode}");
        }

        using var json = JsonDocument.Parse(answer.Length == 0 ? "{}" : answer);
        var code = json.RootElement.TryGetProperty("errcode", out var e) ? e.GetInt32() : json.RootElement.TryGetProperty("code", out var c) ? c.GetInt32() : 0;
        if (code != 0)
        {
            throw new HttpRequestException($"Robot {robot.Name} refused the message: {code} {answer[..Math.Min(answer.Length, 200)]}");
        }
    }

    /// <summary>WeCom limits text to 2,048 UTF-8 bytes.</summary>
    private static string Truncate(string text, int maxBytes)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var end = text.Length;
        while (end > 0 && System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(0, end)) > maxBytes - 3)
        {
            end--;
        }

        return text[..end] + "...";
    }
}
