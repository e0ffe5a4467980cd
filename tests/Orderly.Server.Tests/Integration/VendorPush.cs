using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The vendor's side of a signed and encrypted push (integrations.md A2, B2), written here apart from the server's
/// code: AES-256-CBC with key = Base64Decode(encodingAesKey + "="), IV = the key's first 16 bytes, 32-byte PKCS#7
/// padding, plaintext = 16 random bytes ‖ length (4 bytes big-endian) ‖ message ‖ app id; signatures are lower-hex
/// SHA-1 of the sorted, concatenated values.
/// </summary>
public static class VendorPush
{
    /// <summary>43 characters, as the vendors' consoles generate them.</summary>
    public const string EncodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    public static string Encrypt(string encodingAesKey, string message, string appId)
    {
        var key = Convert.FromBase64String(encodingAesKey + "=");
        var text = Encoding.UTF8.GetBytes(message);
        var plain = new List<byte>(RandomNumberGenerator.GetBytes(16));
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, text.Length);
        plain.AddRange(length);
        plain.AddRange(text);
        plain.AddRange(Encoding.UTF8.GetBytes(appId));
        var pad = 32 - (plain.Count % 32);
        plain.AddRange(Enumerable.Repeat((byte)pad, pad));
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain.ToArray(), key[..16], PaddingMode.None));
    }

    public static string Sha1Sorted(params string[] values)
    {
        var sorted = values.Order(StringComparer.Ordinal);
#pragma warning disable CA5350 // The vendors' protocol.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
#pragma warning restore CA5350
    }

    /// <summary>A Fxiaoke callback as Fxiaoke posts it, signed with the callback token.</summary>
    public static JsonObject Fxiaoke(string token, string encodingAesKey, JsonObject message, DateTimeOffset at, string appId = FakeFxiaoke.AppId)
    {
        var content = Encrypt(encodingAesKey, message.ToJsonString(), appId);
        var stamp = at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        return new JsonObject { ["nonce"] = nonce, ["timeStamp"] = stamp, ["content"] = content, ["sig"] = Sha1Sorted(token, stamp, nonce, content) };
    }

    /// <summary>A Yonyou event push as YonBIP posts it, signed with the app secret.</summary>
    public static JsonObject Yonyou(string appSecret, string encodingAesKey, JsonObject message, DateTimeOffset at, string appKey = FakeYonyou.AppKey)
    {
        var encrypt = Encrypt(encodingAesKey, message.ToJsonString(), appKey);
        var stamp = at.ToUnixTimeMilliseconds();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        return new JsonObject
        {
            ["msgSignature"] = Sha1Sorted(appSecret, stamp.ToString(System.Globalization.CultureInfo.InvariantCulture), nonce, encrypt),
            ["timestamp"] = stamp, ["nonce"] = nonce, ["encrypt"] = encrypt,
        };
    }
}
