using System.Globalization;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// Builds a well-formed request body for an OpenAPI schema, and the list of its fields (path, JSON kind, required)
/// that <see cref="MalformedBodies"/> breaks one at a time. Ids are filled from <paramref name="ids"/> by property
/// name, so the body reaches past "unknown customer" to the checks behind it.
/// </summary>
public sealed class SchemaBodies(JsonNode document, IReadOnlyDictionary<string, Guid> ids)
{
    private const int MaxDepth = 4;

    private JsonObject Schemas => document["components"]!["schemas"]!.AsObject();

    public JsonObject Body(JsonNode schema) => Value(Resolve(schema), "", 0) as JsonObject ?? [];

    public List<BodyField> Fields(JsonNode schema)
    {
        var fields = new List<BodyField>();
        Collect(Resolve(schema), "", fields, 0);
        return fields;
    }

    private JsonNode? Value(JsonNode schema, string name, int depth)
    {
        schema = Resolve(schema);
        if (schema["enum"] is JsonArray values)
        {
            return values[0]!.DeepClone();
        }

        var types = Types(schema);
        if (types.Contains("object") && depth < MaxDepth)
        {
            var body = new JsonObject();
            foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
            {
                body[property] = Value(propertySchema!, property, depth + 1);
            }

            return body;
        }

        if (types.Contains("array"))
        {
            return schema["items"] is { } items ? new JsonArray(Value(items, Singular(name), depth + 1)) : [];
        }

        var format = schema["format"]?.GetValue<string>();
        return (types.FirstOrDefault(t => t != "null"), format) switch
        {
            ("string", "uuid") => ids.TryGetValue(name, out var id) ? id : Guid.NewGuid(),
            ("string", "date") => DateOnly.FromDateTime(DateTime.UtcNow.AddDays(7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ("string", "date-time") => DateTimeOffset.UtcNow.AddDays(7).ToString("O", CultureInfo.InvariantCulture),
            ("string", _) => Text(name),
            ("integer", _) => 1,
            // A count books what it counts; plenty keeps later transfers and adjustments from running out of stock.
            ("number", _) => name == "countedQuantity" ? 1_000_000m : 1m,
            ("boolean", _) => false,
            _ => null,
        };
    }

    private void Collect(JsonNode schema, string path, List<BodyField> fields, int depth)
    {
        var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
        foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
        {
            var resolved = Resolve(propertySchema!);
            var fieldPath = path.Length == 0 ? property : $"{path}.{property}";
            var types = Types(resolved);
            fields.Add(new BodyField(fieldPath, Kind(resolved, types), required.Contains(property)));
            if (types.Contains("array") && resolved["items"] is { } items && depth < MaxDepth && Types(Resolve(items)).Contains("object"))
            {
                Collect(Resolve(items), $"{fieldPath}.0", fields, depth + 1);
            }
        }
    }

    private static FieldKind Kind(JsonNode schema, IReadOnlyList<string> types) =>
        (types.FirstOrDefault(t => t != "null"), schema["format"]?.GetValue<string>()) switch
        {
            _ when schema["enum"] is not null => FieldKind.Text,
            ("array", _) or ("object", _) => FieldKind.Array,
            ("string", "uuid") => FieldKind.Id,
            ("string", "date" or "date-time") => FieldKind.Date,
            ("integer", _) => FieldKind.WholeNumber,
            ("number", _) => FieldKind.Number,
            ("boolean", _) => FieldKind.Bool,
            _ => FieldKind.Text,
        };

    private JsonNode Resolve(JsonNode schema)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return Schemas[reference.Split('/')[^1]]!;
        }

        return schema["oneOf"] is JsonArray options ? Resolve(options.First(o => o!["type"]?.GetValue<string>() != "null")!) : schema;
    }

    private static List<string> Types(JsonNode schema) => schema["type"] switch
    {
        JsonValue one => [one.GetValue<string>()],
        JsonArray many => [.. many.Select(t => t!.GetValue<string>())],
        _ => schema["properties"] is not null ? ["object"] : [],
    };

    private static string Text(string name) => name switch
    {
        "code" or "sku" => TestData.Unique("FZ"),
        "currency" => "CNY",
        "email" => $"{TestData.Unique("fuzz")}@example.cn",
        "password" => "Fuzz-Password-1",
        "role" => "Viewer",
        "unit" => "pcs",
        _ => "模糊测试 fuzz",
    };

    private static string Singular(string name) => name switch
    {
        "roles" => "role",
        _ => name,
    };
}
