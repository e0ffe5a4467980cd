using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Logistics;

namespace Orderly.Server.Logistics;

/// <summary>Kuaidi100's track result (the <c>lastResult</c> of a push, or a query's answer).</summary>
public sealed record Kuaidi100Result(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("ischeck")] string? IsCheck,
    [property: JsonPropertyName("com")] string? Com,
    [property: JsonPropertyName("nu")] string? Nu,
    [property: JsonPropertyName("data")] Kuaidi100Row[]? Data,
    [property: JsonPropertyName("result")] bool? Result = null,
    [property: JsonPropertyName("returnCode")] string? ReturnCode = null)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>The rows as our tracking events; Kuaidi100 times are Beijing time.</summary>
    public IReadOnlyList<TrackingEvent> Events() => [.. (Data ?? []).Select(r =>
    {
        var local = DateTime.TryParseExact(r.Ftime ?? r.Time, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : DateTime.MinValue;
        var at = new DateTimeOffset(local, China).ToUniversalTime();
        var state = TrackingStates.FromStatusName(r.Status) ?? TrackingStates.FromKuaidi100(State);
        return new TrackingEvent(at, state, Clip(r.Status, 40), Clip(r.AreaName ?? r.Location, 200), Clip(r.Context, 500));
    }).Where(e => e.At > DateTimeOffset.MinValue)];

    public TrackingState? CurrentState => State is null ? null : TrackingStates.FromKuaidi100(State);

    private static string? Clip(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..max];
}

public sealed record Kuaidi100Row(
    [property: JsonPropertyName("time")] string? Time,
    [property: JsonPropertyName("ftime")] string? Ftime,
    [property: JsonPropertyName("context")] string? Context,
    [property: JsonPropertyName("location")] string? Location,
    [property: JsonPropertyName("areaName")] string? AreaName,
    [property: JsonPropertyName("status")] string? Status);

/// <summary>A push from Kuaidi100 (the <c>param</c> form field).</summary>
public sealed record Kuaidi100Push(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("lastResult")] Kuaidi100Result? LastResult);

/// <summary>
/// The Kuaidi100 API (shared/integrations.md D1): real-time query <c>poll/query.do</c> signed with
/// <c>upper(MD5(param + key + customer))</c>, and the subscription <c>poll</c> whose pushes are signed with
/// <c>upper(MD5(param + salt))</c>. Answers are HTTP 200 with an error body on failure.
/// </summary>
public sealed class Kuaidi100Client(HttpClient http, IOptionsMonitor<LogisticsOptions> options)
{
    public bool Configured => options.CurrentValue is { Kuaidi100Customer.Length: > 0, Kuaidi100Key.Length: > 0 };

    public static string QuerySign(string param, string key, string customer) => Md5Upper(param + key + customer);

    public static string PushSign(string param, string salt) => Md5Upper(param + salt);

    public async Task<Kuaidi100Result?> QueryAsync(string com, string number, string? phone, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var param = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["com"] = com, ["num"] = number, ["phone"] = phone, ["resultv2"] = "4", ["show"] = "0", ["order"] = "asc",
        });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["customer"] = o.Kuaidi100Customer!, ["param"] = param, ["sign"] = QuerySign(param, o.Kuaidi100Key!, o.Kuaidi100Customer!),
        });
        using var response = await http.PostAsync(new Uri(o.Kuaidi100BaseUrl, "poll/query.do"), form, ct);
        response.EnsureSuccessStatusCode();
        var result = await JsonSerializer.DeserializeAsync<Kuaidi100Result>(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        return result is { Result: false } ? null : result;
    }

    /// <summary>Subscribes a number to pushes; true when Kuaidi100 accepted (returnCode 200; 501 = already subscribed).</summary>
    public async Task<bool> SubscribeAsync(string com, string number, string? phone, string salt, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var param = JsonSerializer.Serialize(new
        {
            company = com, number, key = o.Kuaidi100Key,
            parameters = new Dictionary<string, string?> { ["callbackurl"] = o.Kuaidi100CallbackUrl, ["salt"] = salt, ["resultv2"] = "4", ["autoCom"] = "1", ["phone"] = phone },
        });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["schema"] = "json", ["param"] = param });
        using var response = await http.PostAsync(new Uri(o.Kuaidi100BaseUrl, "poll"), form, ct);
        response.EnsureSuccessStatusCode();
        var answer = await JsonSerializer.DeserializeAsync<Kuaidi100Result>(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        return answer is { Result: true } || answer?.ReturnCode == "501";
    }

    // Kuaidi100's protocol prescribes MD5; it is their signature scheme, not our choice of hash.
#pragma warning disable CA5351
    private static string Md5Upper(string text) => Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}
