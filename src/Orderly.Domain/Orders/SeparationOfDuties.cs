namespace Orderly.Domain.Orders;

/// <summary>
/// Who may not approve an order: whoever entered it or owns its customer. The approval itself refuses them and the
/// approval queue says so beforehand, from this one rule.
/// </summary>
public static class SeparationOfDuties
{
    public const string EnteredByYou = "EnteredByYou";
    public const string YourCustomer = "YourCustomer";

    /// <summary>Why <paramref name="approver"/> (a user and whom they act for) may not approve; null when they may.</summary>
    public static string? Refusal(Guid? enteredBy, Guid? customerOwner, IReadOnlyCollection<Guid?> approver) =>
        approver.Any(m => m is not null && m == enteredBy) ? EnteredByYou
        : approver.Any(m => m is not null && m == customerOwner) ? YourCustomer
        : null;
}
