using System.Globalization;

namespace Orderly.Domain.Integration;

/// <summary>
/// Where a keyset sweep of a vendor's records got to: the vendor's own modification stamp of the last record applied,
/// as the vendor wrote it (its clock and zone, never converted through ours), and that record's key, the tie-break among
/// records with the same stamp. The vendor lists records in (stamp, key) order, so everything at or before the
/// position has been applied and a sweep resumed after a crash continues right after it.
/// </summary>
public sealed record SyncPosition(string? Modified, string? Key)
{
    /// <summary>The vendor's listing order: by stamp, then by key.</summary>
    public static readonly IComparer<SyncPosition> ListingOrder = Comparer<SyncPosition>.Create((a, b) => a.CompareTo(b));

    public const int ModifiedMaxLength = 40;
    public const int KeyMaxLength = 100;

    /// <summary>True when the position can be stored (vendor stamps and keys are short; an odd one is not persisted).</summary>
    public bool Storable => Modified is not { Length: > ModifiedMaxLength } && Key is not { Length: > KeyMaxLength };

    public int CompareTo(SyncPosition? other) =>
        other is null ? 1 : CompareText(Modified, other.Modified) is var byStamp and not 0 ? byStamp : CompareKeys(Key, other.Key);

    /// <summary>Missing stamps first (as SQL sorts NULLs first ascending), then ordinal order of the vendor's text.</summary>
    public static int CompareText(string? a, string? b) =>
        a is null ? (b is null ? 0 : -1) : b is null ? 1 : string.CompareOrdinal(a, b);

    /// <summary>Keys compare as numbers when both are integers (Kingdee's FIDs, Yonyou's ids), else ordinally.</summary>
    public static int CompareKeys(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return CompareText(a, b);
        }

        return long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x) && long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);
    }

    /// <summary>
    /// The stamp moved back by <paramref name="overlap"/>, with no key: where a new sweep after a finished one starts, so
    /// a record the vendor committed late with an earlier stamp is still read. The layout of the vendor's text is kept
    /// (<c>yyyy-MM-dd HH:mm:ss</c> or ISO 8601 with <c>T</c>); a stamp that does not parse is kept as it is.
    /// </summary>
    public SyncPosition Rewind(TimeSpan overlap)
    {
        if (Modified is null || !DateTime.TryParse(Modified, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.RoundtripKind, out var stamp))
        {
            return this with { Key = null };
        }

        var layout = Modified.Contains('T', StringComparison.Ordinal) ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd HH:mm:ss";
        return new SyncPosition(stamp.Add(-overlap).ToString(layout, CultureInfo.InvariantCulture), null);
    }
}

/// <summary>
/// The persisted cursor of one connector's object (materials, customers, ...): the position of the last page applied,
/// written in the same transaction as that page, and whether the sweep that wrote it reached the end.
/// </summary>
public sealed class SyncCursor
{
    private SyncCursor()
    {
    }

    public SyncCursor(string connector, string objectType, DateTimeOffset now)
    {
        Connector = connector;
        ObjectType = objectType;
        UpdatedAt = now;
    }

    public string Connector { get; private set; } = "";
    public string ObjectType { get; private set; } = "";

    /// <summary>The vendor's modification stamp of the last record applied, as the vendor wrote it.</summary>
    public string? Modified { get; private set; }

    /// <summary>The key of the last record applied (the tie-break among records with the same stamp).</summary>
    public string? LastKey { get; private set; }

    /// <summary>The sweep that set the position reached the end of the vendor's list (else it was cut off and resumes there).</summary>
    public bool Complete { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public SyncPosition? Position => Modified is null && LastKey is null ? null : new SyncPosition(Modified, LastKey);

    public void Advance(SyncPosition position, DateTimeOffset now)
    {
        if (!position.Storable)
        {
            return;
        }

        Modified = position.Modified;
        LastKey = position.Key;
        Complete = false;
        UpdatedAt = now;
    }

    public void Finish(DateTimeOffset now)
    {
        Complete = true;
        UpdatedAt = now;
    }

    /// <summary>Where the next incremental sweep starts: right after the position when the last one was cut off, else a little before it.</summary>
    public SyncPosition? ResumeFrom(TimeSpan overlap) => Position is not { } position ? null : Complete ? position.Rewind(overlap) : position;
}
