namespace Orderly.Server.Billing;

/// <summary>Billing's authorization policies; which roles hold each is declared in <see cref="BillingModule"/>.</summary>
public static class BillingPolicies
{
    /// <summary>Draft, issue, credit and write off invoices; record, allocate and refund payments; release credit holds.</summary>
    public const string ManageBilling = "ManageBilling";

    /// <summary>Receivables (aging, DSO, statements): finance and management all customers, reps their own.</summary>
    public const string ReadReceivables = "ReadReceivables";

    /// <summary>Quotations: entered, sent, declined and accepted by whoever enters orders.</summary>
    public const string EnterQuotations = "EnterQuotations";

    /// <summary>VAT rates of products.</summary>
    public const string ManageTaxRates = "ManageTaxRates";
}
