using System.Security.Cryptography;
using System.Text;

namespace Orderly.Server.Communication;

/// <summary>The signatures of the outside messaging services (shared/integrations.md C2-C4), byte for byte.</summary>
public static class Signatures
{
    /// <summary>RFC 3986 percent-encoding as Aliyun's RPC signature wants it: upper-case hex, space as %20, * as %2A, ~ kept.</summary>
    public static string PercentEncode(string value) => Uri.EscapeDataString(value).Replace("+", "%20", StringComparison.Ordinal).Replace("*", "%2A", StringComparison.Ordinal).Replace("%7E", "~", StringComparison.Ordinal);

    /// <summary>The canonical query of Aliyun's RPC signature v1: parameters sorted by name, each encoded.</summary>
    public static string AliyunCanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => PercentEncode(p.Key) + "=" + PercentEncode(p.Value)));

    /// <summary>Aliyun RPC v1: Base64(HMAC-SHA1(secret + "&amp;", "GET&amp;%2F&amp;" + percentEncode(canonical query))).</summary>
    public static string Aliyun(IEnumerable<KeyValuePair<string, string>> parameters, string accessKeySecret, string method = "GET")
    {
        var stringToSign = method + "&" + PercentEncode("/") + "&" + PercentEncode(AliyunCanonicalQuery(parameters));
        // SHA-1 because Aliyun's RPC signature v1 is defined with it; nothing of ours relies on its strength.
#pragma warning disable CA5350
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret + "&"), Encoding.UTF8.GetBytes(stringToSign)));
#pragma warning restore CA5350
    }

    /// <summary>DingTalk 加签: Base64(HMAC-SHA256(key = secret, timestamp(ms) + "\n" + secret)), not yet URL-encoded.</summary>
    public static string DingTalk(long timestampMs, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestampMs}\n{secret}")));

    /// <summary>Feishu: Base64(HMAC-SHA256(key = timestamp(s) + "\n" + secret, message = empty)).</summary>
    public static string Feishu(long timestampSeconds, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestampSeconds}\n{secret}"), Array.Empty<byte>()));
}
