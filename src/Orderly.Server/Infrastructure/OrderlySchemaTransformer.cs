using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Gives request arrays their real schema and money its real type. <see cref="NoNullElementsConverterFactory"/> is a
/// custom converter, and System.Text.Json's schema exporter describes any custom converter as <c>{}</c> ("anything"),
/// so <c>lines</c>, <c>contacts</c>, <c>roles</c> and <c>items</c> came out empty. Decimals are marked
/// <c>format: decimal</c> so generated clients do not carry prices and quantities in a <c>double</c>, and numbers
/// are described as numbers only: the string form the server also reads is a leniency, not the contract. Enums,
/// written by name, say they are strings, or generators make integer enums of them.
/// </summary>
public sealed class OrderlySchemaTransformer : IOpenApiSchemaTransformer
{
    public async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type.IsArray && context.JsonTypeInfo.Kind == JsonTypeInfoKind.None && schema.Type is null && schema.Items is null)
        {
            var nullable = context.JsonPropertyInfo is { } property && IsNullable(property);
            schema.Type = nullable ? JsonSchemaType.Array | JsonSchemaType.Null : JsonSchemaType.Array;
            schema.Items = await context.GetOrCreateSchemaAsync(type.GetElementType()!, null, cancellationToken);
        }

        var numeric = Nullable.GetUnderlyingType(type) ?? type;
        if (schema.Type is { } kinds && (kinds.HasFlag(JsonSchemaType.Number) || kinds.HasFlag(JsonSchemaType.Integer)) && kinds.HasFlag(JsonSchemaType.String))
        {
            schema.Type = kinds & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (numeric.IsEnum && schema.Enum is { Count: > 0 } && schema.Type is null)
        {
            schema.Type = JsonSchemaType.String;
        }

        if (numeric == typeof(decimal))
        {
            schema.Format = "decimal";
        }
    }

    private static bool IsNullable(JsonPropertyInfo property) =>
        property.AttributeProvider is System.Reflection.PropertyInfo info
        && new System.Reflection.NullabilityInfoContext().Create(info).ReadState == System.Reflection.NullabilityState.Nullable;
}
