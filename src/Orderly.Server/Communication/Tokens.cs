using System.Security.Cryptography;
using System.Text;

namespace Orderly.Server.Communication;

/// <summary>Public link tokens: 256 random bits, URL-safe; only their SHA-256 is stored.</summary>
public static class Tokens
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A 128-bit token in lower-case base32 (26 characters) for e-mail reply addresses, whose local part may lose its case.</summary>
    public static string NewMailbox()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var value = new System.Numerics.BigInteger(RandomNumberGenerator.GetBytes(16), isUnsigned: true);
        var text = new StringBuilder(26);
        for (var i = 0; i < 26; i++)
        {
            text.Append(alphabet[(int)(value & 31)]);
            value >>= 5;
        }

        return text.ToString();
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool LooksValid(string? token) => token is { Length: >= 20 and <= 100 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
