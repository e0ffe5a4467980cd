using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Reads a JSON request body once, before it is bound, for what System.Text.Json accepts but must not reach the
/// database: text with NUL or another C0 control character (free text such as addresses and notes may hold tab, CR
/// and LF; every other text is one line), and numbers that a decimal(18,4) column cannot hold exactly (1e-30 would
/// be bound as 0, a fortieth decimal place rounded away). Done on the raw tokens, so the bound types and the
/// OpenAPI schemas derived from them stay plain. Malformed JSON is left to the binder, which names the fault.
/// </summary>
public static class JsonBodyGuard
{
    public const int Scale = 4;
    public const int IntegerDigits = 14;

    /// <summary>JSON names of the text fields that may span lines.</summary>
    private static readonly HashSet<string> FreeTextFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "note", "notes", "reason", "description", "comment", "message",
    };

    public static (string Path, string Title, string Code, string Detail)? Check(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        frames[^1].Property = reader.GetString();
                        if (reader.ValueIsEscaped && InputGuards.ControlCharacterIn(frames[^1].Property) is { } inName)
                        {
                            return (PathOf(frames), "Control character", "ControlCharacter", $"A member name contains the control character U+{(int)inName:X4}.");
                        }

                        break;
                    case JsonTokenType.String:
                        Advance(frames);
                        // Raw control characters are not valid JSON; only an escaped string can hold one.
                        if (reader.ValueIsEscaped
                            && InputGuards.ControlCharacterIn(reader.GetString(), FreeTextFields.Contains(NearestProperty(frames) ?? "")) is { } control)
                        {
                            return (PathOf(frames), "Control character", "ControlCharacter",
                                $"The text contains the control character U+{(int)control:X4}, which is not allowed here.");
                        }

                        break;
                    case JsonTokenType.Number:
                        Advance(frames);
                        if (NumberProblem(Encoding.ASCII.GetString(reader.ValueSpan)) is { } problem)
                        {
                            return (PathOf(frames), "Number out of range", "NumberNotStorable", problem);
                        }

                        break;
                    default:
                        Advance(frames);
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return null; // malformed JSON or invalid UTF-8: the binder refuses it and says why
        }

        return null;
    }

    /// <summary>Why a JSON number cannot be stored exactly in a decimal(18,4) column, or null when it can.</summary>
    public static string? NumberProblem(string raw)
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
        var significant = digits.TrimStart('0');
        var trimmed = significant.TrimEnd('0');
        if (trimmed.Length == 0)
        {
            return null; // zero, however it is written
        }

        var scale = (point < 0 ? 0 : mantissa.Length - point - 1) - exponent - (significant.Length - trimmed.Length);
        var shown = raw.Length <= 40 ? raw : raw[..37] + "...";
        return scale > Scale ? $"The number {shown} has more than {Scale} decimal places; it cannot be stored exactly."
            : trimmed.Length - scale > IntegerDigits ? $"The number {shown} has more than {IntegerDigits} digits before the decimal point."
            : null;
    }

    private static void Advance(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1].Index++;
        }
    }

    private static string? NearestProperty(List<Frame> frames)
    {
        for (var i = frames.Count - 1; i >= 0; i--)
        {
            if (!frames[i].IsArray)
            {
                return frames[i].Property;
            }
        }

        return null;
    }

    private static string PathOf(List<Frame> frames)
    {
        var path = new StringBuilder("$");
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                path.Append(CultureInfo.InvariantCulture, $"[{frame.Index}]");
            }
            else if (frame.Property is { } property)
            {
                path.Append('.').Append(property);
            }
        }

        return path.ToString();
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Property { get; set; }
    }
}
