using System.Buffers.Binary;
using Orderly.Server.Infrastructure;
using PdfSharp.Fonts;

namespace Orderly.Server.Documents;

/// <summary>
/// The one font of Orderly's documents: a CJK TrueType font from the system (WenQuanYi Micro Hei by default), embedded
/// as a subset. A TrueType collection (.ttc) is cut down to its first face, since PDF embeds single fonts; CFF-based
/// fonts (Noto CJK) are not used because PDFsharp embeds TrueType outlines only.
/// </summary>
public sealed class CjkFonts : IFontResolver
{
    public const string Family = "OrderlyCjk";

    private static readonly Lock Gate = new();
    private static CjkFonts? _installed;
    private readonly byte[] _font;

    private CjkFonts(byte[] font) => _font = font;

    /// <summary>Installs the resolver once per process (PDFsharp's resolver is global) from the first font file that exists.</summary>
    public static void Install(IEnumerable<string> paths)
    {
        // Checked on every call, even once a font is installed: the resolver is the process's, the paths are the host's.
        var path = Find(paths) ?? throw new UnavailableException("DocumentFontMissing", Missing(paths));
        lock (Gate)
        {
            if (_installed is not null)
            {
                return;
            }

            _installed = new CjkFonts(FirstFace(File.ReadAllBytes(path)));
            GlobalFontSettings.FontResolver = _installed;
        }
    }

    /// <summary>The first of <paramref name="paths"/> that exists, or null. Looked up for every document, so a font
    /// installed while the server runs is used without a restart.</summary>
    public static string? Find(IEnumerable<string> paths) => paths.FirstOrDefault(File.Exists);

    /// <summary>What an operator reads when no font is there: the paths tried and the two ways out.</summary>
    public static string Missing(IEnumerable<string> paths) =>
        $"Documents (PDF) are unavailable: no CJK TrueType font at {string.Join(", ", paths)}. Install one "
        + "(apt-get install fonts-wqy-microhei) or set Orderly:Company:FontPaths to a TrueType font file.";

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(Family, bold, italic);

    public byte[]? GetFont(string faceName) => _font;

    /// <summary>The first font of a TrueType collection as a standalone font file; a single font is returned as it is.</summary>
    public static byte[] FirstFace(byte[] file)
    {
        if (file.Length < 12 || BinaryPrimitives.ReadUInt32BigEndian(file) != 0x74746366)
        {
            return file;
        }

        var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(12));
        var tables = BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(offset + 4));
        var headerLength = 12 + (16 * tables);
        var records = new List<(uint Tag, uint Checksum, int Offset, int Length)>();
        for (var i = 0; i < tables; i++)
        {
            var record = file.AsSpan(offset + 12 + (16 * i));
            records.Add((BinaryPrimitives.ReadUInt32BigEndian(record), BinaryPrimitives.ReadUInt32BigEndian(record[4..]),
                (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]), (int)BinaryPrimitives.ReadUInt32BigEndian(record[12..])));
        }

        var size = headerLength + records.Sum(r => (r.Length + 3) & ~3);
        var output = new byte[size];
        file.AsSpan(offset, 12).CopyTo(output);
        var at = headerLength;
        for (var i = 0; i < records.Count; i++)
        {
            var (tag, checksum, from, length) = records[i];
            var entry = output.AsSpan(12 + (16 * i));
            BinaryPrimitives.WriteUInt32BigEndian(entry, tag);
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], checksum);
            BinaryPrimitives.WriteUInt32BigEndian(entry[8..], (uint)at);
            BinaryPrimitives.WriteUInt32BigEndian(entry[12..], (uint)length);
            file.AsSpan(from, length).CopyTo(output.AsSpan(at));
            at += (length + 3) & ~3;
        }

        return output;
    }
}
