namespace Orderly.Domain.Billing;

/// <summary>
/// The buyer as a fapiao names it (发票抬头): name, 纳税人识别号 (unified social credit code), address and phone,
/// bank and account. A special fapiao needs all of them; an ordinary one the name and the tax id.
/// </summary>
public sealed record BuyerTaxHeader(string Name, string? TaxId = null, string? Address = null, string? Phone = null, string? Bank = null, string? Account = null)
{
    public const int MaxLength = 200;
}
