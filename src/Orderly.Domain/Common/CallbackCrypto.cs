using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Orderly.Domain.Common;

/// <summary>
/// The callback scheme WeCom (企业微信 "回调和回复的加解密方案", WXBizMsgCrypt), Fxiaoke and Yonyou share: signature =
/// lower-hex SHA1 of the sorted, concatenated token, timestamp, nonce and ciphertext; AES-256-CBC with key =
/// Base64Decode(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks; plaintext =
/// 16 random bytes, the message length (4 bytes big-endian), the message (UTF-8) and a trailer (WeCom's receive id,
/// the corp id; Fxiaoke's and Yonyou's app id).
/// </summary>
public static class CallbackCrypto
{
    private const int BlockSize = 32;

    /// <summary>The 32-byte key of a 43-character EncodingAESKey, or null when it is not one.</summary>
    public static byte[]? Key(string? encodingAesKey)
    {
        if (encodingAesKey is not { Length: 43 })
        {
            return null;
        }

        try
        {
            var key = Convert.FromBase64String(encodingAesKey + "=");
            return key.Length == 32 ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string Signature(string token, string timestamp, string nonce, string encrypted)
    {
        string[] parts = [token, timestamp, nonce, encrypted];
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // WeCom's protocol fixes SHA-1; it authenticates a callback, it protects no secret at rest.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    /// <summary>Whether <paramref name="signature"/> is the signature of the rest, compared in constant time.</summary>
    public static bool Verify(string token, string timestamp, string nonce, string encrypted, string? signature) =>
        signature is { Length: 40 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature(token, timestamp, nonce, encrypted)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));

    /// <summary>The message and the receive id of a ciphertext, or null when it does not decrypt to that layout.</summary>
    public static (string Message, string ReceiveId)? Decrypt(byte[] key, string encrypted)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypted);
        }
        catch (FormatException)
        {
            return null;
        }

        if (cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            return null;
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(cipher, key.AsSpan(0, 16), PaddingMode.None);
        var pad = plain[^1];
        if (pad is < 1 or > BlockSize || pad > plain.Length || plain.AsSpan(plain.Length - pad).ContainsAnyExcept(pad))
        {
            return null;
        }

        var body = plain.AsSpan(0, plain.Length - pad);
        if (body.Length < 20)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(body.Slice(16, 4));
        if (length < 0 || length > body.Length - 20)
        {
            return null;
        }

        try
        {
            var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
            return (strict.GetString(body.Slice(20, length)), strict.GetString(body[(20 + length)..]));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Encrypts a message as WeCom does (for passive replies and tests).</summary>
    public static string Encrypt(byte[] key, string message, string receiveId, ReadOnlySpan<byte> random16)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var tail = Encoding.UTF8.GetBytes(receiveId);
        var length = 20 + text.Length + tail.Length;
        var pad = BlockSize - (length % BlockSize);
        var plain = new byte[length + pad];
        random16[..16].CopyTo(plain);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), text.Length);
        text.CopyTo(plain, 20);
        tail.CopyTo(plain, 20 + text.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }
}
