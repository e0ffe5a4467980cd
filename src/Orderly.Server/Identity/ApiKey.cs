using System.Security.Cryptography;
using System.Text;
using Orderly.Domain.Common;

namespace Orderly.Server.Identity;

/// <summary>
/// A key for an integration (ERP, CRM, scripts), bound to roles and revocable. Only a SHA-256 hash of the secret
/// is stored; the key itself is shown once, when it is created.
/// </summary>
public sealed class ApiKey
{
    public const string Prefix = "ok_";

    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The public part of the key, used to find it; also shown in lists so people can tell keys apart.</summary>
    public required string KeyId { get; set; }
    public required string KeyHash { get; set; }
    public required string Roles { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Creates a key: returns the entity to store and the full key to show once.</summary>
    public static (ApiKey Key, string Secret) Issue(string name, IEnumerable<string> roles, Guid createdBy, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var full = $"{Prefix}{keyId}_{secret}";
        var key = new ApiKey
        {
            Id = Ids.New(now),
            Name = name,
            KeyId = keyId,
            KeyHash = HashOf(full),
            Roles = string.Join(',', roles.Distinct()),
            CreatedBy = createdBy,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        return (key, full);
    }

    public static string HashOf(string fullKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullKey)));

    public static string? KeyIdOf(string fullKey)
    {
        if (!fullKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = fullKey[Prefix.Length..];
        var separator = rest.IndexOf('_', StringComparison.Ordinal);
        return separator == 12 ? rest[..separator] : null;
    }

    public bool Matches(string fullKey) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashOf(fullKey)), Encoding.ASCII.GetBytes(KeyHash));
}
