using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Reads a JSON number into a decimal only when the database's decimal(18,4) columns hold it exactly: at most four
/// decimal places and fourteen digits before the point. System.Text.Json would turn 1e-30 into 0 and round a
/// fortieth decimal place away without a word; here both are a 400 naming the field.
/// </summary>
public sealed class ScaledDecimalConverter : JsonConverter<decimal>
{
    public const int Scale = 4;
    public const int IntegerDigits = 14;

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"The JSON value could not be converted to {typeof(decimal)}.");
        }

        var raw = reader.HasValueSequence ? Encoding.ASCII.GetString(reader.ValueSequence) : Encoding.ASCII.GetString(reader.ValueSpan);
        var (scale, integerDigits) = Shape(raw);
        if (scale > Scale)
        {
            throw new JsonException($"The number {Shorten(raw)} has more than {Scale} decimal places; it cannot be stored exactly.");
        }

        if (integerDigits > IntegerDigits)
        {
            throw new JsonException($"The number {Shorten(raw)} has more than {IntegerDigits} digits before the decimal point.");
        }

        return decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);

    /// <summary>The decimal places and integer digits a JSON number really has, exponent and trailing zeros accounted for.</summary>
    private static (long Scale, long IntegerDigits) Shape(string raw)
    {
        var e = raw.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? raw : raw[..e];
        long exponent = 0;
        if (e >= 0 && !long.TryParse(raw.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            exponent = raw[e + 1] == '-' ? long.MinValue / 4 : long.MaxValue / 4;
        }

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = (point < 0 ? mantissa : mantissa.Remove(point, 1)).TrimStart('-');
        long scale = (point < 0 ? 0 : mantissa.Length - point - 1) - exponent;
        var significant = digits.TrimStart('0');
        var trimmed = significant.TrimEnd('0');
        if (trimmed.Length == 0)
        {
            return (0, 0); // zero, however it is written
        }

        scale -= significant.Length - trimmed.Length;
        return (Math.Max(0, scale), Math.Max(0, trimmed.Length - scale));
    }

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..37] + "...";
}
