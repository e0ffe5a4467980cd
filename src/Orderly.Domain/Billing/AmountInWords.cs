using System.Text;

namespace Orderly.Domain.Billing;

/// <summary>
/// 大写金额: an amount of yuan in the capital numerals printed on invoices and cheques (e.g. 1234.56 ->
/// 壹仟贰佰叁拾肆元伍角陆分), following the 支付结算办法 rules: 整 after 元 or 角 when nothing follows, one 零 for
/// any run of zeros inside the number, 壹拾 written out in full.
/// </summary>
public static class AmountInWords
{
    private const string Digits = "零壹贰叁肆伍陆柒捌玖";
    private static readonly string[] Places = ["", "拾", "佰", "仟"];
    private static readonly string[] Groups = ["", "万", "亿", "万亿"];

    public static string Chinese(decimal amount)
    {
        var rounded = Math.Round(amount, 2, MidpointRounding.AwayFromZero);
        if (Math.Abs(rounded) >= 1_0000_0000_0000_0000m)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Too large for 大写金额.");
        }

        var sign = rounded < 0 ? "负" : "";
        var fen = (long)(Math.Abs(rounded) * 100m);
        var yuan = fen / 100;
        var jiao = (int)(fen / 10 % 10);
        var cents = (int)(fen % 10);
        var text = new StringBuilder(sign);
        if (yuan > 0)
        {
            text.Append(Integer(yuan)).Append('元');
        }

        if (jiao == 0 && cents == 0)
        {
            return yuan == 0 ? "零元整" : text.Append('整').ToString();
        }

        if (jiao > 0)
        {
            text.Append(Digits[jiao]).Append('角');
        }
        else if (yuan > 0)
        {
            text.Append('零');
        }

        return cents > 0 ? text.Append(Digits[cents]).Append('分').ToString() : text.Append('整').ToString();
    }

    private static string Integer(long value)
    {
        var groups = new List<int>();
        for (var rest = value; rest > 0; rest /= 10_000)
        {
            groups.Add((int)(rest % 10_000));
        }

        var text = new StringBuilder();
        var zeroPending = false;
        for (var g = groups.Count - 1; g >= 0; g--)
        {
            var group = groups[g];
            if (group == 0)
            {
                zeroPending = text.Length > 0;
                continue;
            }

            if (text.Length > 0 && (zeroPending || group < 1000))
            {
                text.Append('零');
            }

            text.Append(Group(group)).Append(Groups[g]);
            zeroPending = false;
        }

        return text.ToString();
    }

    private static string Group(int value)
    {
        var text = new StringBuilder();
        var zero = false;
        for (var place = 3; place >= 0; place--)
        {
            var digit = value / (int)Math.Pow(10, place) % 10;
            if (digit == 0)
            {
                zero = text.Length > 0;
                continue;
            }

            if (zero)
            {
                text.Append('零');
                zero = false;
            }

            text.Append(Digits[digit]).Append(Places[place]);
        }

        return text.ToString();
    }
}
