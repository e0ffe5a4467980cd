using Orderly.Domain.Allocation;
using Orderly.Domain.Common;

namespace Orderly.Domain.Orders;

/// <summary>
/// A customer's order. It owns its lines and its status history; state is private and every change is
/// a method named for the intention that throws <see cref="IllegalTransitionException"/> on an illegal move.
/// </summary>
public sealed class SalesOrder : IVersioned, IHasDomainEvents
{
    public const int MaxLines = 500;
    public const int CustomerPoMaxLength = 64;
    public const int ReasonMaxLength = 500;

    private readonly List<OrderLine> _lines = [];
    private readonly List<OrderStatusChange> _statusHistory = [];
    private List<EntryWarning> _entryWarnings = [];
    private List<IDomainEvent>? _events;

    private SalesOrder()
    {
    }

    private SalesOrder(Guid id, string number, Guid customerId, string currency, DateOnly orderDate, DateTimeOffset at, Guid? by)
    {
        Id = id;
        Number = number;
        CustomerId = customerId;
        Currency = currency;
        OrderDate = orderDate;
        CreatedAt = at;
        CreatedBy = by;
        UpdatedAt = at;
        Status = OrderStatus.Draft;
    }

    public Guid Id { get; private set; }
    public string Number { get; private set; } = "";
    public Guid CustomerId { get; private set; }
    public string Currency { get; private set; } = Common.Currency.Default;
    public OrderStatus Status { get; private set; }
    /// <summary>The status an order on hold returns to when released.</summary>
    public OrderStatus? HeldFrom { get; private set; }
    public DateOnly OrderDate { get; private set; }
    public DateOnly? RequestedDeliveryDate { get; private set; }
    public string? CustomerPo { get; private set; }
    public long TotalMinor { get; private set; }
    /// <summary>Why the approval rules sent it to a manager, comma-separated rule codes.</summary>
    public string? ApprovalReasons { get; private set; }
    public string? StatusReason { get; private set; }
    /// <summary>Overrides the customer's reservation policy for this order when set.</summary>
    public ReservationPolicy? ReservationPolicy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? SubmittedAt { get; private set; }
    public DateTimeOffset? ConfirmedAt { get; private set; }
    /// <summary>Set when an approver whose limit is below the total approved first; a second approver completes it.</summary>
    public Guid? FirstApprovedBy { get; private set; }
    public DateTimeOffset? FirstApprovedAt { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<OrderLine> Lines => _lines;
    public IReadOnlyList<OrderStatusChange> StatusHistory => _statusHistory;
    /// <summary>The entry warnings the clerk saw when the order was last saved.</summary>
    public IReadOnlyList<EntryWarning> EntryWarnings => _entryWarnings;
    public Money Total => Money.FromMinor(TotalMinor, Currency);

    public static SalesOrder Create(
        string number, Guid customerId, string currency, DateOnly orderDate, DateOnly? requestedDeliveryDate,
        string? customerPo, IReadOnlyList<PricedLine> lines, DateTimeOffset at, Guid? by)
    {
        if (lines.Count is 0 or > MaxLines)
        {
            throw new RuleViolationException("lines", lines.Count == 0 ? "NoLines" : "TooManyLines",
                lines.Count == 0 ? "An order needs at least one line." : $"An order has at most {MaxLines} lines.");
        }

        var order = new SalesOrder(Ids.New(at), number, customerId, currency, orderDate, at, by)
        {
            RequestedDeliveryDate = requestedDeliveryDate,
            CustomerPo = Text.Optional(customerPo, "customerPo", CustomerPoMaxLength),
        };
        order.ReplaceLines(lines, at);
        order._statusHistory.Add(new OrderStatusChange(order.Id, null, OrderStatus.Draft, at, by, null));
        order.Record(new OrderCreated(order.Id, number, customerId, order.Total.Amount, currency, order._lines.Count, by));
        return order;
    }

    /// <summary>Replaces the lines of a draft, re-pricing the total.</summary>
    public void ChangeLines(IReadOnlyList<PricedLine> lines, DateOnly? requestedDeliveryDate, string? customerPo, DateTimeOffset at)
    {
        Ensure(OrderAction.Edit);
        if (lines.Count is 0 or > MaxLines)
        {
            throw new RuleViolationException("lines", lines.Count == 0 ? "NoLines" : "TooManyLines",
                lines.Count == 0 ? "An order needs at least one line." : $"An order has at most {MaxLines} lines.");
        }

        RequestedDeliveryDate = requestedDeliveryDate;
        CustomerPo = Text.Optional(customerPo, "customerPo", CustomerPoMaxLength);
        ReplaceLines(lines, at);
        UpdatedAt = at;
    }

    public void RecordEntryWarnings(IEnumerable<EntryWarning> warnings) => _entryWarnings = [.. warnings];

    /// <summary>Submits a draft: to a manager when the approval rules name reasons, else straight to Confirmed.</summary>
    public void Submit(IReadOnlyList<string> approvalReasons, DateTimeOffset at, Guid? by)
    {
        Ensure(OrderAction.Submit);
        SubmittedAt = at;
        Record(new OrderSubmitted(Id, Number, CustomerId, Total.Amount, Currency, [.. approvalReasons], by));
        if (approvalReasons.Count > 0)
        {
            ApprovalReasons = string.Join(',', approvalReasons);
            MoveTo(OrderStatus.PendingApproval, at, by, ApprovalReasons);
        }
        else
        {
            ConfirmNow(at, by, null);
        }
    }

    /// <summary>
    /// Approves the order. When the approver's limit is below the order total, the first approval is recorded
    /// and the order waits for a second, different approver.
    /// </summary>
    public void Approve(DateTimeOffset at, Guid? by, string? comment = null, bool needsSecondApprover = false)
    {
        Ensure(OrderAction.Approve);
        var checkedComment = CheckedReason(comment, required: false);
        if (FirstApprovedBy is { } first)
        {
            if (first == by)
            {
                throw new RuleViolationException("approver", "SecondApproverMustDiffer", "The second approval must come from another approver.");
            }

            Record(new OrderApproved(Id, Number, CustomerId, Final: true, by));
            ConfirmNow(at, by, checkedComment);
            return;
        }

        if (needsSecondApprover)
        {
            Record(new OrderApproved(Id, Number, CustomerId, Final: false, by));
            FirstApprovedBy = by;
            FirstApprovedAt = at;
            MoveTo(OrderStatus.PendingApproval, at, by, checkedComment ?? "First approval; a second approver is needed.");
            return;
        }

        Record(new OrderApproved(Id, Number, CustomerId, Final: true, by));
        ConfirmNow(at, by, checkedComment);
    }

    public void Reject(string reason, DateTimeOffset at, Guid? by)
    {
        Ensure(OrderAction.Reject);
        var checkedReason = CheckedReason(reason, required: true)!;
        MoveTo(OrderStatus.Rejected, at, by, checkedReason);
        Record(new OrderRejected(Id, Number, CustomerId, checkedReason, by));
    }

    public void Hold(string reason, DateTimeOffset at, Guid? by)
    {
        Ensure(OrderAction.Hold);
        var checkedReason = CheckedReason(reason, required: true);
        HeldFrom = Status;
        MoveTo(OrderStatus.OnHold, at, by, checkedReason);
        Record(new OrderHeld(Id, Number, CustomerId, checkedReason!, by));
    }

    public void Release(DateTimeOffset at, Guid? by, string? comment = null)
    {
        Ensure(OrderAction.Release);
        var checkedComment = CheckedReason(comment, required: false);
        var back = HeldFrom ?? OrderStatus.Confirmed;
        HeldFrom = null;
        MoveTo(back, at, by, checkedComment);
        Record(new OrderReleased(Id, Number, CustomerId, back, by));
    }

    /// <summary>Cancels the order; the caller releases the stock reservations of its lines in the same transaction.</summary>
    public void Cancel(string reason, DateTimeOffset at, Guid? by)
    {
        Ensure(OrderAction.Cancel);
        if (_lines.Any(l => l.Shipped > 0))
        {
            throw new IllegalTransitionException("sales order", "partly shipped", "cancel");
        }

        var checkedReason = CheckedReason(reason, required: true);
        foreach (var line in _lines)
        {
            line.ReleaseAll();
        }

        HeldFrom = null;
        MoveTo(OrderStatus.Cancelled, at, by, checkedReason);
        Record(new OrderCancelled(Id, Number, CustomerId, checkedReason!, by));
    }

    /// <summary>Records reserved stock for a line; called by the reservation service after the stock write succeeded.</summary>
    public void RecordReservation(Guid lineId, decimal quantity) => LineById(lineId).RecordReservation(quantity);

    /// <summary>Moves reserved stock away from a line (to a higher-priority order); the line is backordered by as much.</summary>
    public void GiveUpReservation(Guid lineId, decimal quantity) => LineById(lineId).GiveUpReservation(quantity);

    /// <summary>Records that a supplier will ship part of a line straight to the customer.</summary>
    public void RecordDropShip(Guid lineId, decimal quantity) => LineById(lineId).RecordDropShip(quantity);

    /// <summary>Sets how this order takes short stock, overriding the customer's policy; null follows the customer.</summary>
    public void ChangeReservationPolicy(ReservationPolicy? policy)
    {
        Ensure(OrderAction.Edit);
        ReservationPolicy = policy;
    }

    /// <summary>After reservation, whatever is left unreserved on each line is backordered.</summary>
    public void MarkUnreservedBackordered()
    {
        foreach (var line in _lines)
        {
            line.MarkRestBackordered();
        }
    }

    /// <summary>Records goods leaving the warehouse; each quantity must already be reserved.</summary>
    public void RecordShipment(
        IReadOnlyList<(Guid LineId, decimal Quantity)> shipped, DateTimeOffset at, Guid? by, string? carrier = null, string? trackingNumber = null)
    {
        Ensure(OrderAction.Ship);
        if (shipped.Count == 0)
        {
            throw new RuleViolationException("lines", "NoLines", "A shipment needs at least one line.");
        }

        // Check every line before changing any, so a refused shipment leaves the order exactly as it was.
        var perLine = shipped.GroupBy(s => s.LineId).Select(g => (Line: LineById(g.Key), Quantity: g.Sum(s => s.Quantity))).ToList();
        if (shipped.Any(s => s.Quantity <= 0))
        {
            throw new RuleViolationException("lines", "QuantityNotPositive", "Shipped quantities must be positive.");
        }

        foreach (var (line, quantity) in perLine)
        {
            line.EnsureCanShip(quantity);
        }

        foreach (var (line, quantity) in perLine)
        {
            line.RecordShipment(quantity);
        }

        var next = _lines.All(l => l.Shipped >= l.Quantity) ? OrderStatus.Shipped : OrderStatus.PartiallyShipped;
        Record(new OrderShipped(Id, Number, CustomerId, [.. perLine.Select(p => new ShippedLine(p.Line.Id, p.Line.ProductId, p.Quantity))],
            next == OrderStatus.Shipped, by, carrier, trackingNumber));
        if (next != Status)
        {
            MoveTo(next, at, by, null);
        }
        else
        {
            UpdatedAt = at;
        }
    }

    public void RecordDelivery(DateTimeOffset at, Guid? by)
    {
        Ensure(OrderAction.Deliver);
        foreach (var line in _lines)
        {
            line.RecordDelivery();
        }

        MoveTo(OrderStatus.Delivered, at, by, null);
        Record(new OrderDelivered(Id, Number, CustomerId, by));
    }

    public bool Can(OrderAction action) => OrderTransitions.IsAllowed(Status, action);

    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = (IReadOnlyList<IDomainEvent>?)_events ?? [];
        _events = null;
        return taken;
    }

    private void Record(IDomainEvent e) => (_events ??= []).Add(e);

    private void ConfirmNow(DateTimeOffset at, Guid? by, string? reason)
    {
        ConfirmedAt = at;
        MoveTo(OrderStatus.Confirmed, at, by, reason);
        Record(new OrderConfirmed(Id, Number, CustomerId, Total.Amount, Currency, by));
    }

    private void Ensure(OrderAction action)
    {
        if (!OrderTransitions.IsAllowed(Status, action))
        {
            throw new IllegalTransitionException("sales order", Status.ToString(), action.ToString().ToLowerInvariant());
        }
    }

    private void MoveTo(OrderStatus to, DateTimeOffset at, Guid? by, string? reason)
    {
        _statusHistory.Add(new OrderStatusChange(Id, Status, to, at, by, reason));
        Status = to;
        StatusReason = reason;
        UpdatedAt = at;
    }

    private void ReplaceLines(IReadOnlyList<PricedLine> lines, DateTimeOffset at)
    {
        var total = Money.Zero(Currency);
        _lines.Clear();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].UnitPrice.CurrencyCode != Currency)
            {
                throw new CurrencyMismatchException(Currency, lines[i].UnitPrice.CurrencyCode);
            }

            var line = new OrderLine(Id, i + 1, lines[i], at);
            _lines.Add(line);
            total += line.LineTotal;
        }

        TotalMinor = total.MinorUnits;
    }

    private OrderLine LineById(Guid lineId) =>
        _lines.Find(l => l.Id == lineId)
        ?? throw new RuleViolationException("lines", "UnknownLine", $"Line {lineId} is not on order {Number}.");

    private static string? CheckedReason(string? reason, bool required) =>
        required ? Text.Required(reason, "reason", ReasonMaxLength) : Text.Optional(reason, "reason", ReasonMaxLength);
}
