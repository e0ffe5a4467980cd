using Orderly.Domain.Common;

namespace Orderly.Domain.Integration;

/// <summary>
/// Reads the typed cells of one data row and records every problem it finds (not just the first), located by the
/// file's line and the header as written.
/// </summary>
public sealed class ImportRow(ImportLayout layout, HeaderMap map, CsvRecord record)
{
    private readonly List<ImportProblem> _problems = [];

    public int Line => record.Line;

    public IReadOnlyList<ImportProblem> Problems => _problems;

    public bool IsValid => _problems.Count == 0;

    /// <summary>A row with no content at all (Excel leaves trailing empty rows) is skipped, not refused.</summary>
    public bool IsBlank => record.Fields.All(f => string.IsNullOrWhiteSpace(f));

    public string? Text(string key)
    {
        var column = Column(key);
        var raw = map.Cell(record.Fields, key);
        var value = column.Type == ImportCellType.Code ? ImportText.FoldWidth(raw) : Common.Text.Normalize(raw);
        if (value.Length == 0)
        {
            if (column.Required)
            {
                Fail(column, ImportCodes.MissingRequired, $"{column.English} is required.");
            }

            return null;
        }

        if (ControlCharacterIn(value, column.MultiLine) is { } control)
        {
            Fail(column, ImportCodes.ControlCharacter, $"{column.English} contains the control character U+{(int)control:X4}{(column.MultiLine ? "" : " (a line break is allowed only in free text)")}.");
            return null;
        }

        if (column.MaxLength is { } max && Common.Text.LengthOf(value) > max)
        {
            Fail(column, ImportCodes.TooLong, $"{column.English} must be at most {max} characters.");
            return null;
        }

        return value;
    }

    public decimal? Number(string key)
    {
        var column = Column(key);
        var raw = map.Cell(record.Fields, key);
        if (string.IsNullOrWhiteSpace(raw))
        {
            if (column.Required)
            {
                Fail(column, ImportCodes.MissingRequired, $"{column.English} is required.");
            }

            return null;
        }

        if (!ImportText.TryDecimal(raw, out var value))
        {
            Fail(column, ImportCodes.BadNumber, $"'{Clip(raw)}' is not a number.");
            return null;
        }

        return value;
    }

    public int? WholeNumber(string key)
    {
        var number = Number(key);
        if (number is { } n && (n != decimal.Truncate(n) || n is < int.MinValue or > int.MaxValue))
        {
            var column = Column(key);
            Fail(column, ImportCodes.BadNumber, $"'{n}' is not a whole number.");
            return null;
        }

        return (int?)number;
    }

    public bool? Boolean(string key)
    {
        var column = Column(key);
        try
        {
            return ImportText.TryBool(map.Cell(record.Fields, key));
        }
        catch (FormatException)
        {
            Fail(column, ImportCodes.BadValue, "Expected yes or no (是/否).");
            return null;
        }
    }

    public void Fail(string key, string code, string message) => Fail(Column(key), code, message);

    /// <summary>Maps the domain's own rule violations (field names as the API spells them) onto the file's columns.</summary>
    public void Fail(IEnumerable<RuleViolation> violations, IReadOnlyDictionary<string, string> fieldToKey)
    {
        foreach (var v in violations)
        {
            var key = fieldToKey.TryGetValue(v.Field, out var k) ? k : layout.Columns[0].Key;
            var code = v.Code switch
            {
                "TooLong" => ImportCodes.TooLong,
                "Required" => ImportCodes.MissingRequired,
                _ => v.Code,
            };
            Fail(Column(key), code, v.Message);
        }
    }

    /// <summary>The API's rule for text: no control characters; free text may hold tabs and line breaks.</summary>
    private static char? ControlCharacterIn(string text, bool allowLineBreaks)
    {
        foreach (var c in text)
        {
            if ((c < ' ' || c == '\u007f') && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
            {
                return c;
            }
        }

        return null;
    }

    private void Fail(ImportColumn column, string code, string message) =>
        _problems.Add(new ImportProblem(record.Line, map.HeaderOf(column), code, message));

    private ImportColumn Column(string key) => layout.Columns.First(c => c.Key == key);

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
