using System.Text.RegularExpressions;
using Orderly.Domain.Common;

namespace Orderly.Domain.Logistics;

/// <summary>A carrier we know: our code, its names, its Kuaidi100 company code and, when unambiguous, its tracking-number format.</summary>
public sealed record Carrier(string Code, string NameZh, string NameEn, string? Kuaidi100Code, string? TrackingPattern, IReadOnlyList<string> Aliases)
{
    public bool Validates => TrackingPattern is not null;

    public bool IsValidTrackingNumber(string number) =>
        TrackingPattern is null || Regex.IsMatch(number, TrackingPattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}

/// <summary>What a shipment's carrier text resolves to: a known carrier's code, or the text kept as an unlisted carrier's name.</summary>
public sealed record CarrierChoice(string? Code, string? Name, string? TrackingNumber);

/// <summary>
/// The carriers of China we know (shared/integrations.md D3, D4). Tracking numbers are validated strictly only where
/// the format is unambiguous (SF, JD, YTO, J&amp;T, UPU-style EMS); pure-digit numbers of ZTO, Yunda and STO overlap,
/// so those (and every other) only have to look like a tracking number at all.
/// </summary>
public static class Carriers
{
    public const string Own = "OWN";

    /// <summary>Any tracking number: 8 to 32 letters and digits.</summary>
    public const string GenericPattern = "^[A-Za-z0-9]{8,32}$";

    public static readonly IReadOnlyList<Carrier> All =
    [
        new("SF", "顺丰速运", "SF Express", "shunfeng", @"^SF[A-Za-z0-9]\d{12}$", ["顺丰", "顺丰快递", "顺丰速运", "SF Express", "shunfeng"]),
        new("JD", "京东物流", "JD Logistics", "jd", @"^JD[A-Za-z0-9]{2}\d{11}$", ["京东", "京东快递", "京东物流", "JD Logistics", "jd"]),
        new("ZTO", "中通快递", "ZTO Express", "zhongtong", null, ["中通", "中通快递", "ZTO Express", "zhongtong"]),
        new("YTO", "圆通速递", "YTO Express", "yuantong", @"^YT\d{13}$", ["圆通", "圆通快递", "圆通速递", "YTO Express", "yuantong"]),
        new("YUNDA", "韵达快递", "Yunda Express", "yunda", null, ["韵达", "韵达快递", "韵达速递", "Yunda Express", "Yunda"]),
        new("STO", "申通快递", "STO Express", "shentong", null, ["申通", "申通快递", "STO Express", "shentong"]),
        new("EMS", "中国邮政 EMS", "China Post EMS", "ems", @"^([A-Za-z]{2}\d{9}[A-Za-z]{2}|[981]\d{12})$", ["邮政", "中国邮政", "邮政EMS", "EMS快递", "China Post", "ems"]),
        new("JT", "极兔速递", "J&T Express", "jtexpress", @"^JT\d{12,13}$", ["极兔", "极兔快递", "极兔速递", "J&T", "J&T Express", "jtexpress"]),
        new(Own, "自有车队", "Own fleet", null, null, ["自有车队", "自送", "自有物流", "Own fleet"]),
    ];

    public static Carrier? Find(string? codeOrName)
    {
        var text = Text.Normalize(codeOrName).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        return All.FirstOrDefault(c => string.Equals(c.Code, text, StringComparison.OrdinalIgnoreCase)
                || c.NameZh == text || string.Equals(c.NameEn, text, StringComparison.OrdinalIgnoreCase)
                || c.Aliases.Any(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase)));
    }

    public static Carrier? ByKuaidi100(string? com) => All.FirstOrDefault(c => c.Kuaidi100Code is not null && string.Equals(c.Kuaidi100Code, com, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Resolves the carrier of a shipment and checks its tracking number: a known carrier's number must match its
    /// format (422 <c>InvalidTrackingNumber</c>), any other must be 8-32 letters and digits; other carrier text is kept.
    /// </summary>
    public static CarrierChoice Resolve(string? carrier, string? trackingNumber)
    {
        var name = Text.Optional(carrier, "carrier", 100);
        var number = Text.Optional(trackingNumber, "trackingNumber", 100)?.Replace(" ", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(number))
        {
            number = null;
        }

        var known = Find(name);
        if (number is not null && known?.Code != Own)
        {
            if (known is { Validates: true })
            {
                // Carriers print their prefixes in capitals (SF, JD, YT, JT); a typed sf... is the same number.
                number = number.ToUpperInvariant();
            }

            if (known is { Validates: true } && !known.IsValidTrackingNumber(number))
            {
                throw new RuleViolationException("trackingNumber", "InvalidTrackingNumber",
                    $"{number} is not a {known.NameEn} tracking number.");
            }

            if (!Regex.IsMatch(number, GenericPattern, RegexOptions.CultureInvariant))
            {
                throw new RuleViolationException("trackingNumber", "InvalidTrackingNumber", "A tracking number is 8 to 32 letters and digits.");
            }
        }

        return known is null ? new CarrierChoice(null, name, number) : new CarrierChoice(known.Code, known.Code, number);
    }
}
