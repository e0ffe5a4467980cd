using System.ComponentModel.DataAnnotations;
using Orderly.Domain.Billing;

namespace Orderly.Server.Billing;

/// <summary>How vouchers are exported to Kingdee and Yonyou (<c>Orderly:Billing:Vouchers</c>): accounts, voucher word, book, currency codes.</summary>
public sealed class VoucherOptions
{
    public const string Section = "Orderly:Billing:Vouchers";

    /// <summary>Only vouchers in this currency are exported (the ledger's own; Orderly keeps no exchange rates).</summary>
    [Required, StringLength(3, MinimumLength = 3)]
    public string Currency { get; set; } = Domain.Common.Currency.Default;

    public string Receivable { get; set; } = "1122";
    public string Revenue { get; set; } = "6001";
    public string OutputVat { get; set; } = "22210102";
    public string AdvanceReceipts { get; set; } = "2203";
    public string Bank { get; set; } = "1002";
    public string Cash { get; set; } = "1001";
    public string BillsReceivable { get; set; } = "1121";

    /// <summary>U8 凭证类别 (voucher_type).</summary>
    public string YonyouVoucherType { get; set; } = "记";

    /// <summary>U8 currency name of the ledger currency.</summary>
    public string YonyouCurrency { get; set; } = "人民币";

    /// <summary>Kingdee 凭证字 (FVOUCHERGROUPID.FNumber), PRE001 = 记.</summary>
    public string KingdeeVoucherGroup { get; set; } = "PRE001";

    /// <summary>Kingdee 账簿 (FAccountBookID.FNumber).</summary>
    public string KingdeeAccountBook { get; set; } = "001";

    /// <summary>Kingdee 币别 (FCURRENCYID.FNumber), PRE001 = CNY.</summary>
    public string KingdeeCurrency { get; set; } = "PRE001";

    /// <summary>制单人 written on every voucher.</summary>
    public string Maker { get; set; } = "Orderly";

    public VoucherAccounts Accounts => new(Receivable, Revenue, OutputVat, AdvanceReceipts, Bank, Cash, BillsReceivable);
}
