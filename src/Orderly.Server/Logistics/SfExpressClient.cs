using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Logistics;

namespace Orderly.Server.Logistics;

/// <summary>One waybill's routes from SF, oldest first, as our tracking events.</summary>
public sealed record SfRoutes(string MailNo, IReadOnlyList<TrackingEvent> Events)
{
    public TrackingState? CurrentState => Events.Count == 0 ? null : Events[^1].State;
}

/// <summary>
/// SF Express open platform (丰桥, shared/integrations.md D2): route query <c>EXP_RECE_SEARCH_ROUTES</c>, form fields
/// partnerID, requestID, serviceCode, timestamp (Unix seconds), msgData and msgDigest =
/// Base64(MD5(urlEncode(msgData + timestamp + checkword))) with Java's URLEncoder rules. Business errors come back as
/// HTTP 200 with <c>apiResultCode</c> other than A1000, and the payload is a JSON string inside the JSON.
/// </summary>
public sealed class SfExpressClient(HttpClient http, IOptionsMonitor<LogisticsOptions> options, TimeProvider time)
{
    public const string RouteService = "EXP_RECE_SEARCH_ROUTES";

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public bool Configured => options.CurrentValue is { SfPartnerId.Length: > 0, SfCheckword.Length: > 0 };

    public static string Digest(string msgData, string timestamp, string checkword)
    {
        // SF's protocol prescribes MD5; it is their signature scheme, not our choice of hash.
#pragma warning disable CA5351
        var hash = MD5.HashData(Encoding.UTF8.GetBytes(JavaUrlEncode(msgData + timestamp + checkword)));
#pragma warning restore CA5351
        return Convert.ToBase64String(hash);
    }

    /// <summary>
    /// Java's <c>URLEncoder.encode(s, "UTF-8")</c>: letters, digits and <c>. - * _</c> stay, space becomes +, every other
    /// UTF-8 byte is %XX in upper case (.NET's HttpUtility would write lower-case hex and break the digest).
    /// </summary>
    public static string JavaUrlEncode(string text)
    {
        var builder = new StringBuilder(text.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '*' or '_')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The msgData of a route query by waybill number, in the field order of SF's SDK.</summary>
    public static string RouteQuery(IReadOnlyList<string> numbers, string? checkPhoneNo)
    {
        var query = new JsonObject
        {
            ["language"] = "0",
            ["trackingType"] = "1",
            ["trackingNumber"] = new JsonArray([.. numbers.Select(n => JsonValue.Create(n))]),
            ["methodType"] = "1",
        };
        if (checkPhoneNo is { Length: > 0 })
        {
            query["checkPhoneNo"] = checkPhoneNo;
        }

        return query.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Routes of up to 10 waybills; an SF business error is an <see cref="HttpRequestException"/> so the poll retries later.</summary>
    public async Task<IReadOnlyList<SfRoutes>> RoutesAsync(IReadOnlyList<string> numbers, string? checkPhoneNo, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var msgData = RouteQuery(numbers, checkPhoneNo);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["partnerID"] = o.SfPartnerId!, ["requestID"] = Guid.NewGuid().ToString(), ["serviceCode"] = RouteService, ["timestamp"] = timestamp,
            ["msgData"] = msgData, ["msgDigest"] = Digest(msgData, timestamp, o.SfCheckword!),
        });
        using var response = await http.PostAsync(o.SfBaseUrl, form, ct);
        response.EnsureSuccessStatusCode();
        var envelope = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        if (envelope?["apiResultCode"]?.GetValue<string>() != "A1000")
        {
            throw new HttpRequestException($"SF answered {envelope?["apiResultCode"]}: {envelope?["apiErrorMsg"]}");
        }

        // apiResultData is a JSON text inside the JSON: parsed a second time.
        var data = JsonNode.Parse(envelope["apiResultData"]?.GetValue<string>() ?? "{}");
        if (data?["success"]?.GetValue<bool>() != true)
        {
            throw new HttpRequestException($"SF route query failed {data?["errorCode"]}: {data?["errorMsg"]}");
        }

        return [.. (data["msgData"]?["routeResps"]?.AsArray() ?? []).Where(r => r is not null).Select(r => new SfRoutes(
            r!["mailNo"]?.GetValue<string>() ?? "",
            // Routes may arrive out of order: sorted by their time before the state is derived.
            [.. (r["routes"]?.AsArray() ?? []).Where(x => x is not null).Select(x => EventOf(x!)).Where(e => e is not null).Select(e => e!).OrderBy(e => e.At)]))];
    }

    private static TrackingEvent? EventOf(JsonNode route)
    {
        if (!DateTime.TryParseExact(route["acceptTime"]?.GetValue<string>(), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var status = route["firstStatusName"]?.GetValue<string>();
        var opCode = route["opCode"]?.GetValue<string>();
        var state = TrackingStates.FromStatusName(status) ?? StateOfOpCode(opCode);
        return new TrackingEvent(new DateTimeOffset(local, China).ToUniversalTime(), state, Clip(status ?? opCode, 40),
            Clip(route["acceptAddress"]?.GetValue<string>(), 200), Clip(route["remark"]?.GetValue<string>(), 500));
    }

    /// <summary>SF operation codes: 50 收件 and 80 签收 are verified; 44/204 派件, 70 退回, 30 中转 are taken as published by clients.</summary>
    public static TrackingState StateOfOpCode(string? opCode) => opCode switch
    {
        "50" => TrackingState.PickedUp,
        "80" or "8000" => TrackingState.Delivered,
        "44" or "204" => TrackingState.OutForDelivery,
        "70" => TrackingState.Returning,
        _ => TrackingState.InTransit,
    };

    private static string? Clip(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..max];
}
