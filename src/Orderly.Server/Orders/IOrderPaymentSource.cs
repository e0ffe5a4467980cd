namespace Orderly.Server.Orders;

/// <summary>An order's payment situation (付款情况) as billing knows it; amounts in the order's currency.</summary>
public sealed record OrderPaymentFacts(string PaymentStatus, decimal Invoiced, decimal Paid, decimal Due)
{
    public static readonly OrderPaymentFacts NotInvoiced = new("NotInvoiced", 0, 0, 0);
}

/// <summary>Billing answers for orders' payment facts; Orders asks without knowing billing's tables.</summary>
public interface IOrderPaymentSource
{
    Task<IReadOnlyDictionary<Guid, OrderPaymentFacts>> FactsAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct);
}

/// <summary>
/// What a customer owes beyond its open orders: issued, unpaid invoices (less what of them is already counted as an
/// open order) minus unallocated credit, in minor units of the currency; and whether finance holds the customer.
/// </summary>
public interface IReceivablesExposure
{
    Task<long> ExposureMinorAsync(Guid customerId, string currency, CancellationToken ct);

    /// <summary>The approval reasons a customer's standing adds to a new order (e.g. a credit hold), none when in good standing.</summary>
    Task<IReadOnlyList<string>> HoldReasonsAsync(Guid customerId, CancellationToken ct);
}
