using System.Text;
using System.Text.Unicode;

namespace Orderly.Domain.Integration;

/// <summary>
/// Which encoding a spreadsheet export was written in. Excel on a Chinese Windows saves "CSV" as GB18030 (GBK)
/// without a byte order mark; everything else writes UTF-8, with or without one. A file that is valid UTF-8
/// throughout is read as UTF-8 (GBK text of any length is practically never valid UTF-8), otherwise as GB18030.
/// </summary>
public static class TextDecoding
{
    private static readonly Lazy<Encoding> Gb = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback);
    });

    public static Encoding Gb18030 => Gb.Value;

    /// <summary>Reads the seekable stream once to decide, then rewinds it.</summary>
    public static Encoding Detect(Stream stream)
    {
        var start = stream.Position;
        try
        {
            Span<byte> bom = stackalloc byte[3];
            var read = stream.ReadAtLeast(bom, 3, throwOnEndOfStream: false);
            if (read >= 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF)
            {
                return new UTF8Encoding(false);
            }

            if (read >= 2 && ((bom[0] == 0xFF && bom[1] == 0xFE) || (bom[0] == 0xFE && bom[1] == 0xFF)))
            {
                return bom[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            }

            stream.Position = start;
            return IsUtf8(stream) ? new UTF8Encoding(false) : Gb18030;
        }
        finally
        {
            stream.Position = start;
        }
    }

    private static bool IsUtf8(Stream stream)
    {
        var buffer = new byte[1 << 16];
        var carry = 0;
        while (true)
        {
            var read = stream.Read(buffer, carry, buffer.Length - carry);
            var total = carry + read;
            if (read == 0)
            {
                return carry == 0 || Utf8.IsValid(buffer.AsSpan(0, carry));
            }

            // A multi-byte sequence may straddle two reads: keep its start for the next round.
            var end = total;
            var back = 0;
            while (back < 3 && end - back - 1 >= 0 && (buffer[end - back - 1] & 0xC0) == 0x80)
            {
                back++;
            }

            if (end - back - 1 >= 0 && buffer[end - back - 1] >= 0xC0)
            {
                end = end - back - 1;
            }

            if (!Utf8.IsValid(buffer.AsSpan(0, end)))
            {
                return false;
            }

            carry = total - end;
            buffer.AsSpan(end, carry).CopyTo(buffer);
        }
    }
}
