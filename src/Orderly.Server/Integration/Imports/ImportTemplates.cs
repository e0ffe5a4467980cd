using MiniExcelLibs;
using Orderly.Domain.Integration;

namespace Orderly.Server.Integration;

/// <summary>An empty workbook per kind whose header row names every column in English and Chinese ("SKU / 物料编码").</summary>
public static class ImportTemplates
{
    public static byte[] Build(ImportLayout layout)
    {
        var header = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var column in layout.Columns)
        {
            header[column.TemplateHeader + (column.Required ? " *" : "")] = null;
        }

        using var stream = new MemoryStream();
        stream.SaveAs(new[] { header }, printHeader: true, sheetName: layout.Kind, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }
}
