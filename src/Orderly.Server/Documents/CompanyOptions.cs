namespace Orderly.Server.Documents;

/// <summary>The company as its documents show it (<c>Orderly:Company</c>): header, tax id, bank, optional logo file (PNG or JPEG).</summary>
public sealed class CompanyOptions
{
    public const string Section = "Orderly:Company";

    public string Name { get; set; } = "Orderly 示例贸易有限公司";
    public string NameEn { get; set; } = "Orderly Demo Trading Co., Ltd.";
    public string? Address { get; set; } = "上海市浦东新区世纪大道100号";
    public string? Phone { get; set; } = "+86 21 5000 0000";
    public string? TaxId { get; set; } = "91310115MA1K000000";
    public string? Bank { get; set; } = "中国工商银行上海分行";
    public string? BankAccount { get; set; } = "1001 2345 6789 0000";
    public string? LogoPath { get; set; }

    /// <summary>The CJK TrueType font embedded in documents; the first that exists is used.</summary>
    public string[] FontPaths { get; set; } =
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/arphic/uming.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ];
}
