namespace Orderly.Server.Data;

/// <summary>A counter row per document series and year (e.g. SO-2026); numbers come from it inside the writing transaction.</summary>
public sealed class NumberSequence
{
    public required string Name { get; init; }
    public long LastValue { get; set; }
}
