namespace Orderly.Server.Infrastructure;

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Keyset paging over time-ordered (version 7) ids: the cursor is the last id of the page.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static int Clamp(int? limit) => Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);

    public static Guid? ParseCursor(string? cursor) =>
        string.IsNullOrEmpty(cursor) ? null
        : Guid.TryParse(cursor, out var id) ? id
        : throw new Orderly.Domain.Common.RuleViolationException("cursor", "InvalidCursor", "The cursor is not one this API returned.");

    public static Page<T> From<T>(List<T> fetched, int limit, Func<T, Guid> idOf) =>
        fetched.Count > limit
            ? new Page<T>(fetched[..limit], idOf(fetched[limit - 1]).ToString())
            : new Page<T>(fetched, null);
}
