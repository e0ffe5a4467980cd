using System.IO.Compression;
using System.Text;
using MiniExcelLibs;
using Orderly.Domain.Integration;

namespace Orderly.Server.Integration;

/// <summary>A file that cannot be read as a table (broken quoting, not a workbook, a zip bomb): the whole import is refused.</summary>
public sealed class UnreadableFileException(string message) : Exception(message);

/// <summary>
/// Reads an uploaded CSV or XLSX file as records, one at a time: the header is record 1 and every record carries its
/// line (CSV) or sheet row (XLSX) number. A workbook is a zip: its entries' declared sizes and compression ratios are
/// checked before anything is inflated, so a zip bomb is refused having read only the central directory.
/// </summary>
public sealed class TabularFile(string path, string format)
{
    public const long MaxUncompressedBytes = 512L * 1024 * 1024;
    public const int MaxCompressionRatio = 200;

    public string? EncodingName { get; private set; }

    public static string FormatOf(string fileName) =>
        Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".xlsx" => "xlsx",
            ".csv" or ".txt" => "csv",
            _ => "",
        };

    public IEnumerable<CsvRecord> Records(Action<long>? progress = null) => format == "xlsx" ? Workbook(progress) : Csv(progress);

    private IEnumerable<CsvRecord> Csv(Action<long>? progress)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var encoding = TextDecoding.Detect(stream);
        EncodingName = encoding.WebName;
        using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var csv = new CsvRecordReader(reader);
        var count = 0;
        while (true)
        {
            CsvRecord? record;
            try
            {
                record = csv.Next();
            }
            catch (FormatException e)
            {
                throw new UnreadableFileException(e.Message);
            }

            if (record is null)
            {
                yield break;
            }

            if (++count % 1000 == 0)
            {
                progress?.Invoke(stream.Position);
            }

            yield return record;
        }
    }

    private IEnumerable<CsvRecord> Workbook(Action<long>? progress)
    {
        CheckZip(path);
        EncodingName = "xlsx";
        IEnumerable<dynamic> rows;
        try
        {
            rows = MiniExcel.Query(path, useHeaderRow: false, excelType: ExcelType.XLSX);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException or System.Xml.XmlException)
        {
            throw new UnreadableFileException("The file is not a readable XLSX workbook.");
        }

        using var enumerator = Enumerate(rows).GetEnumerator();
        var line = 0;
        var size = new FileInfo(path).Length;
        while (true)
        {
            IDictionary<string, object?> row;
            try
            {
                if (!enumerator.MoveNext())
                {
                    yield break;
                }

                row = enumerator.Current;
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or System.Xml.XmlException or NotSupportedException)
            {
                throw new UnreadableFileException("The file is not a readable XLSX workbook: " + e.Message);
            }

            line++;
            if (line % 1000 == 0)
            {
                // A workbook is inflated as it is read; the share of rows is not known ahead, so report half-way marks by size.
                progress?.Invoke(Math.Min(size - 1, size * line / (line + 1000)));
            }

            if (row.Count > CsvRecordReader.MaxFields)
            {
                throw new UnreadableFileException($"Row {line} has more than {CsvRecordReader.MaxFields} columns.");
            }

            yield return new CsvRecord(line, [.. row.Values.Select(Cell)]);
        }
    }

    private static IEnumerable<IDictionary<string, object?>> Enumerate(IEnumerable<dynamic> rows)
    {
        foreach (var row in rows)
        {
            yield return (IDictionary<string, object?>)row;
        }
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTime d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Refuses a workbook whose parts would inflate beyond the limit or at a ratio no real sheet has.</summary>
    public static void CheckZip(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > MaxUncompressedBytes)
                {
                    throw new UnreadableFileException($"The workbook would unpack to more than {MaxUncompressedBytes / (1024 * 1024)} MB.");
                }

                if (entry.Length > 1024 * 1024 && entry.Length / Math.Max(1, entry.CompressedLength) > MaxCompressionRatio)
                {
                    throw new UnreadableFileException($"The workbook part {entry.FullName} is compressed {entry.Length / Math.Max(1, entry.CompressedLength)} to 1: refused as a zip bomb.");
                }
            }
        }
        catch (InvalidDataException)
        {
            throw new UnreadableFileException("The file is not a readable XLSX workbook.");
        }
    }

    /// <summary>Decodes a whole small text (tests, templates).</summary>
    internal static Encoding Utf8NoBom { get; } = new UTF8Encoding(false);
}
