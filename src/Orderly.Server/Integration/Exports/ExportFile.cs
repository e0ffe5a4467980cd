using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace Orderly.Server.Integration;

/// <summary>
/// Writes rows as a CSV (UTF-8 with BOM) or XLSX download with headers in the caller's language: the list exports of
/// <c>/api/exports</c> and any capability's own export routes (e.g. the analyses) share it.
/// </summary>
public static class ExportFile
{
    /// <summary>An XLSX sheet holds 1,048,576 rows; a larger export is refused rather than cut short.</summary>
    public const int MaxXlsxRows = 1_048_575;

    /// <param name="name">The file name without extension and date.</param>
    /// <param name="extension">".csv" or ".xlsx".</param>
    public static async Task<IResult> CreateAsync(string name, IReadOnlyList<ExportColumn> columns, IAsyncEnumerable<object?[]> source, string extension, CancellationToken ct)
    {
        if (extension is not (".csv" or ".xlsx"))
        {
            throw new ArgumentOutOfRangeException(nameof(extension), extension, "An export is .csv or .xlsx.");
        }

        var chinese = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var headers = columns.Select(c => chinese ? c.Chinese : c.English).ToArray();
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        // The filters are parsed (and refused) before the first byte is sent, so a bad filter is a problem+json, not a broken file.
        var rows = source.GetAsyncEnumerator(ct);
        bool first;
        try
        {
            first = await rows.MoveNextAsync();
        }
        catch
        {
            await rows.DisposeAsync();
            throw;
        }
        return extension == ".csv"
            ? TypedResults.Stream(stream => WriteCsvAsync(stream, headers, rows, first, ct), "text/csv; charset=utf-8", $"{name}-{stamp}.csv")
            : TypedResults.Stream(stream => WriteXlsxAsync(stream, headers, rows, first, ct),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{name}-{stamp}.xlsx");
    }

    /// <summary>UTF-8 with a byte order mark (else Excel guesses a legacy code page and garbles Chinese), CRLF, row by row.</summary>
    private static async Task WriteCsvAsync(Stream stream, string[] headers, IAsyncEnumerator<object?[]> rows, bool first, CancellationToken ct)
    {
        await using var _ = rows;
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', headers.Select(Csv.Field)));
        for (var more = first; more; more = await rows.MoveNextAsync())
        {
            await writer.WriteLineAsync(string.Join(',', rows.Current.Select(Format)));
        }

        await writer.FlushAsync(ct);
    }

    /// <summary>
    /// A workbook is a zip that is finished only at its end, and MiniExcel writes it synchronously: it is written to a
    /// temporary file (memory stays bounded) on a worker thread, then streamed out.
    /// </summary>
    private static async Task WriteXlsxAsync(Stream stream, string[] headers, IAsyncEnumerator<object?[]> rows, bool first, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"orderly-export-{Guid.NewGuid():N}.xlsx");
        try
        {
            await using (rows)
            {
                await Task.Run(() =>
                {
                    using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                    file.SaveAs(Sheet(headers, rows, first, ct), printHeader: true, sheetName: "export", excelType: ExcelType.XLSX);
                }, ct);
            }

            await using var read = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            await read.CopyToAsync(stream, ct);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static IEnumerable<IDictionary<string, object?>> Sheet(string[] headers, IAsyncEnumerator<object?[]> rows, bool first, CancellationToken ct)
    {
        var count = 0;
        // On a worker thread with no synchronization context: waiting on each row is safe here.
        for (var more = first; more; more = rows.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
            ct.ThrowIfCancellationRequested();
            if (++count > MaxXlsxRows)
            {
                throw new InvalidOperationException($"More than {MaxXlsxRows} rows: export as CSV.");
            }

            var row = new Dictionary<string, object?>(headers.Length, StringComparer.Ordinal);
            for (var i = 0; i < headers.Length; i++)
            {
                row[headers[i]] = Cell(rows.Current[i]);
            }

            yield return row;
        }

        if (count == 0)
        {
            yield return headers.ToDictionary(h => h, _ => (object?)null, StringComparer.Ordinal);
        }
    }

    private static object? Cell(object? value) => value switch
    {
        null => null,
        decimal or int or long or bool => value,
        string s => s.Length > 0 && s[0] is '=' or '+' or '-' or '@' ? "'" + s : s,
        _ => Format(value),
    };

    private static string Format(object? value) => value switch
    {
        null => "",
        string s => Csv.Field(s),
        decimal d => d.ToString("0.####", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => Csv.Field(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => Csv.Field(value.ToString()),
    };
}
