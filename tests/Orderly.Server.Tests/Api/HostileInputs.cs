using System.Text;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// What <see cref="MalformedBodies"/> does not try: well-formed JSON carrying control characters, numbers no column
/// can hold, dates at the ends of the calendar; a valid body under a wrong content type; junk query strings.
/// Each case is wrong for the API even where it is valid JSON. Deterministic for a given seed.
/// </summary>
public sealed class HostileInputs(Random random, Func<JsonObject> validBody, IReadOnlyList<BodyField> fields)
{
    public const string ControlCharacters = "control characters";
    public const string NumberRange = "number range";
    public const string DateRange = "date range";
    public const string ContentType = "content type";
    public const string QueryString = "query string";

    private static readonly string[] Controls = ["\u0000", "\u0001", "\u0007", "\u0008", "\u000B", "\u001B[31m", "\u001F"];
    private static readonly string[] DecimalLiterals =
    [
        "79228162514264337593543950336", "-79228162514264337593543950336", "0.1234567890123456789012345678",
        "12345678901234567890123456.78", "1e28", "-1e28", "1e-28",
    ];

    private static readonly string[] IntegerLiterals = ["2147483648", "-2147483649", "9223372036854775808", "1.5", "1e3"];
    private static readonly string[] Dates = ["\"0001-01-01\"", "\"9999-12-31\"", "\"0001-01-01T00:00:00+14:00\"", "\"9999-12-31T23:59:59-14:00\"", "\"9999-12-31T23:59:59.9999999Z\""];
    private static readonly string?[] WrongContentTypes =
    [
        null, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "application/octet-stream",
    ];

    /// <summary>Junk that must not break any route, read by it or not.</summary>
    public static readonly string[] JunkQueries =
    [
        "?limit=1e400", "?limit=NaN", "?limit=-1", "?limit=99999999999", "?cursor=%00", "?cursor=%FF%FE", "?from=0001-01-01&to=9999-12-31",
        "?from=2026-02-30", "?q=" + new string('x', 5000), "?limit=1&limit=2", "?%00=%00", "?a[b][c]=1", "?status=Bogus", "?q=%E2%80%AE%F0%9F%98%80",
    ];

    /// <summary>A junk query is about dates or control characters when it carries them (the known gaps are sorted by kind).</summary>
    public static string KindOfQuery(string query) =>
        query.Contains("0001-01-01", StringComparison.Ordinal) || query.Contains("9999-12-31", StringComparison.Ordinal) ? DateRange
        : query.Contains("%00", StringComparison.Ordinal) || query.Contains("%1B", StringComparison.Ordinal) ? ControlCharacters
        : QueryString;

    public IEnumerable<FuzzCase> Generate(int perKind)
    {
        var text = fields.Where(f => f.Kind == FieldKind.Text).ToList();
        var numbers = fields.Where(f => f.Kind is FieldKind.Number or FieldKind.WholeNumber).ToList();
        var dates = fields.Where(f => f.Kind == FieldKind.Date).ToList();
        for (var i = 0; i < perKind && text.Count > 0; i++)
        {
            var field = text[random.Next(text.Count)];
            var control = Controls[random.Next(Controls.Length)];
            yield return Case(ControlCharacters, $"{field.Path} carries U+{(int)control[0]:X4}", field, JsonValue.Create("供应" + control + "商")!.ToJsonString());
        }

        for (var i = 0; i < perKind && numbers.Count > 0; i++)
        {
            var field = numbers[random.Next(numbers.Count)];
            var literals = field.Kind == FieldKind.WholeNumber ? IntegerLiterals : DecimalLiterals;
            var literal = literals[random.Next(literals.Length)];
            yield return Case(NumberRange, $"{field.Path}={literal}", field, literal);
        }

        for (var i = 0; i < perKind && dates.Count > 0; i++)
        {
            var field = dates[random.Next(dates.Count)];
            var date = Dates[random.Next(Dates.Length)];
            yield return Case(DateRange, $"{field.Path}={date}", field, date);
        }

        var valid = Encoding.UTF8.GetBytes(validBody().ToJsonString());
        foreach (var contentType in WrongContentTypes)
        {
            yield return new FuzzCase(ContentType, $"a valid body as {contentType ?? "no content type"}", valid, contentType);
        }

        foreach (var query in JunkQueries)
        {
            var cut = random.Next(1, valid.Length);
            yield return new FuzzCase(QueryString, $"{(query.Length > 60 ? query[..60] + "..." : query)} with a body cut at byte {cut}", valid[..cut], Query: query);
        }
    }

    private FuzzCase Case(string kind, string label, BodyField field, string rawValue)
    {
        var body = validBody();
        JsonNode node = body;
        var segments = field.Segments;
        foreach (var segment in segments.Take(segments.Count - 1))
        {
            node = int.TryParse(segment, out var index) ? node[index]! : node[segment]!;
        }

        node.AsObject()[segments[^1]] = "@@VALUE@@";
        var text = body.ToJsonString().Replace("\"@@VALUE@@\"", rawValue, StringComparison.Ordinal);
        return new FuzzCase(kind, label, Encoding.UTF8.GetBytes(text));
    }
}
