using Orderly.Domain.Common;

namespace Orderly.Domain.Billing;

/// <summary>
/// A product's VAT rate, kept by billing beside the catalog (a product without a row is taxed at the standard 13%).
/// </summary>
public sealed class ProductTaxRate
{
    private ProductTaxRate()
    {
    }

    public ProductTaxRate(Guid productId, VatRate rate)
    {
        ProductId = productId;
        Change(rate);
    }

    public Guid ProductId { get; private set; }
    public decimal VatPercent { get; private set; }
    public bool VatExempt { get; private set; }

    public VatRate Rate => new(VatPercent, VatExempt);

    public void Change(VatRate rate)
    {
        VatPercent = rate.Percent;
        VatExempt = rate.IsExempt;
    }
}

/// <summary>How a customer is invoiced: when, whether prices include tax, and the fapiao header.</summary>
public sealed class CustomerBillingProfile : IVersioned
{
    private CustomerBillingProfile()
    {
    }

    public CustomerBillingProfile(Guid customerId) => CustomerId = customerId;

    public Guid CustomerId { get; private set; }
    public InvoicingPolicy Policy { get; private set; }

    /// <summary>Prices are tax-inclusive (含税价) unless the customer's price list says otherwise.</summary>
    public bool TaxInclusive { get; private set; } = true;

    public FapiaoType FapiaoType { get; private set; }
    public string? TaxId { get; private set; }
    public string? InvoiceAddress { get; private set; }
    public string? InvoicePhone { get; private set; }
    public string? Bank { get; private set; }
    public string? BankAccount { get; private set; }
    public int Version { get; set; }

    public void Change(InvoicingPolicy policy, bool taxInclusive, FapiaoType fapiaoType, string? taxId, string? address, string? phone, string? bank, string? account)
    {
        if (fapiaoType == FapiaoType.Special && (string.IsNullOrWhiteSpace(taxId) || string.IsNullOrWhiteSpace(bank) || string.IsNullOrWhiteSpace(account)))
        {
            throw new RuleViolationException("taxId", "SpecialFapiaoNeedsHeader", "A special fapiao (专用发票) needs the buyer's tax id, bank and account.");
        }

        Policy = policy;
        TaxInclusive = taxInclusive;
        FapiaoType = fapiaoType;
        TaxId = taxId;
        InvoiceAddress = address;
        InvoicePhone = phone;
        Bank = bank;
        BankAccount = account;
    }
}

/// <summary>
/// The per-order row that serialises invoicing of one order: every invoice drafted or cancelled for the order bumps
/// its version, so two finance users invoicing the same shipped quantity at once cannot both succeed.
/// </summary>
public sealed class OrderBillingState : IVersioned
{
    public Guid OrderId { get; set; }
    public int Invoices { get; set; }
    public int Version { get; set; }
}

/// <summary>A customer on credit hold for overdue invoices: their new orders wait for finance until released.</summary>
public sealed class CreditHold
{
    private CreditHold()
    {
    }

    public CreditHold(Guid customerId, string reason, DateTimeOffset at)
    {
        Id = Ids.New(at);
        CustomerId = customerId;
        Reason = reason;
        HeldAt = at;
    }

    public Guid Id { get; private set; }
    public Guid CustomerId { get; private set; }
    public string Reason { get; private set; } = "";
    public DateTimeOffset HeldAt { get; private set; }
    public DateTimeOffset? ReleasedAt { get; private set; }
    public Guid? ReleasedBy { get; private set; }
    public string? ReleaseNote { get; private set; }

    public bool IsActive => ReleasedAt is null;

    public void Release(string? note, DateTimeOffset at, Guid? by)
    {
        if (!IsActive)
        {
            throw new IllegalTransitionException("credit hold", "Released", "release");
        }

        ReleasedAt = at;
        ReleasedBy = by;
        ReleaseNote = note;
    }
}
