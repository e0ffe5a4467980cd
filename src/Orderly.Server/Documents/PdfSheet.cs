using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Orderly.Server.Documents;

/// <summary>A column of a document table: its title, share of the width and alignment.</summary>
public sealed record SheetColumn(string Title, double Width, bool Right = false);

/// <summary>
/// A small flowing layout over PDFsharp for Orderly's documents: the company header and title on every page, label and
/// value pairs, tables that wrap cell text and repeat their header across pages, totals, signature boxes, and
/// "page n of m" footers. All text is drawn in the embedded CJK font.
/// </summary>
public sealed class PdfSheet : IDisposable
{
    private const double Margin = 40;
    private const double Line = 13;
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private readonly PdfDocument _document = new();
    private readonly CompanyOptions _company;
    private readonly string _title;
    private readonly bool _english;
    private readonly XFont _body;
    private readonly XFont _bold;
    private readonly XFont _small;
    private readonly XFont _heading;
    private XGraphics? _gfx;
    private double _y;

    public PdfSheet(string title, string language, CompanyOptions company)
    {
        CjkFonts.Install(company.FontPaths);
        _company = company;
        _title = title;
        _english = language == DocumentLanguage.English;
        var unicode = new XPdfFontOptions(PdfFontEncoding.Unicode);
        _body = new XFont(CjkFonts.Family, 9, XFontStyleEx.Regular, unicode);
        _bold = new XFont(CjkFonts.Family, 9, XFontStyleEx.Bold, unicode);
        _small = new XFont(CjkFonts.Family, 7.5, XFontStyleEx.Regular, unicode);
        _heading = new XFont(CjkFonts.Family, 16, XFontStyleEx.Bold, unicode);
        _document.Info.Title = title;
        _document.Info.Creator = "Orderly";
        NewPage();
    }

    private const double Width = PageWidth - (2 * Margin);

    private const double Bottom = PageHeight - Margin - 20;

    /// <summary>Label and value pairs in two columns.</summary>
    public void Fields(IEnumerable<(string Label, string? Value)> fields)
    {
        var list = fields.Where(f => !string.IsNullOrEmpty(f.Value)).ToList();
        var half = Width / 2;
        for (var i = 0; i < list.Count; i += 2)
        {
            var height = 0.0;
            for (var c = 0; c < 2 && i + c < list.Count; c++)
            {
                var (label, value) = list[i + c];
                var x = Margin + (c * half);
                Draw(label + (_english ? ": " : "："), _bold, x, _y, 80);
                var lines = Wrap(value!, _body, half - 90);
                for (var l = 0; l < lines.Count; l++)
                {
                    Draw(lines[l], _body, x + 82, _y + (l * Line), half - 90);
                }

                height = Math.Max(height, lines.Count * Line);
            }

            _y += height + 2;
            EnsureRoom(Line);
        }

        _y += 6;
    }

    public void Paragraph(string text, bool bold = false)
    {
        foreach (var line in Wrap(text, bold ? _bold : _body, Width))
        {
            EnsureRoom(Line);
            Draw(line, bold ? _bold : _body, Margin, _y, Width);
            _y += Line;
        }

        _y += 4;
    }

    /// <summary>A table whose cells wrap; the header row repeats at the top of each new page.</summary>
    public void Table(IReadOnlyList<SheetColumn> columns, IEnumerable<string[]> rows)
    {
        var total = columns.Sum(c => c.Width);
        var widths = columns.Select(c => c.Width / total * Width).ToArray();
        HeaderRow(columns, widths);
        foreach (var row in rows)
        {
            var cells = row.Select((text, i) => Wrap(text, _body, widths[i] - 6)).ToList();
            var height = (cells.Max(c => c.Count) * Line) + 4;
            if (_y + height > Bottom)
            {
                NewPage();
                HeaderRow(columns, widths);
            }

            var x = Margin;
            for (var i = 0; i < columns.Count; i++)
            {
                for (var l = 0; l < cells[i].Count; l++)
                {
                    Draw(cells[i][l], _body, x + 3, _y + 2 + (l * Line), widths[i] - 6, columns[i].Right);
                }

                x += widths[i];
            }

            _y += height;
            _gfx!.DrawLine(XPens.LightGray, Margin, _y, Margin + Width, _y);
        }

        _y += 8;
    }

    /// <summary>Right-aligned totals, the last in bold.</summary>
    public void Totals(IReadOnlyList<(string Label, string Value)> totals)
    {
        for (var i = 0; i < totals.Count; i++)
        {
            EnsureRoom(Line);
            var font = i == totals.Count - 1 ? _bold : _body;
            Draw(totals[i].Label, font, Margin + (Width * 0.5), _y, Width * 0.3, right: true);
            Draw(totals[i].Value, font, Margin + (Width * 0.8), _y, Width * 0.2, right: true);
            _y += Line;
        }

        _y += 6;
    }

    /// <summary>Boxes to sign in (e.g. the receiver of a delivery), side by side.</summary>
    public void SignatureBoxes(params string[] labels)
    {
        const double height = 60;
        EnsureRoom(height + 10);
        var width = (Width - (10 * (labels.Length - 1))) / labels.Length;
        for (var i = 0; i < labels.Length; i++)
        {
            var x = Margin + (i * (width + 10));
            _gfx!.DrawRectangle(XPens.Black, x, _y, width, height);
            Draw(labels[i], _body, x + 4, _y + 4, width - 8);
            Draw(_english ? "Date:" : "日期：", _small, x + 4, _y + height - 14, width - 8);
        }

        _y += height + 10;
    }

    /// <summary>Numbers the pages and returns the PDF's bytes.</summary>
    public byte[] Finish()
    {
        _gfx?.Dispose();
        _gfx = null;
        var count = _document.PageCount;
        for (var i = 0; i < count; i++)
        {
            using var gfx = XGraphics.FromPdfPage(_document.Pages[i], XGraphicsPdfPageOptions.Append);
            var text = _english ? $"Page {i + 1} of {count}" : $"第 {i + 1} 页 / 共 {count} 页";
            gfx.DrawString(text, _small, XBrushes.Gray, new XRect(0, PageHeight - Margin + 10, PageWidth, 10), XStringFormats.TopCenter);
        }

        using var stream = new MemoryStream();
        _document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    public void Dispose()
    {
        _gfx?.Dispose();
        _document.Dispose();
    }

    private void NewPage()
    {
        _gfx?.Dispose();
        var page = _document.AddPage();
        page.Size = PageSize.A4;
        _gfx = XGraphics.FromPdfPage(page);
        _y = Margin;
        var left = Margin;
        if (_company.LogoPath is { } logo && File.Exists(logo))
        {
            using var image = XImage.FromFile(logo);
            _gfx.DrawImage(image, Margin, Margin, 40, 40);
            left += 48;
        }

        Draw(_english ? _company.NameEn : _company.Name, _bold, left, _y, Width);
        var details = string.Join("  ", new[] { _company.Address, _company.Phone, _company.TaxId is { } t ? (_english ? "Tax ID " : "税号 ") + t : null }
            .Where(s => !string.IsNullOrEmpty(s)));
        Draw(details, _small, left, _y + Line, Width - (left - Margin));
        _y += 44;
        _gfx.DrawString(_title, _heading, XBrushes.Black, new XRect(Margin, _y, Width, 20), XStringFormats.TopCenter);
        _y += 30;
        _gfx.DrawLine(XPens.Black, Margin, _y - 6, Margin + Width, _y - 6);
    }

    private void HeaderRow(IReadOnlyList<SheetColumn> columns, double[] widths)
    {
        EnsureRoom(Line * 2);
        _gfx!.DrawRectangle(XBrushes.WhiteSmoke, Margin, _y, Width, Line + 4);
        var x = Margin;
        for (var i = 0; i < columns.Count; i++)
        {
            Draw(columns[i].Title, _bold, x + 3, _y + 2, widths[i] - 6, columns[i].Right);
            x += widths[i];
        }

        _y += Line + 4;
    }

    private void EnsureRoom(double height)
    {
        if (_y + height > Bottom)
        {
            NewPage();
        }
    }

    private void Draw(string text, XFont font, double x, double y, double width, bool right = false) =>
        _gfx!.DrawString(text, font, XBrushes.Black, new XRect(x, y, width, Line), right ? XStringFormats.TopRight : XStringFormats.TopLeft);

    /// <summary>Breaks text into lines that fit the width, at spaces where there are any and between characters otherwise (Chinese has no spaces).</summary>
    private List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            var current = "";
            foreach (var element in System.Globalization.StringInfo.GetTextElementEnumerator(paragraph) is var e ? Elements(e) : [])
            {
                var candidate = current + element;
                if (current.Length > 0 && _gfx!.MeasureString(candidate, font).Width > width)
                {
                    var space = current.LastIndexOf(' ');
                    if (element != " " && space > 0 && space < current.Length - 1)
                    {
                        lines.Add(current[..space]);
                        current = current[(space + 1)..] + element;
                    }
                    else
                    {
                        lines.Add(current);
                        current = element == " " ? "" : element;
                    }
                }
                else
                {
                    current = candidate;
                }
            }

            lines.Add(current);
        }

        return lines;
    }

    private static IEnumerable<string> Elements(System.Globalization.TextElementEnumerator e)
    {
        while (e.MoveNext())
        {
            yield return e.GetTextElement();
        }
    }
}
