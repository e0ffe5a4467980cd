namespace Orderly.Domain.Purchasing;

/// <summary>One product on a purchase order, with what the supplier confirmed and what arrived.</summary>
public sealed class PurchaseOrderLine
{
    private PurchaseOrderLine()
    {
    }

    internal PurchaseOrderLine(int lineNumber, Guid productId, decimal quantity, long unitPriceMinor, long? listPriceMinor, Guid? salesOrderLineId, DateOnly? expectedDate)
    {
        Id = Guid.NewGuid();
        LineNumber = lineNumber;
        ProductId = productId;
        Quantity = quantity;
        UnitPriceMinor = unitPriceMinor;
        ListPriceMinor = listPriceMinor;
        SalesOrderLineId = salesOrderLineId;
        ExpectedDate = expectedDate;
    }

    public Guid Id { get; private set; }
    public int LineNumber { get; private set; }
    public Guid ProductId { get; private set; }
    public decimal Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    /// <summary>The supplier's price-list price when the line was ordered (price variance is measured against it).</summary>
    public long? ListPriceMinor { get; private set; }
    public Guid? SalesOrderLineId { get; private set; }
    /// <summary>Order date plus the supplier's lead time: the date we expect until the supplier promises one.</summary>
    public DateOnly? ExpectedDate { get; private set; }
    public decimal? ConfirmedQuantity { get; private set; }
    public DateOnly? PromisedDate { get; private set; }
    /// <summary>A date the supplier proposed instead, waiting for our acceptance (a confirmation).</summary>
    public DateOnly? ProposedDate { get; private set; }
    /// <summary>Everything that arrived, accepted and rejected.</summary>
    public decimal Arrived { get; private set; }
    public decimal Rejected { get; private set; }
    public decimal Accepted => Arrived - Rejected;
    /// <summary>Shipped straight to the customer by the supplier (drop-ship).</summary>
    public decimal ShippedBySupplier { get; private set; }
    /// <summary>What will no longer come: the open remainder when the order was cancelled or closed.</summary>
    public decimal CancelledQuantity { get; private set; }

    /// <summary>Still expected from the supplier.</summary>
    public decimal Open => Math.Max(0m, Quantity - Accepted - ShippedBySupplier - CancelledQuantity);

    /// <summary>The date this line's goods are due: promised, else expected.</summary>
    public DateOnly? DueDate => PromisedDate ?? ExpectedDate;

    internal void Confirm(decimal quantity, DateOnly promisedDate)
    {
        ConfirmedQuantity = quantity;
        PromisedDate = promisedDate;
        ProposedDate = null;
    }

    internal void Propose(DateOnly date) => ProposedDate = date;

    internal void Receive(decimal arrived, decimal rejected)
    {
        Arrived += arrived;
        Rejected += rejected;
    }

    internal void ShipToCustomer(decimal quantity) => ShippedBySupplier += quantity;

    internal void CancelOpen() => CancelledQuantity += Open;
}
