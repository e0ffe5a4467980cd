using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orderly.Server.Tests.Supply;

/// <summary>
/// A local SF Express open platform (丰桥) on Kestrel, as shared/integrations.md D2 describes it: form fields partnerID,
/// requestID, serviceCode, timestamp (seconds or milliseconds), msgData and msgDigest =
/// Base64(MD5(URLEncoder(msgData + timestamp + checkword))), computed here independently of the client. Every answer
/// is HTTP 200: <c>apiResultCode</c> A1000 with <c>apiResultData</c> as a JSON string, or an A1xxx error.
/// </summary>
public sealed class FakeSfExpress : IAsyncDisposable
{
    public const string PartnerId = "TESTPARTNER";
    public const string Checkword = "TESTCHECKWORD";

    private readonly WebApplication _app;

    public FakeSfExpress()
    {
        _app = LocalServer.Create();
        _app.MapPost("/std/service", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var msgData = form["msgData"].ToString();
            var timestamp = form["timestamp"].ToString();
            Requests.Enqueue(msgData);
            if (form["partnerID"] != PartnerId)
            {
                return Envelope("A1001", "partnerID 不存在", null);
            }

            if (string.IsNullOrEmpty(form["requestID"]) || form["msgDigest"] != DigestOf(msgData + timestamp + Checkword))
            {
                return Envelope("A1006", "数字签名无效", null);
            }

            if (form["serviceCode"] != "EXP_RECE_SEARCH_ROUTES")
            {
                return Envelope("A1003", "服务代码不存在", null);
            }

            var numbers = JsonNode.Parse(msgData)!["trackingNumber"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            var inner = new JsonObject
            {
                ["success"] = true, ["errorCode"] = "S0000", ["errorMsg"] = null,
                ["msgData"] = new JsonObject
                {
                    ["routeResps"] = new JsonArray([.. numbers.Select(n => (JsonNode)new JsonObject
                    {
                        ["mailNo"] = n,
                        ["routes"] = new JsonArray([.. (Routes.TryGetValue(n, out var rows) ? rows : []).Select(r => (JsonNode)new JsonObject
                        {
                            ["acceptTime"] = r.AcceptTime, ["acceptAddress"] = r.Address, ["remark"] = r.Remark, ["opCode"] = r.OpCode, ["firstStatusName"] = r.FirstStatusName,
                        })]),
                    })]),
                },
            };
            return Envelope("A1000", "", inner.ToJsonString());
        });
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = new Uri(_app.Urls.First() + "/std/service");
    }

    public Uri BaseUrl { get; }

    /// <summary>Routes per waybill, in the order the fake sends them (SF does not promise any).</summary>
    public ConcurrentDictionary<string, IReadOnlyList<(string AcceptTime, string Address, string Remark, string OpCode, string? FirstStatusName)>> Routes { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Java's URLEncoder then MD5 then Base64, written out separately from the client's code.</summary>
    public static string DigestOf(string text)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            encoded.Append(b switch
            {
                >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'-' or (byte)'*' or (byte)'_' => ((char)b).ToString(),
                (byte)' ' => "+",
                _ => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture),
            });
        }

#pragma warning disable CA5351 // SF's signature scheme is MD5.
        return Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(encoded.ToString())));
#pragma warning restore CA5351
    }

    private static IResult Envelope(string code, string message, string? data) =>
        Results.Text(JsonSerializer.Serialize(new { apiErrorMsg = message, apiResponseID = Guid.NewGuid().ToString("N"), apiResultCode = code, apiResultData = data }), "application/json");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
