namespace Orderly.Server.Integration;

/// <summary>RFC 4180 fields for files people open in Excel.</summary>
public static class Csv
{
    /// <summary>
    /// One field. Text that a spreadsheet would run as a formula (leading =, +, -, @, tab, CR) gets a leading
    /// apostrophe: a value typed by one user must not execute on another's machine when opened in Excel.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
