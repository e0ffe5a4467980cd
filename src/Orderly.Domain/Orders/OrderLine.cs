using Orderly.Domain.Common;

namespace Orderly.Domain.Orders;

/// <summary>
/// One product on an order with its quantity ledger. Invariants: reserved + drop-ship + shipped &lt;= ordered,
/// backordered = ordered - reserved - drop-ship - shipped once confirmed, delivered &lt;= shipped.
/// </summary>
public sealed class OrderLine
{
    private OrderLine()
    {
    }

    internal OrderLine(Guid orderId, int lineNumber, PricedLine priced, DateTimeOffset at)
    {
        Id = Ids.New(at);
        OrderId = orderId;
        LineNumber = lineNumber;
        ProductId = priced.ProductId;
        Sku = priced.Sku;
        ProductName = priced.ProductName;
        Unit = priced.Unit;
        Quantity = priced.Quantity;
        Currency = priced.UnitPrice.CurrencyCode;
        UnitPriceMinor = priced.UnitPrice.MinorUnits;
        ListPriceMinor = priced.ListPrice.MinorUnits;
        DiscountPercent = priced.DiscountPercent;
        LineTotalMinor = LineTotalOf(priced.Quantity, priced.UnitPrice, priced.DiscountPercent).MinorUnits;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public int LineNumber { get; private set; }
    public Guid ProductId { get; private set; }
    public string Sku { get; private set; } = "";
    public string ProductName { get; private set; } = "";
    public string Unit { get; private set; } = "";
    public decimal Quantity { get; private set; }
    public string Currency { get; private set; } = Common.Currency.Default;
    public long UnitPriceMinor { get; private set; }
    public long ListPriceMinor { get; private set; }
    public decimal DiscountPercent { get; private set; }
    public long LineTotalMinor { get; private set; }
    public decimal Reserved { get; private set; }
    /// <summary>Quantity a supplier has been asked to ship straight to the customer and has not shipped yet.</summary>
    public decimal DropShip { get; private set; }
    public decimal Backordered { get; private set; }
    /// <summary>What was still backordered when the order was cancelled: demand lost for lack of stock.</summary>
    public decimal BackorderedAtCancel { get; private set; }
    public decimal Shipped { get; private set; }
    public decimal Delivered { get; private set; }
    public decimal Returned { get; private set; }
    public decimal Invoiced { get; private set; }

    public Money UnitPrice => Money.FromMinor(UnitPriceMinor, Currency);
    public Money ListPrice => Money.FromMinor(ListPriceMinor, Currency);
    public Money LineTotal => Money.FromMinor(LineTotalMinor, Currency);

    /// <summary>What still has to be reserved or shipped.</summary>
    public decimal Outstanding => Quantity - Shipped;

    /// <summary>quantity x unit price x (1 - discount), rounded once per line to the minor unit, half away from zero.</summary>
    public static Money LineTotalOf(decimal quantity, Money unitPrice, decimal discountPercent) =>
        (unitPrice * (quantity * (100m - discountPercent) / 100m)).Rounded();

    internal void RecordReservation(decimal quantity)
    {
        EnsureRoomFor(quantity, "Reserving");
        Reserved += quantity;
        Backordered = Unserved;
    }

    internal void RecordDropShip(decimal quantity)
    {
        EnsureRoomFor(quantity, "Drop-shipping");
        DropShip += quantity;
        Backordered = Unserved;
    }

    internal void MarkRestBackordered() => Backordered = Unserved;

    internal void GiveUpReservation(decimal quantity)
    {
        if (quantity <= 0 || quantity > Reserved)
        {
            throw new InvalidOperationException($"Line {LineNumber} has {Reserved} reserved; {quantity} cannot be moved away.");
        }

        Reserved -= quantity;
        Backordered = Unserved;
    }

    internal void ReleaseAll()
    {
        BackorderedAtCancel = Backordered;
        Reserved = 0;
        DropShip = 0;
        Backordered = 0;
    }

    internal void EnsureCanShip(decimal quantity)
    {
        if (quantity > Reserved + DropShip)
        {
            throw new RuleViolationException($"lines[{LineNumber - 1}].quantity", "ShipmentExceedsReserved",
                $"Line {LineNumber} ({Sku}) has {Reserved + DropShip} reserved or drop-shipped; {quantity} cannot ship.");
        }
    }

    /// <summary>Ships from the reservation first, then from the drop-ship quantity.</summary>
    internal void RecordShipment(decimal quantity)
    {
        EnsureCanShip(quantity);
        var fromStock = Math.Min(quantity, Reserved);
        Reserved -= fromStock;
        DropShip -= quantity - fromStock;
        Shipped += quantity;
        Backordered = Unserved;
    }

    private decimal Unserved => Quantity - Reserved - DropShip - Shipped;

    private void EnsureRoomFor(decimal quantity, string what)
    {
        if (quantity <= 0 || quantity > Unserved)
        {
            throw new InvalidOperationException($"{what} {quantity} would exceed line {LineNumber}'s ordered quantity.");
        }
    }

    internal void RecordDelivery() => Delivered = Shipped;
}

/// <summary>A line after entry checks: the product, quantity and the price it will be sold at.</summary>
public sealed record PricedLine(
    Guid ProductId, string Sku, string ProductName, string Unit, decimal Quantity, Money UnitPrice, Money ListPrice, decimal DiscountPercent);
