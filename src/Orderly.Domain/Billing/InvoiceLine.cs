namespace Orderly.Domain.Billing;

/// <summary>One line of an invoice: a quantity of an order line, with its net, tax and gross in minor units.</summary>
public sealed class InvoiceLine
{
    private InvoiceLine()
    {
    }

    internal InvoiceLine(int lineNumber, Guid? orderLineId, Guid? productId, string description, string unit, decimal quantity, VatRate rate, TaxSplit amounts,
        Guid? downPaymentInvoiceId = null)
    {
        DownPaymentInvoiceId = downPaymentInvoiceId;
        LineNumber = lineNumber;
        OrderLineId = orderLineId;
        ProductId = productId;
        Description = description;
        Unit = unit;
        Quantity = quantity;
        VatPercent = rate.Percent;
        VatExempt = rate.IsExempt;
        NetMinor = amounts.NetMinor;
        TaxMinor = amounts.TaxMinor;
        GrossMinor = amounts.GrossMinor;
    }

    public int Id { get; private set; }
    public Guid InvoiceId { get; private set; }
    public int LineNumber { get; private set; }
    public Guid? OrderLineId { get; private set; }
    public Guid? ProductId { get; private set; }
    public string Description { get; private set; } = "";
    public string Unit { get; private set; } = "";
    public decimal Quantity { get; private set; }
    public decimal VatPercent { get; private set; }
    public bool VatExempt { get; private set; }
    public long NetMinor { get; private set; }
    public long TaxMinor { get; private set; }
    public long GrossMinor { get; private set; }

    /// <summary>On a final invoice, the down-payment invoice this (negative) line deducts.</summary>
    public Guid? DownPaymentInvoiceId { get; private set; }

    public VatRate Rate => new(VatPercent, VatExempt);

    public TaxSplit Amounts => new(NetMinor, TaxMinor, GrossMinor);
}

/// <summary>What an invoice line is made of before it exists: which order line, how much, and its amounts.</summary>
public sealed record InvoiceLineDraft(
    Guid? OrderLineId, Guid? ProductId, string Description, string Unit, decimal Quantity, VatRate Rate, TaxSplit Amounts, Guid? DownPaymentInvoiceId = null);
