using System.Text;

namespace Orderly.Domain.Integration;

/// <summary>One record of a delimited file: the line it starts on (1-based, as a spreadsheet numbers it) and its fields.</summary>
public sealed record CsvRecord(int Line, string[] Fields);

/// <summary>
/// A streaming RFC 4180 reader: comma separated, double-quoted fields that may hold commas, quotes ("") and line
/// breaks; CRLF, LF or CR line ends. It holds one record at a time, and refuses a field longer than
/// <see cref="MaxFieldLength"/> or a record wider than <see cref="MaxFields"/> so a hostile file cannot grow it without bound.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    public const int MaxFieldLength = 1_000_000;
    public const int MaxFields = 500;

    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _field = new();
    private int _length;
    private int _at;
    private int _line = 1;

    public IEnumerable<CsvRecord> Records()
    {
        while (Next() is { } record)
        {
            yield return record;
        }
    }

    public CsvRecord? Next()
    {
        if (Peek() < 0)
        {
            return null;
        }

        var start = _line;
        var fields = new List<string>();
        _field.Clear();
        var quoted = false;
        var wasQuoted = false;
        while (true)
        {
            var c = Read();
            if (c < 0)
            {
                if (quoted)
                {
                    throw new FormatException($"A quoted field starting on line {start} is never closed.");
                }

                fields.Add(_field.ToString());
                return new CsvRecord(start, [.. fields]);
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (Peek() == '"')
                    {
                        Read();
                        Append('"', start);
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && Peek() != '\n'))
                    {
                        _line++;
                    }

                    Append((char)c, start);
                }

                continue;
            }

            switch (c)
            {
                case '"' when _field.Length == 0 && !wasQuoted:
                    quoted = true;
                    wasQuoted = true;
                    break;
                case ',':
                    AddField(fields, start);
                    wasQuoted = false;
                    break;
                case '\r' or '\n':
                    if (c == '\r' && Peek() == '\n')
                    {
                        Read();
                    }

                    _line++;
                    fields.Add(_field.ToString());
                    return new CsvRecord(start, [.. fields]);
                default:
                    Append((char)c, start);
                    break;
            }
        }
    }

    private void AddField(List<string> fields, int line)
    {
        if (fields.Count >= MaxFields)
        {
            throw new FormatException($"The record on line {line} has more than {MaxFields} fields.");
        }

        fields.Add(_field.ToString());
        _field.Clear();
    }

    private void Append(char c, int line)
    {
        if (_field.Length >= MaxFieldLength)
        {
            throw new FormatException($"A field on line {line} is longer than {MaxFieldLength} characters.");
        }

        _field.Append(c);
    }

    private int Peek()
    {
        if (_at >= _length && !Fill())
        {
            return -1;
        }

        return _buffer[_at];
    }

    private int Read()
    {
        if (_at >= _length && !Fill())
        {
            return -1;
        }

        return _buffer[_at++];
    }

    private bool Fill()
    {
        _length = reader.Read(_buffer, 0, _buffer.Length);
        _at = 0;
        return _length > 0;
    }
}
