using Orderly.Domain.Billing;
using Orderly.Domain.Common;

namespace Orderly.Server.Billing;

/// <summary>Free text of billing requests, by the shared text rules (NFC, trimmed, limits in characters).</summary>
public static class BillingText
{
    public static string? Optional(string? value, string field, int max) => Text.Optional(value, field, max);

    public static BuyerTaxHeader Buyer(BuyerInput input) => new(
        Text.Required(input.Name, "buyer.name", BuyerTaxHeader.MaxLength),
        Optional(input.TaxId, "buyer.taxId", 40), Optional(input.Address, "buyer.address", BuyerTaxHeader.MaxLength),
        Optional(input.Phone, "buyer.phone", 40), Optional(input.Bank, "buyer.bank", BuyerTaxHeader.MaxLength), Optional(input.Account, "buyer.account", 60));
}
