using Orderly.Domain.Common;

namespace Orderly.Domain.Inventory;

/// <summary>Why stock was adjusted. <see cref="Count"/> is booked by cycle counts only, never chosen by hand.</summary>
public enum AdjustmentReason
{
    Damage,
    Loss,
    Found,
    Correction,
    Expiry,
    Sample,
    Other,
    Count,
}

/// <summary>
/// One product's change in an adjustment: the signed quantity booked to on hand. A cycle count line also keeps
/// the book quantity it found and the quantity counted (the booked quantity is their difference, possibly zero).
/// </summary>
public sealed record StockAdjustmentLine(Guid ProductId, decimal Quantity, decimal? BookQuantity = null, decimal? CountedQuantity = null);

/// <summary>A product and the quantity found on the shelf in a cycle count, with the book quantity at that instant.</summary>
public sealed record CountedLine(Guid ProductId, decimal BookQuantity, decimal CountedQuantity);

/// <summary>
/// A correction of on hand in one warehouse with its reason: damage, loss, found goods, expiry, samples, a
/// correction, or a cycle count (the counted quantity replaces the book quantity). The cause of its
/// <see cref="StockMovementKind.Adjustment"/> ledger entries. A decrease may never take on hand below what is
/// reserved: reserved goods are promised to orders, and a manager must release them first.
/// </summary>
public sealed class StockAdjustment
{
    public const int MaxLines = 1000;
    public const int NoteMaxLength = 200;

    private readonly List<StockAdjustmentLine> _lines = [];

    private StockAdjustment()
    {
    }

    private StockAdjustment(string number, Guid warehouseId, AdjustmentReason reason, string? note, IEnumerable<StockAdjustmentLine> lines, DateTimeOffset at, Guid? actorId)
    {
        Id = Ids.New(at);
        Number = number;
        WarehouseId = warehouseId;
        Reason = reason;
        Note = note;
        At = at;
        ActorId = actorId;
        _lines.AddRange(lines);
    }

    public Guid Id { get; private set; }
    public string Number { get; private set; } = "";
    public Guid WarehouseId { get; private set; }
    public AdjustmentReason Reason { get; private set; }
    public string? Note { get; private set; }
    public DateTimeOffset At { get; private set; }
    public Guid? ActorId { get; private set; }
    public IReadOnlyList<StockAdjustmentLine> Lines => _lines;

    public bool IsCount => Reason == AdjustmentReason.Count;

    /// <summary>What the ledger entries say: the reason code, then the note when there is one.</summary>
    public string LedgerNote => Note is null ? $"{Reason} {Number}" : $"{Reason} {Number}: {Note}";

    /// <summary>An adjustment by hand: signed, non-zero quantities whose direction fits the reason.</summary>
    public static StockAdjustment Adjust(
        string number, Guid warehouseId, AdjustmentReason reason, string? note, IReadOnlyList<(Guid ProductId, decimal Quantity)> lines,
        DateTimeOffset at, Guid? actorId)
    {
        var violations = new List<RuleViolation>();
        var normalized = Validate(reason, note, lines, violations);
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        return new StockAdjustment(number, warehouseId, reason, normalized, lines.Select(l => new StockAdjustmentLine(l.ProductId, l.Quantity)), at, actorId);
    }

    /// <summary>A cycle count: each line books the difference between what was counted and the book quantity.</summary>
    public static StockAdjustment Count(string number, Guid warehouseId, string? note, IReadOnlyList<CountedLine> lines, DateTimeOffset at, Guid? actorId)
    {
        var violations = new List<RuleViolation>();
        var normalized = ValidateCount(note, [.. lines.Select(l => (l.ProductId, l.CountedQuantity))], violations);
        if (lines.Any(l => l.BookQuantity < 0))
        {
            violations.Add(new("lines", "InvalidBookQuantity", "A book quantity is never negative."));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        return new StockAdjustment(number, warehouseId, AdjustmentReason.Count, normalized,
            lines.Select(l => new StockAdjustmentLine(l.ProductId, l.CountedQuantity - l.BookQuantity, l.BookQuantity, l.CountedQuantity)), at, actorId);
    }

    /// <summary>
    /// Damaged, lost, expired and sampled goods leave the shelf; found goods come back to it; a correction or
    /// another reason may go either way. A count is booked only by <see cref="Count"/>.
    /// </summary>
    public static bool Allows(AdjustmentReason reason, decimal quantity) => reason switch
    {
        AdjustmentReason.Damage or AdjustmentReason.Loss or AdjustmentReason.Expiry or AdjustmentReason.Sample => quantity < 0,
        AdjustmentReason.Found => quantity > 0,
        AdjustmentReason.Correction or AdjustmentReason.Other => quantity != 0,
        _ => false,
    };

    /// <summary>Checks an adjustment by hand, adding one violation per field and rule; returns the normalised note.</summary>
    public static string? Validate(AdjustmentReason reason, string? note, IReadOnlyList<(Guid ProductId, decimal Quantity)> lines, List<RuleViolation> violations)
    {
        var normalized = Text.Optional(note, "note", NoteMaxLength, violations);
        if (!Enum.IsDefined(reason) || reason == AdjustmentReason.Count)
        {
            violations.Add(new("reason", "InvalidReason", "An adjustment's reason is Damage, Loss, Found, Correction, Expiry, Sample or Other; counts are booked through /api/inventory/counts."));
        }
        else if (reason == AdjustmentReason.Other && normalized is null)
        {
            violations.Add(new("note", "NoteRequired", "Say in a note what 'Other' means."));
        }

        CheckLineCount(lines.Count, violations);
        for (var i = 0; i < lines.Count; i++)
        {
            var quantity = lines[i].Quantity;
            if (quantity == 0 || Math.Abs(quantity) > Quantity.Max || !Quantity.HasAtMostMaxDecimals(quantity))
            {
                violations.Add(new($"lines[{i}].quantity", "InvalidQuantity",
                    $"An adjusted quantity is non-zero, at most {Quantity.Max} either way, with at most {Quantity.MaxDecimals} decimals."));
            }
            else if (reason != AdjustmentReason.Count && Enum.IsDefined(reason) && !Allows(reason, quantity))
            {
                violations.Add(new($"lines[{i}].quantity", "ReasonDirection",
                    reason == AdjustmentReason.Found ? "Found goods increase stock: the quantity is positive." : $"{reason} decreases stock: the quantity is negative."));
            }
        }

        CheckDuplicates(lines.Select(l => l.ProductId).ToList(), violations);
        return normalized;
    }

    /// <summary>Checks a cycle count's counted quantities (zero or more); returns the normalised note.</summary>
    public static string? ValidateCount(string? note, IReadOnlyList<(Guid ProductId, decimal CountedQuantity)> lines, List<RuleViolation> violations)
    {
        var normalized = Text.Optional(note, "note", NoteMaxLength, violations);
        CheckLineCount(lines.Count, violations);
        for (var i = 0; i < lines.Count; i++)
        {
            var counted = lines[i].CountedQuantity;
            if (counted < 0 || counted > Quantity.Max || !Quantity.HasAtMostMaxDecimals(counted))
            {
                violations.Add(new($"lines[{i}].countedQuantity", "InvalidQuantity",
                    $"A counted quantity is zero or more, at most {Quantity.Max}, with at most {Quantity.MaxDecimals} decimals."));
            }
        }

        CheckDuplicates(lines.Select(l => l.ProductId).ToList(), violations);
        return normalized;
    }

    private static void CheckLineCount(int count, List<RuleViolation> violations)
    {
        if (count is 0 or > MaxLines)
        {
            violations.Add(new("lines", "LineCount", $"Give 1 to {MaxLines} lines."));
        }
    }

    /// <summary>One line per product, so that each line is one conditional update and one ledger entry.</summary>
    private static void CheckDuplicates(List<Guid> productIds, List<RuleViolation> violations)
    {
        var seen = new HashSet<Guid>();
        for (var i = 0; i < productIds.Count; i++)
        {
            if (!seen.Add(productIds[i]))
            {
                violations.Add(new($"lines[{i}].productId", "DuplicateProduct", "Each product appears on one line."));
            }
        }
    }
}
