using System.Security.Claims;
using Orderly.Domain.Customers;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Customers;

/// <summary>Who sets customers' credit terms (<c>Orderly:CreditTerms</c>).</summary>
public sealed class CreditTermsOptions
{
    /// <summary>Roles that may set credit limits, blocking and payment terms; by default Finance, SalesManager and Admin.</summary>
    public string[]? Editors { get; set; }

    /// <summary>The credit limit, in the customer's currency, of a customer created by someone who may not set credit terms.</summary>
    public decimal NewCustomerCreditLimit { get; set; }

    public IReadOnlyList<string> EditorRoles => Editors is { Length: > 0 } editors ? editors : [Roles.Finance, Roles.SalesManager, Roles.Admin];
}

/// <summary>
/// Separation of duties for credit: the credit limit, blocking and payment terms are set by Finance or a sales
/// manager or admin, and never by the person who owns the customer (whose orders the limit would let through).
/// Anyone else keeps the stored terms when they leave the fields out, and is refused (403 naming the field) when
/// they send other values; a customer they create gets <see cref="CreditTermsOptions.NewCustomerCreditLimit"/>.
/// </summary>
public static class CreditTerms
{
    public const string Code = "CreditTermsRestricted";

    private static readonly int DefaultPaymentTermsDays = new CustomerRequest("", "").ToDetails().PaymentTermsDays;

    public static CustomerDetails Apply(CustomerDetails details, CustomerRequest request, Customer? current, ClaimsPrincipal caller, CreditTermsOptions options)
    {
        var person = CurrentUser.PersonOf(caller);
        var ownsIt = person is { } p && (details.OwnerUserId == p || current?.OwnerUserId == p);
        if (!ownsIt && options.EditorRoles.Any(caller.IsInRole))
        {
            return details;
        }

        if (current is null)
        {
            Refuse("creditLimit", request.CreditLimit is { } asked && asked != options.NewCustomerCreditLimit);
            Refuse("isBlocked", request.IsBlocked == true);
            Refuse("paymentTermsDays", request.PaymentTermsDays is { } days && days != DefaultPaymentTermsDays);
            return details with { CreditLimit = options.NewCustomerCreditLimit, IsBlocked = false };
        }

        var limit = current.CreditLimit?.Amount;
        Refuse("creditLimit", request.CreditLimit is { } changed && changed != limit);
        Refuse("isBlocked", request.IsBlocked is { } blocked && blocked != current.IsBlocked);
        Refuse("paymentTermsDays", request.PaymentTermsDays is { } terms && terms != current.PaymentTermsDays);
        // The limit is a number of the customer's currency units: changing the currency would change the limit.
        Refuse("currency", limit is not null && (details.Currency ?? Domain.Common.Currency.Default) != current.Currency);
        return details with { CreditLimit = limit, IsBlocked = current.IsBlocked, PaymentTermsDays = current.PaymentTermsDays };
    }

    private static void Refuse(string field, bool refused)
    {
        if (refused)
        {
            throw new ForbiddenException(Code,
                $"{field}: credit terms (credit limit, blocking, payment terms) are set by Finance or a sales manager, not by the customer's owner or your role.");
        }
    }
}
