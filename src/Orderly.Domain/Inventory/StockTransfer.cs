using Orderly.Domain.Common;

namespace Orderly.Domain.Inventory;

public enum StockTransferStatus
{
    InTransit,
    Received,
    Cancelled,
}

public sealed record StockTransferLine(Guid ProductId, decimal Quantity);

/// <summary>
/// Stock on its way from one warehouse to another. It leaves the source's on hand when the transfer is created
/// (a <see cref="StockMovementKind.TransferOut"/> entry) and joins the destination's on hand when it is received
/// (a <see cref="StockMovementKind.TransferIn"/> entry); a cancelled transfer puts it back at the source. While in
/// transit it is on no warehouse's shelf: neither available nor reservable anywhere, shown as incoming at the
/// destination. Every balance stays the sum of its own ledger entries; what is in transit is the transfer's
/// out-entries not yet matched by in-entries.
/// </summary>
public sealed class StockTransfer : IVersioned
{
    /// <summary>A goods transfer takes days or weeks; a date years ahead is a typing mistake.</summary>
    public const int MaxArrivalYears = 2;

    public const int MaxLines = 1000;
    public const int TextMaxLength = 200;

    private readonly List<StockTransferLine> _lines = [];

    private StockTransfer()
    {
    }

    public StockTransfer(
        string number, Guid fromWarehouseId, Guid toWarehouseId, DateOnly? expectedArrival, string? note,
        IReadOnlyList<StockTransferLine> lines, DateOnly today, DateTimeOffset at, Guid? actorId)
    {
        var violations = new List<RuleViolation>();
        var normalized = Validate(fromWarehouseId, toWarehouseId, expectedArrival, note, lines, today, violations);
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        Id = Ids.New(at);
        Number = number;
        FromWarehouseId = fromWarehouseId;
        ToWarehouseId = toWarehouseId;
        ExpectedArrival = expectedArrival;
        Note = normalized;
        Status = StockTransferStatus.InTransit;
        CreatedAt = at;
        CreatedBy = actorId;
        _lines.AddRange(lines);
    }

    public Guid Id { get; private set; }
    public string Number { get; private set; } = "";
    public Guid FromWarehouseId { get; private set; }
    public Guid ToWarehouseId { get; private set; }
    public StockTransferStatus Status { get; private set; }
    public DateOnly? ExpectedArrival { get; private set; }
    public string? Note { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset? ReceivedAt { get; private set; }
    public Guid? ReceivedBy { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }
    public Guid? CancelledBy { get; private set; }
    public string? CancelReason { get; private set; }
    public int Version { get; set; }
    public IReadOnlyList<StockTransferLine> Lines => _lines;

    /// <summary>The goods arrived at the destination and are on its shelf now.</summary>
    public void Receive(DateTimeOffset at, Guid? actorId)
    {
        EnsureInTransit("receive");
        Status = StockTransferStatus.Received;
        ReceivedAt = at;
        ReceivedBy = actorId;
    }

    /// <summary>The goods never left, or came back: they return to the source's shelf.</summary>
    public void Cancel(string? reason, DateTimeOffset at, Guid? actorId)
    {
        var normalized = Text.Optional(reason, "reason", TextMaxLength);
        EnsureInTransit("cancel");
        Status = StockTransferStatus.Cancelled;
        CancelReason = normalized;
        CancelledAt = at;
        CancelledBy = actorId;
    }

    /// <summary>Checks a new transfer, adding one violation per field and rule; returns the normalised note.</summary>
    public static string? Validate(
        Guid fromWarehouseId, Guid toWarehouseId, DateOnly? expectedArrival, string? note, IReadOnlyList<StockTransferLine> lines,
        DateOnly today, List<RuleViolation> violations)
    {
        var normalized = Text.Optional(note, "note", TextMaxLength, violations);
        if (fromWarehouseId == toWarehouseId)
        {
            violations.Add(new("toWarehouseId", "SameWarehouse", "A transfer goes to another warehouse than the one it leaves."));
        }

        if (expectedArrival is { } arrival && arrival < today)
        {
            violations.Add(new("expectedArrival", "ExpectedArrivalInPast", $"The expected arrival is today ({today:yyyy-MM-dd}) or later."));
        }
        else if (expectedArrival is { } later && later > today.AddYears(MaxArrivalYears))
        {
            violations.Add(new("expectedArrival", "ExpectedArrivalTooLate", $"The expected arrival is at most {MaxArrivalYears} years ahead ({today.AddYears(MaxArrivalYears):yyyy-MM-dd})."));
        }

        if (lines.Count is 0 or > MaxLines)
        {
            violations.Add(new("lines", "LineCount", $"Give 1 to {MaxLines} lines."));
        }

        var seen = new HashSet<Guid>();
        for (var i = 0; i < lines.Count; i++)
        {
            var quantity = lines[i].Quantity;
            if (quantity <= 0 || quantity > Quantity.Max || !Quantity.HasAtMostMaxDecimals(quantity))
            {
                violations.Add(new($"lines[{i}].quantity", "InvalidQuantity",
                    $"A transferred quantity is positive, at most {Quantity.Max}, with at most {Quantity.MaxDecimals} decimals."));
            }

            if (!seen.Add(lines[i].ProductId))
            {
                violations.Add(new($"lines[{i}].productId", "DuplicateProduct", "Each product appears on one line."));
            }
        }

        return normalized;
    }

    private void EnsureInTransit(string action)
    {
        if (Status != StockTransferStatus.InTransit)
        {
            throw new IllegalTransitionException("stock transfer", Status.ToString(), action);
        }
    }
}
