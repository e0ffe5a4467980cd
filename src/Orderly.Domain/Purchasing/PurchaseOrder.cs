using Orderly.Domain.Common;

namespace Orderly.Domain.Purchasing;

public sealed record PurchaseOrderLineInput(Guid ProductId, decimal Quantity, long UnitPriceMinor, long? ListPriceMinor, Guid? SalesOrderLineId, DateOnly? ExpectedDate);

public sealed record ReceiptLineInput(Guid LineId, decimal Quantity, decimal Rejected);

/// <summary>
/// Our order to a supplier: Draft -> Approved -> Sent -> Confirmed -> PartiallyReceived -> Received -> Closed, or
/// Cancelled. Receipts are checked against the ordered quantity plus a tolerance; a drop-ship order is never received
/// into our stock, the supplier ships it to our customer.
/// </summary>
public sealed class PurchaseOrder : IVersioned, IHasDomainEvents
{
    public const int MaxLines = 500;

    private readonly List<PurchaseOrderLine> _lines = [];
    private List<IDomainEvent>? _events;

    private PurchaseOrder()
    {
    }

    public PurchaseOrder(string number, Guid supplierId, Guid warehouseId, string currency, IReadOnlyList<PurchaseOrderLineInput> lines,
        Guid? salesOrderId, bool dropShip, DateTimeOffset at, Guid? by)
    {
        if (lines.Count is 0 or > MaxLines)
        {
            throw new RuleViolationException("lines", "LineCount", $"A purchase order has 1 to {MaxLines} lines.");
        }

        var violations = new List<RuleViolation>();
        for (var i = 0; i < lines.Count; i++)
        {
            var q = lines[i].Quantity;
            if (q <= 0 || q > Quantity.Max || !Quantity.HasAtMostMaxDecimals(q))
            {
                violations.Add(new($"lines[{i}].quantity", "InvalidQuantity", $"A quantity is positive, at most {Quantity.Max} with {Quantity.MaxDecimals} decimals."));
            }

            if (lines[i].UnitPriceMinor <= 0)
            {
                violations.Add(new($"lines[{i}].unitPrice", "NotPositive", "A unit price is positive."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        Id = Ids.New(at);
        Number = number;
        SupplierId = supplierId;
        WarehouseId = warehouseId;
        Currency = currency;
        SalesOrderId = salesOrderId;
        DropShip = dropShip;
        CreatedAt = at;
        CreatedBy = by;
        Status = PurchaseOrderStatus.Draft;
        for (var i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            _lines.Add(new PurchaseOrderLine(i + 1, l.ProductId, l.Quantity, l.UnitPriceMinor, l.ListPriceMinor, l.SalesOrderLineId, l.ExpectedDate));
        }

        TotalMinor = _lines.Sum(l => (long)Math.Round(l.Quantity * l.UnitPriceMinor, MidpointRounding.AwayFromZero));
    }

    public Guid Id { get; private set; }
    public string Number { get; private set; } = "";
    public Guid SupplierId { get; private set; }
    public Guid WarehouseId { get; private set; }
    public string Currency { get; private set; } = "CNY";
    public PurchaseOrderStatus Status { get; private set; }
    public long TotalMinor { get; private set; }
    /// <summary>The sales order this purchase serves (make-to-order or drop-ship).</summary>
    public Guid? SalesOrderId { get; private set; }
    /// <summary>The supplier ships straight to our customer; nothing is received into our stock.</summary>
    public bool DropShip { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset? ApprovedAt { get; private set; }
    public Guid? ApprovedBy { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public DateTimeOffset? ConfirmedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public string? StatusReason { get; private set; }
    public int Version { get; set; }
    public IReadOnlyList<PurchaseOrderLine> Lines => _lines;

    public Money Total => Money.FromMinor(TotalMinor, Currency);

    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = (IReadOnlyList<IDomainEvent>?)_events ?? [];
        _events = null;
        return taken;
    }

    public void Approve(DateTimeOffset at, Guid? by)
    {
        Require(PurchaseOrderStatus.Draft, "approve");
        Status = PurchaseOrderStatus.Approved;
        ApprovedAt = at;
        ApprovedBy = by;
        Raise(new PurchaseOrderApproved(Id, Number, SupplierId, Total.Amount, Currency, by));
    }

    public void Send(string? supplierEmail, string language, DateTimeOffset at, Guid? by)
    {
        Require(PurchaseOrderStatus.Approved, "send");
        Status = PurchaseOrderStatus.Sent;
        SentAt = at;
        Raise(new PurchaseOrderSent(Id, Number, SupplierId, supplierEmail, language, by));
    }

    /// <summary>The supplier confirms quantities and promised dates (again, to change them, until goods arrive).</summary>
    public void Confirm(IReadOnlyList<(Guid LineId, decimal Quantity, DateOnly PromisedDate)> lines, DateTimeOffset at, Guid? by)
    {
        if (Status is not (PurchaseOrderStatus.Sent or PurchaseOrderStatus.Confirmed or PurchaseOrderStatus.PartiallyReceived))
        {
            throw new IllegalTransitionException("purchase order", Status.ToString(), "confirm");
        }

        var violations = CheckLines(lines.Select(l => (l.LineId, l.Quantity)).ToList(), allowZero: true);
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        foreach (var (lineId, quantity, date) in lines)
        {
            LineById(lineId).Confirm(quantity, date);
        }

        if (Status == PurchaseOrderStatus.Sent)
        {
            Status = PurchaseOrderStatus.Confirmed;
            ConfirmedAt = at;
        }

        Raise(new PurchaseOrderConfirmed(Id, Number, SupplierId,
            [.. lines.Select(l => new PurchaseOrderConfirmedLine(l.LineId, LineById(l.LineId).ProductId, l.Quantity, l.PromisedDate))], by));
    }

    /// <summary>The supplier proposes other dates; a confirmation (ours or theirs) settles them.</summary>
    public void Propose(IReadOnlyList<(Guid LineId, DateOnly Date)> lines)
    {
        if (Status is not (PurchaseOrderStatus.Sent or PurchaseOrderStatus.Confirmed or PurchaseOrderStatus.PartiallyReceived))
        {
            throw new IllegalTransitionException("purchase order", Status.ToString(), "propose dates for");
        }

        foreach (var (lineId, date) in lines)
        {
            LineById(lineId).Propose(date);
        }
    }

    /// <summary>
    /// Records goods that arrived: per line the quantity in total and how much of it was rejected. Accepted goods may
    /// exceed the ordered quantity by <paramref name="tolerancePercent"/> at most. Returns the accepted quantities.
    /// </summary>
    public IReadOnlyList<PurchaseOrderReceivedLine> Receive(IReadOnlyList<ReceiptLineInput> lines, decimal tolerancePercent, DateTimeOffset at, Guid? by)
    {
        if (DropShip)
        {
            throw new RuleViolationException("lines", "DropShipNotReceived", "A drop-ship order goes to the customer; it is never received into our stock.");
        }

        if (Status is not (PurchaseOrderStatus.Approved or PurchaseOrderStatus.Sent or PurchaseOrderStatus.Confirmed or PurchaseOrderStatus.PartiallyReceived))
        {
            throw new IllegalTransitionException("purchase order", Status.ToString(), "receive");
        }

        var violations = CheckLines(lines.Select(l => (l.LineId, l.Quantity)).ToList(), allowZero: false);
        for (var i = 0; i < lines.Count && violations.Count == 0; i++)
        {
            var input = lines[i];
            var line = LineById(input.LineId);
            if (input.Rejected < 0 || input.Rejected > input.Quantity || !Quantity.HasAtMostMaxDecimals(input.Rejected))
            {
                violations.Add(new($"lines[{i}].rejected", "InvalidRejected", "Rejected is 0 up to the quantity that arrived."));
                continue;
            }

            var limit = line.Quantity * (1 + (tolerancePercent / 100m));
            var accepted = lines.Where(l => l.LineId == input.LineId).Sum(l => l.Quantity - l.Rejected);
            if (line.Accepted + line.ShippedBySupplier + line.CancelledQuantity + accepted > limit)
            {
                violations.Add(new($"lines[{i}].quantity", "OverReceipt",
                    $"Line {line.LineNumber}: {line.Accepted + accepted} accepted would exceed the {line.Quantity} ordered (tolerance {tolerancePercent}%)."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        foreach (var input in lines)
        {
            LineById(input.LineId).Receive(input.Quantity, input.Rejected);
        }

        Status = _lines.All(l => l.Open == 0) ? PurchaseOrderStatus.Received : PurchaseOrderStatus.PartiallyReceived;
        var received = lines.Select(l => new PurchaseOrderReceivedLine(l.LineId, LineById(l.LineId).ProductId, l.Quantity - l.Rejected, l.Rejected)).ToList();
        Raise(new PurchaseOrderReceived(Id, Number, SupplierId, WarehouseId, received, by));
        return received;
    }

    /// <summary>The supplier shipped drop-ship quantities straight to our customer.</summary>
    public void RecordSupplierShipment(IReadOnlyList<(Guid LineId, decimal Quantity)> lines)
    {
        if (!DropShip)
        {
            throw new RuleViolationException("lines", "NotDropShip", "Only a drop-ship order is shipped by the supplier to the customer.");
        }

        if (Status is not (PurchaseOrderStatus.Sent or PurchaseOrderStatus.Confirmed or PurchaseOrderStatus.PartiallyReceived))
        {
            throw new IllegalTransitionException("purchase order", Status.ToString(), "ship");
        }

        var violations = CheckLines(lines, allowZero: false);
        for (var i = 0; i < lines.Count && violations.Count == 0; i++)
        {
            if (lines[i].Quantity > LineById(lines[i].LineId).Open)
            {
                violations.Add(new($"lines[{i}].quantity", "OverShipment", "More than is still open on the line."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        foreach (var (lineId, quantity) in lines)
        {
            LineById(lineId).ShipToCustomer(quantity);
        }

        Status = _lines.All(l => l.Open == 0) ? PurchaseOrderStatus.Received : PurchaseOrderStatus.PartiallyReceived;
    }

    /// <summary>Cancels what is still open: Cancelled when nothing arrived yet, else Closed with the remainder cancelled.</summary>
    public void Cancel(string? reason, DateTimeOffset at)
    {
        if (Status is PurchaseOrderStatus.Received or PurchaseOrderStatus.Closed or PurchaseOrderStatus.Cancelled)
        {
            throw new IllegalTransitionException("purchase order", Status.ToString(), "cancel");
        }

        var anything = _lines.Any(l => l.Arrived > 0 || l.ShippedBySupplier > 0);
        foreach (var line in _lines)
        {
            line.CancelOpen();
        }

        Status = anything ? PurchaseOrderStatus.Closed : PurchaseOrderStatus.Cancelled;
        StatusReason = reason;
        ClosedAt = at;
    }

    /// <summary>Closes a received order, or a partly received one whose remainder will not come.</summary>
    public void Close(string? reason, DateTimeOffset at)
    {
        if (Status is not (PurchaseOrderStatus.Received or PurchaseOrderStatus.PartiallyReceived))
        {
            throw new IllegalTransitionException("purchase order", Status.ToString(), "close");
        }

        foreach (var line in _lines)
        {
            line.CancelOpen();
        }

        Status = PurchaseOrderStatus.Closed;
        StatusReason = reason;
        ClosedAt = at;
    }

    public PurchaseOrderLine LineById(Guid lineId) =>
        _lines.Find(l => l.Id == lineId) ?? throw new RuleViolationException("lines", "UnknownLine", $"Line {lineId} is not on purchase order {Number}.");

    private List<RuleViolation> CheckLines(IReadOnlyList<(Guid LineId, decimal Quantity)> lines, bool allowZero)
    {
        var violations = new List<RuleViolation>();
        if (lines.Count is 0 or > MaxLines)
        {
            violations.Add(new("lines", "LineCount", $"1 to {MaxLines} lines."));
        }

        for (var i = 0; i < lines.Count; i++)
        {
            if (_lines.All(l => l.Id != lines[i].LineId))
            {
                violations.Add(new($"lines[{i}].lineId", "UnknownLine", $"Line {lines[i].LineId} is not on purchase order {Number}."));
            }

            var q = lines[i].Quantity;
            if ((allowZero ? q < 0 : q <= 0) || q > Quantity.Max || !Quantity.HasAtMostMaxDecimals(q))
            {
                violations.Add(new($"lines[{i}].quantity", "InvalidQuantity", $"A quantity is {(allowZero ? "0 or more" : "positive")}, with at most {Quantity.MaxDecimals} decimals."));
            }
        }

        return violations;
    }

    private void Require(PurchaseOrderStatus status, string action)
    {
        if (Status != status)
        {
            throw new IllegalTransitionException("purchase order", Status.ToString(), action);
        }
    }

    private void Raise(IDomainEvent e) => (_events ??= []).Add(e);
}
