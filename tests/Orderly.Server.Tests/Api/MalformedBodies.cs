using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// Generates bodies that are each wrong in one way (QUALITY.md I1): truncated, wrong types, out-of-range and
/// non-JSON numbers, duplicate keys, unknown members, invalid UTF-8, deep nesting, wrong top-level shapes,
/// huge strings, nulls for required fields. Deterministic for a given seed.
/// </summary>
public sealed class MalformedBodies(Random random, Func<JsonObject> validBody, IReadOnlyList<BodyField> fields)
{
    private const string Placeholder = "@@RAW@@";
    private const string KeyPlaceholder = "@@KEY@@";

    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] WrongForString = ["123", "true", "[]", "{}", "1.5", "[\"a\"]"];
    private static readonly string[] WrongForNumber = ["\"abc\"", "true", "[]", "{}", "\"12abc\"", "\"\"", "\"1,5\"", "\"0x10\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e400\"", "[1]"];
    private static readonly string[] WrongForGuid = ["\"not-a-guid\"", "42", "true", "[]", "{}", "\"\"", "\"00000000-0000-0000-0000-00000000000g\"", "\"{}\""];
    private static readonly string[] WrongForBool = ["\"yes\"", "1", "\"true\"", "[]", "{}"];
    private static readonly string[] WrongForDate = ["\"2026-02-30\"", "\"yesterday\"", "20260101", "\"2026-13-01\"", "true", "{}"];
    private static readonly string[] WrongForArray = ["\"x\"", "{}", "5", "true", "[[1]]", "[\"a\"]", "[1,2]"];
    private static readonly string[] BadNumberLiterals = ["1e400", "-1e400", "NaN", "-NaN", "Infinity", "-Infinity", "1e", "--1", "01", ".5", "+1", "0x10", "1.", "1e999999999"];
    private static readonly string[] UnknownMembers = ["id", "price", "cost", "status", "ownerId", "approvedBy", "version", "createdAt", "isAdmin", "__proto__", "$type", "名称"];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xC3, 0x28], [0xFF], [0xFE, 0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80],
    ];

    private static readonly string[] Shapes =
    [
        "", " ", "null", "[]", "\"text\"", "42", "true", "{", "}", "{}", "{\"a\"}", "{,}", "{\"a\":}", "[{}]", "\u0000", "{}{}", "{\"x\":1}//",
    ];

    /// <summary>Every kind of breakage at least once per field kind, then random picks up to <paramref name="count"/> bodies.</summary>
    public List<MalformedBody> Generate(int count)
    {
        var bodies = new List<MalformedBody>();
        var valid = Serialize(validBody());
        bodies.AddRange(Shapes.Select(s => new MalformedBody($"shape {Describe(s)}", Encoding.UTF8.GetBytes(s))));
        bodies.Add(new("array of the valid body", [.. "["u8, .. valid, .. "]"u8]));
        bodies.Add(new("BOM then truncated", [0xEF, 0xBB, 0xBF, .. valid[..^1]]));
        bodies.Add(new("nesting 1,000 deep at the top", Encoding.UTF8.GetBytes(new string('[', 1000) + new string(']', 1000))));
        foreach (var field in fields.Where(f => f.Required))
        {
            bodies.Add(NullFor(field));
            bodies.Add(Missing(field));
        }

        var generators = new Func<MalformedBody>[]
        {
            () => Truncated(valid), WrongType, BadNumber, DuplicateKey, UnknownMember, InvalidUtf8InValue, InvalidUtf8InKey,
            InvalidUtf8OutsideStrings, DeepNesting, HugeString,
        };
        foreach (var generator in generators)
        {
            bodies.Add(generator());
        }

        while (bodies.Count < count)
        {
            bodies.Add(generators[random.Next(generators.Length)]());
        }

        return bodies;
    }

    private MalformedBody Truncated(byte[] valid)
    {
        var cut = random.Next(1, valid.Length);
        return new($"truncated at byte {cut} of {valid.Length}", valid[..cut]);
    }

    private MalformedBody WrongType()
    {
        var field = Pick(fields);
        var options = field.Kind switch
        {
            FieldKind.Text => WrongForString,
            FieldKind.Number or FieldKind.WholeNumber => WrongForNumber,
            FieldKind.Id => WrongForGuid,
            FieldKind.Bool => WrongForBool,
            FieldKind.Date => WrongForDate,
            _ => WrongForArray,
        };
        var value = Pick(options);
        return WithRawValue(field, value, $"wrong type {field.Path}={value}");
    }

    private MalformedBody BadNumber()
    {
        var numeric = fields.Where(f => f.Kind is FieldKind.Number or FieldKind.WholeNumber).ToList();
        var field = numeric.Count > 0 ? Pick(numeric) : Pick(fields);
        var literal = Pick(BadNumberLiterals);
        return WithRawValue(field, literal, $"number literal {field.Path}={literal}");
    }

    private MalformedBody DuplicateKey()
    {
        var field = Pick(fields);
        var body = validBody();
        var (parent, name) = Locate(body, field);
        var copy = random.Next(2) == 0 ? parent[name]?.DeepClone() : JsonValue.Create("other");
        parent[KeyPlaceholder] = copy;
        var text = Encoding.UTF8.GetString(Serialize(body)).Replace($"\"{KeyPlaceholder}\"", $"\"{name}\"", StringComparison.Ordinal);
        return new($"duplicate key {field.Path}", Encoding.UTF8.GetBytes(text));
    }

    private MalformedBody UnknownMember()
    {
        var field = Pick(fields);
        var body = validBody();
        var (parent, _) = Locate(body, field);
        var member = Pick(UnknownMembers);
        parent[member] = random.Next(3) switch
        {
            0 => JsonValue.Create(Guid.NewGuid()),
            1 => JsonValue.Create(0m),
            _ => JsonValue.Create("Confirmed"),
        };
        return new($"unknown member {member} beside {field.Path}", Serialize(body));
    }

    private MalformedBody InvalidUtf8InValue()
    {
        var field = Pick(fields);
        var bad = Pick(InvalidUtf8);
        var bytes = WithPlaceholder(field, JsonValue.Create("ab" + Placeholder + "cd"));
        return new($"invalid UTF-8 {Convert.ToHexString(bad)} in the value of {field.Path}", Splice(bytes, Placeholder, bad));
    }

    private MalformedBody InvalidUtf8InKey()
    {
        var field = Pick(fields);
        var body = validBody();
        var (parent, name) = Locate(body, field);
        var value = parent[name]?.DeepClone();
        parent.Remove(name);
        parent[KeyPlaceholder] = value;
        var bad = Pick(InvalidUtf8);
        var renamed = Encoding.UTF8.GetBytes(name[..1]).Concat(bad).Concat(Encoding.UTF8.GetBytes(name[1..])).ToArray();
        return new($"invalid UTF-8 {Convert.ToHexString(bad)} in the key {field.Path}", Splice(Serialize(body), KeyPlaceholder, renamed));
    }

    private MalformedBody InvalidUtf8OutsideStrings()
    {
        var field = Pick(fields);
        var bad = Pick(InvalidUtf8);
        var bytes = WithPlaceholder(field, JsonValue.Create(Placeholder));
        return new($"invalid UTF-8 {Convert.ToHexString(bad)} as the value of {field.Path}", Splice(bytes, $"\"{Placeholder}\"", bad));
    }

    private MalformedBody DeepNesting()
    {
        var field = Pick(fields);
        var depth = 1000;
        var nested = random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        return WithRawValue(field, nested, $"nesting {depth} deep in {field.Path}");
    }

    private MalformedBody HugeString()
    {
        var field = Pick(fields);
        var unit = random.Next(3) switch { 0 => "a", 1 => "张", _ => "😀" };
        var length = random.Next(1, 4) * 100_000;
        var huge = string.Concat(Enumerable.Repeat(unit, length));
        return new($"huge string ({length} x {unit}) for the {field.Kind} {field.Path}", WithPlaceholder(field, JsonValue.Create(huge)));
    }

    private MalformedBody NullFor(BodyField field) => WithRawValue(field, "null", $"null for required {field.Path}");

    private MalformedBody Missing(BodyField field)
    {
        var body = validBody();
        var (parent, name) = Locate(body, field);
        parent.Remove(name);
        return new($"required {field.Path} left out", Serialize(body));
    }

    private MalformedBody WithRawValue(BodyField field, string raw, string label)
    {
        var bytes = WithPlaceholder(field, JsonValue.Create(Placeholder));
        return new(label, Splice(bytes, $"\"{Placeholder}\"", Encoding.UTF8.GetBytes(raw)));
    }

    private byte[] WithPlaceholder(BodyField field, JsonNode value)
    {
        var body = validBody();
        var (parent, name) = Locate(body, field);
        parent[name] = value;
        return Serialize(body);
    }

    private static (JsonObject Parent, string Name) Locate(JsonObject body, BodyField field)
    {
        JsonNode node = body;
        var segments = field.Segments;
        foreach (var segment in segments.Take(segments.Count - 1))
        {
            node = int.TryParse(segment, out var index) ? node[index]! : node[segment]!;
        }

        return (node.AsObject(), segments[^1]);
    }

    private static byte[] Splice(byte[] text, string marker, byte[] replacement)
    {
        var markerBytes = Encoding.UTF8.GetBytes(marker);
        var at = text.AsSpan().IndexOf(markerBytes);
        if (at < 0)
        {
            throw new InvalidOperationException($"marker {marker} not found");
        }

        return [.. text[..at], .. replacement, .. text[(at + markerBytes.Length)..]];
    }

    private static byte[] Serialize(JsonNode body) => Encoding.UTF8.GetBytes(body.ToJsonString(Raw));

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Describe(string shape) => shape.Length == 0 ? "(empty)" : JsonSerializer.Serialize(shape);
}
