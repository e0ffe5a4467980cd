using Orderly.Domain.Common;

namespace Orderly.Domain.Orders;

/// <summary>The rules, held in configuration, that send a submitted order to a manager instead of confirming it.</summary>
public sealed class ApprovalRules
{
    /// <summary>Order totals above these amounts, per currency, need approval.</summary>
    public Dictionary<string, decimal> OrderTotalAbove { get; init; } = new() { ["CNY"] = 200_000m, ["USD"] = 30_000m };

    /// <summary>A line discount above this percentage needs approval.</summary>
    public decimal LineDiscountAbovePercent { get; init; } = 10m;

    /// <summary>Open orders plus this one over the customer's credit limit need approval.</summary>
    public bool CreditOverLimit { get; init; } = true;

    /// <summary>
    /// The most a role may approve alone, per currency; above it a second approver is needed. A role that is
    /// not listed (Admin by default) has no limit.
    /// </summary>
    public Dictionary<string, Dictionary<string, decimal>> ApproverLimits { get; init; } = new()
    {
        ["SalesManager"] = new() { ["CNY"] = 1_000_000m, ["USD"] = 150_000m },
    };

    /// <summary>True when none of the approver's roles may approve this total alone.</summary>
    public bool NeedsSecondApprover(IEnumerable<string> approverRoles, Money total)
    {
        foreach (var role in approverRoles)
        {
            if (!ApproverLimits.TryGetValue(role, out var limits) || (limits.TryGetValue(total.CurrencyCode, out var limit) && total.Amount <= limit))
            {
                return false;
            }
        }

        return true;
    }
}

public static class ApprovalPolicy
{
    public const string OrderTotalAboveThreshold = "OrderTotalAboveThreshold";
    public const string DiscountNeedsApproval = "DiscountNeedsApproval";
    public const string CreditLimitExceeded = "CreditLimitExceeded";
    public const string CreditHold = "CreditHold";

    /// <param name="order">The order being submitted.</param>
    /// <param name="otherOpenExposureMinor">The customer's other open orders, in the order's currency.</param>
    /// <param name="creditLimit">The customer's limit, or null for none.</param>
    public static IReadOnlyList<string> ReasonsFor(SalesOrder order, ApprovalRules rules, long otherOpenExposureMinor, Money? creditLimit)
    {
        var reasons = new List<string>();
        if (rules.OrderTotalAbove.TryGetValue(order.Currency, out var threshold) && order.Total.Amount > threshold)
        {
            reasons.Add(OrderTotalAboveThreshold);
        }

        if (order.Lines.Any(l => l.DiscountPercent > rules.LineDiscountAbovePercent))
        {
            reasons.Add(DiscountNeedsApproval);
        }

        if (WeighsExposure(rules, order.Currency, creditLimit) &&
            Money.FromMinor(otherOpenExposureMinor, order.Currency) + order.Total > creditLimit!.Value)
        {
            reasons.Add(CreditLimitExceeded);
        }

        return reasons;
    }

    /// <summary>
    /// Whether the customer's open exposure can change the outcome: only against a credit limit in the order's
    /// currency with the credit rule on. Callers skip reading the exposure (three queries) otherwise.
    /// </summary>
    public static bool WeighsExposure(ApprovalRules rules, string currency, Money? creditLimit) =>
        rules.CreditOverLimit && creditLimit is { } limit && limit.CurrencyCode == currency;
}
