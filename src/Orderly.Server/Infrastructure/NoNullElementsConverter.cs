using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Refuses <c>null</c> inside request arrays (<c>"lines": [null]</c>) as malformed JSON. Nullable annotations are
/// not checked on collection elements by System.Text.Json, and no Orderly request has a use for a null element.
/// </summary>
public sealed class NoNullElementsConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsArray && typeToConvert.GetElementType() is { IsValueType: false };

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(NoNullElementsConverter<>).MakeGenericType(typeToConvert.GetElementType()!))!;

    private sealed class NoNullElementsConverter<T> : JsonConverter<T[]>
        where T : class
    {
        public override T[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            List<T?>? items;
            try
            {
                items = JsonSerializer.Deserialize<List<T?>>(ref reader, options);
            }
            catch (JsonException inner) when (inner.Path is { Length: > 1 })
            {
                // The nested read knows the path only from this array on; wrapped, the answer names the whole path.
                throw new JsonException(ProblemExceptionHandler.ReasonOf(inner), inner);
            }

            if (items is null)
            {
                return null;
            }

            var firstNull = items.IndexOf(null);
            return firstNull < 0
                ? [.. items!]
                : throw new JsonException($"Element {firstNull} of the array is null; every element must be an object or value.");
        }

        public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.AsEnumerable(), options);
    }
}
