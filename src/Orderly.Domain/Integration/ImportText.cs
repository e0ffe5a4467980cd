using System.Globalization;
using System.Text;

namespace Orderly.Domain.Integration;

/// <summary>
/// Cleaning of spreadsheet cells. Chinese input methods type full-width digits, letters and spaces (１２．５, ＳＫＵ-１);
/// in numbers and codes they are folded to ASCII, where the meaning cannot change. Names and free text keep
/// their characters: a full-width letter in a name may be intended.
/// </summary>
public static class ImportText
{
    /// <summary>Folds full-width ASCII (U+FF01..U+FF5E) and the ideographic space to their ASCII forms, then trims.</summary>
    public static string FoldWidth(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        StringBuilder? folded = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var ascii = c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                '\u3002' => '.',
                _ => c,
            };
            if (ascii != c)
            {
                folded ??= new StringBuilder(value, 0, i, value.Length);
            }

            folded?.Append(ascii);
        }

        return (folded?.ToString() ?? value).Trim();
    }

    /// <summary>A decimal as people type it: full-width digits, thousands separators, a leading ¥ or ￥.</summary>
    public static bool TryDecimal(string? cell, out decimal value)
    {
        var text = FoldWidth(cell).TrimStart('¥', '\u00A5', '$').Trim();
        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands,
            CultureInfo.InvariantCulture, out value);
    }

    public static bool TryInt(string? cell, out int value)
    {
        value = 0;
        if (!TryDecimal(cell, out var d) || d != decimal.Truncate(d) || d is < int.MinValue or > int.MaxValue)
        {
            return false;
        }

        value = (int)d;
        return true;
    }

    /// <summary>yes/no in either language; empty is the default.</summary>
    public static bool? TryBool(string? cell)
    {
        var text = FoldWidth(cell).ToLowerInvariant();
        return text switch
        {
            "" => null,
            "1" or "true" or "yes" or "y" or "是" or "对" or "启用" => true,
            "0" or "false" or "no" or "n" or "否" or "停用" => false,
            _ => throw new FormatException(text),
        };
    }
}
