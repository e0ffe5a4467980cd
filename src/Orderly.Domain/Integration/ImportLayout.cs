namespace Orderly.Domain.Integration;

/// <summary>What a cell holds: the importer folds full-width characters in numbers and codes, never in text.</summary>
public enum ImportCellType
{
    Text,
    Code,
    Number,
    WholeNumber,
    Boolean,
}

/// <summary>One column of an import file: its key, its header in English and in Chinese, and its rules.</summary>
/// <param name="MultiLine">Free text (an address) may hold line breaks; codes and names are one line, as in the API.</param>
public sealed record ImportColumn(string Key, string English, string Chinese, ImportCellType Type, bool Required = false, int? MaxLength = null, bool MultiLine = false)
{
    /// <summary>The template's header: both languages, either of which is accepted alone.</summary>
    public string TemplateHeader => $"{English} / {Chinese}";

    public bool Matches(string header)
    {
        var text = ImportText.FoldWidth(header).TrimStart('\uFEFF').TrimEnd('*', ' ');
        foreach (var part in text.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Same(part, English) || Same(part, Chinese) || Same(part, Key))
            {
                return true;
            }
        }

        return Same(text, English) || Same(text, Chinese) || Same(text, Key);
    }

    private static bool Same(string a, string b) =>
        string.Equals(Squash(a), Squash(b), StringComparison.OrdinalIgnoreCase);

    private static string Squash(string s) => s.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
}

/// <summary>The columns of one kind of import, and which header of a given file each maps to.</summary>
public sealed class ImportLayout(string kind, IReadOnlyList<ImportColumn> columns)
{
    public string Kind { get; } = kind;

    public IReadOnlyList<ImportColumn> Columns { get; } = columns;

    /// <summary>For each column key, the file's column index and the header as written; missing required columns are listed.</summary>
    public HeaderMap Map(string[] headers)
    {
        var indexes = new Dictionary<string, (int Index, string Header)>(StringComparer.Ordinal);
        var missing = new List<ImportColumn>();
        foreach (var column in Columns)
        {
            var index = Array.FindIndex(headers, h => column.Matches(h ?? ""));
            if (index >= 0)
            {
                indexes[column.Key] = (index, (headers[index] ?? "").Trim().TrimStart('\uFEFF'));
            }
            else if (column.Required)
            {
                missing.Add(column);
            }
        }

        return new HeaderMap(indexes, missing);
    }
}

/// <summary>A file's header mapped onto a layout.</summary>
public sealed record HeaderMap(IReadOnlyDictionary<string, (int Index, string Header)> Columns, IReadOnlyList<ImportColumn> Missing)
{
    public string? Cell(string[] fields, string key) =>
        Columns.TryGetValue(key, out var c) && c.Index < fields.Length ? fields[c.Index] : null;

    /// <summary>The header as the file wrote it, for error reports; the English name when the file has no such column.</summary>
    public string HeaderOf(ImportColumn column) => Columns.TryGetValue(column.Key, out var c) ? c.Header : column.English;
}

/// <summary>One refused cell or row: the file's line (header = 1), the column's header as written, a code and a message.</summary>
public sealed record ImportProblem(int Row, string Column, string Code, string Message);

/// <summary>The codes of refused rows.</summary>
public static class ImportCodes
{
    public const string BadNumber = "BadNumber";
    public const string BadValue = "BadValue";
    public const string UnknownSku = "UnknownSku";
    public const string UnknownWarehouse = "UnknownWarehouse";
    public const string DuplicateInFile = "DuplicateInFile";
    public const string DuplicateOfExisting = "DuplicateOfExisting";
    public const string TooLong = "TooLong";
    public const string MissingRequired = "MissingRequired";
    public const string Invalid = "Invalid";
    public const string ControlCharacter = "ControlCharacter";
    public const string UnknownCustomer = "UnknownCustomer";
    public const string OrderRefused = "OrderRefused";
}
