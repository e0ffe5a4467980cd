using Orderly.Domain.Common;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Billing;

public enum QuotationStatus
{
    Draft,
    Sent,
    Accepted,
    Expired,
    Declined,
}

/// <summary>
/// 报价单: lines priced like an order's, valid until a date. Accepting it creates the order (the order entry checks run
/// then); an expiring quotation raises an event once, and one past its date expires.
/// </summary>
public sealed class Quotation : IVersioned, IHasDomainEvents
{
    private readonly List<QuotationLine> _lines = [];
    private readonly List<IDomainEvent> _events = [];

    private Quotation()
    {
    }

    public Quotation(string number, Guid customerId, string currency, DateOnly validUntil, DateOnly today, IReadOnlyList<PricedLine> lines, string? note, DateTimeOffset now, Guid? by)
    {
        if (validUntil < today)
        {
            throw new RuleViolationException("validUntil", "ValidUntilPast", "A quotation is valid until today or later.");
        }

        Id = Ids.New(now);
        Number = number;
        CustomerId = customerId;
        Currency = currency;
        ValidUntil = validUntil;
        Note = note;
        CreatedAt = now;
        CreatedBy = by;
        var lineNumber = 1;
        foreach (var line in lines)
        {
            _lines.Add(new QuotationLine(lineNumber++, line));
        }

        TotalMinor = _lines.Sum(l => l.LineTotalMinor);
    }

    public Guid Id { get; private set; }
    public string Number { get; private set; } = "";
    public Guid CustomerId { get; private set; }
    public string Currency { get; private set; } = Common.Currency.Default;
    public QuotationStatus Status { get; private set; }
    public DateOnly ValidUntil { get; private set; }
    public long TotalMinor { get; private set; }
    public string? Note { get; private set; }
    public string? DeclineReason { get; private set; }
    public Guid? OrderId { get; private set; }
    public bool ExpiryAnnounced { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<QuotationLine> Lines => _lines;

    public void Send()
    {
        Require(Status == QuotationStatus.Draft, "send");
        Status = QuotationStatus.Sent;
    }

    public void Accept(Guid orderId, DateOnly today)
    {
        Require(Status is QuotationStatus.Draft or QuotationStatus.Sent, "accept");
        if (today > ValidUntil)
        {
            throw new RuleViolationException("validUntil", "QuotationExpired", $"Quotation {Number} was valid until {ValidUntil:yyyy-MM-dd}.");
        }

        Status = QuotationStatus.Accepted;
        OrderId = orderId;
        _events.Add(new QuotationAccepted(Id, Number, CustomerId, orderId));
    }

    public void Decline(string reason)
    {
        Require(Status is QuotationStatus.Draft or QuotationStatus.Sent, "decline");
        Status = QuotationStatus.Declined;
        DeclineReason = reason;
    }

    /// <summary>Expires a quotation past its date, or announces once that it expires within <paramref name="warnDays"/>.</summary>
    public void Review(DateOnly today, int warnDays, Guid? ownerUserId)
    {
        if (Status is not (QuotationStatus.Draft or QuotationStatus.Sent))
        {
            return;
        }

        if (today > ValidUntil)
        {
            Status = QuotationStatus.Expired;
        }
        else if (!ExpiryAnnounced && Status == QuotationStatus.Sent && ValidUntil.DayNumber - today.DayNumber <= warnDays)
        {
            ExpiryAnnounced = true;
            _events.Add(new QuotationExpiring(Id, Number, CustomerId, ValidUntil.ToString("yyyy-MM-dd"), ownerUserId));
        }
    }

    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = _events.ToList();
        _events.Clear();
        return taken;
    }

    private void Require(bool allowed, string action)
    {
        if (!allowed)
        {
            throw new IllegalTransitionException("quotation", Status.ToString(), action);
        }
    }
}

public sealed class QuotationLine
{
    private QuotationLine()
    {
    }

    internal QuotationLine(int lineNumber, PricedLine line)
    {
        LineNumber = lineNumber;
        ProductId = line.ProductId;
        Sku = line.Sku;
        ProductName = line.ProductName;
        Unit = line.Unit;
        Quantity = line.Quantity;
        UnitPriceMinor = line.UnitPrice.MinorUnits;
        DiscountPercent = line.DiscountPercent;
        LineTotalMinor = OrderLine.LineTotalOf(line.Quantity, line.UnitPrice, line.DiscountPercent).MinorUnits;
    }

    public int Id { get; private set; }
    public Guid QuotationId { get; private set; }
    public int LineNumber { get; private set; }
    public Guid ProductId { get; private set; }
    public string Sku { get; private set; } = "";
    public string ProductName { get; private set; } = "";
    public string Unit { get; private set; } = "";
    public decimal Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    public decimal DiscountPercent { get; private set; }
    public long LineTotalMinor { get; private set; }
}
