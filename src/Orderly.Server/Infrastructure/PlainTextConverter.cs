using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Refuses JSON text holding NUL or another C0 control character (tab, CR and LF excepted, for free text such as
/// addresses and notes): such characters end up in codes and names, break exports and search, and no client
/// sends them on purpose. The refusal is a 400 naming the field.
/// </summary>
public sealed class PlainTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Checked(reader.GetString())
            : throw new JsonException($"The JSON value could not be converted to {typeof(string)}.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Checked(reader.GetString())!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private static string? Checked(string? value) =>
        InputGuards.ControlCharacterIn(value, allowLineBreaks: true) is { } control
            ? throw new JsonException($"The text contains the control character U+{(int)control:X4}, which is not allowed.")
            : value;
}
