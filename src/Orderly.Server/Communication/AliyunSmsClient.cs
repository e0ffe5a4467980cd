using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Communication;

/// <summary>Aliyun SMS (Dysmsapi 2017-05-25, SendSms) with the RPC v1 signature; <c>Code=OK</c> means accepted.</summary>
public sealed class AliyunSmsClient(IHttpClientFactory clients, IOptions<CommunicationOptions> options, TimeProvider time)
{
    public async Task SendAsync(string phone, string templateCode, string templateParam, string outId, CancellationToken ct)
    {
        var sms = options.Value.Sms;
        if (!sms.IsConfigured)
        {
            throw new InvalidOperationException("SMS is not configured (Orderly:Communication:Sms).");
        }

        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["AccessKeyId"] = sms.AccessKeyId!,
            ["Action"] = "SendSms",
            ["Version"] = "2017-05-25",
            ["RegionId"] = "cn-hangzhou",
            ["Format"] = "JSON",
            ["SignatureMethod"] = "HMAC-SHA1",
            ["SignatureVersion"] = "1.0",
            ["SignatureNonce"] = Guid.NewGuid().ToString(),
            ["Timestamp"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["PhoneNumbers"] = phone,
            ["SignName"] = sms.SignName,
            ["TemplateCode"] = templateCode,
            ["TemplateParam"] = templateParam,
            ["OutId"] = outId,
        };
        var signature = Signatures.Aliyun(parameters, sms.AccessKeySecret!);
        var url = sms.Endpoint.TrimEnd('/') + "/?Signature=" + Signatures.PercentEncode(signature) + "&" + Signatures.AliyunCanonicalQuery(parameters);
        using var response = await clients.CreateClient(nameof(AliyunSmsClient)).GetAsync(url, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        string? code = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            code = json.RootElement.TryGetProperty("Code", out var c) ? c.GetString() : null;
        }
        catch (JsonException)
        {
            // Not JSON: reported below with the status.
        }

        if (!response.IsSuccessStatusCode || code != "OK")
        {
            throw new HttpRequestException($"Aliyun SMS answered {(int)response.StatusCode} {code ?? body[..Math.Min(body.Length, 200)]}");
        }
    }
}
