using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Orderly.Server.Integration;

/// <summary>
/// The encryption of Fxiaoke's callbacks (integrations.md A2), which Yonyou's event pushes share: AES-256-CBC with
/// key = Base64Decode(encodingAesKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks (the
/// vendors' SDKs pad themselves and decrypt with NoPadding); the plaintext is 16 random bytes, the message length as
/// 4 bytes big-endian, the message (UTF-8) and a trailer (the app id).
/// </summary>
public static class PushCrypto
{
    private const int BlockSize = 32;

    /// <summary>The 32-byte key of a 43-character encodingAesKey, or null when it is not one.</summary>
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

    /// <summary>The message and the trailer of an encrypted push, or null when it does not decrypt to that layout.</summary>
    public static (string Message, string Trailer)? Decrypt(byte[] key, string content)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(content);
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

    /// <summary>Encrypts a message the way the vendor does (used to answer the vendor's URL check and by the docs' examples).</summary>
    public static string Encrypt(byte[] key, string message, string trailer, ReadOnlySpan<byte> random16)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var tail = Encoding.UTF8.GetBytes(trailer);
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
