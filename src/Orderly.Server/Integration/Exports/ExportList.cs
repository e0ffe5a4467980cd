using System.Globalization;
using Orderly.Domain.Common;

namespace Orderly.Server.Integration;

/// <summary>One column of an export: its header in English and in Chinese (the caller's language picks one).</summary>
public sealed record ExportColumn(string English, string Chinese);

/// <summary>
/// A list that can be exported as CSV or XLSX at <c>/api/exports/{name}.csv|.xlsx</c>. Any capability contributes one
/// by registering an implementation with <see cref="ExportLists.AddExportList{T}"/>. The rows honour the same query
/// parameters as the list's own endpoint and the caller's data scope, and are produced one at a time (streamed).
/// </summary>
public interface IExportList
{
    /// <summary>The file name without extension: orders, order-lines, customers, ...</summary>
    string Name { get; }

    /// <summary>The policy the caller needs, the same as the list endpoint's.</summary>
    string Policy { get; }

    IReadOnlyList<ExportColumn> Columns { get; }

    /// <summary>The rows, each as many cells as <see cref="Columns"/>; filters come from <paramref name="query"/>.</summary>
    IAsyncEnumerable<object?[]> RowsAsync(ExportQuery query, CancellationToken ct);
}

public static class ExportLists
{
    public static IServiceCollection AddExportList<T>(this IServiceCollection services)
        where T : class, IExportList => services.AddScoped<IExportList, T>();

    internal static IServiceCollection AddExportLists(this IServiceCollection services) => services
        .AddExportList<ProductExport>()
        .AddExportList<CustomerExport>()
        .AddExportList<StockExport>()
        .AddExportList<LedgerExport>()
        .AddExportList<OrderExport>()
        .AddExportList<OrderLineExport>();
}

/// <summary>The filters of an export request, parsed as strictly as the list endpoints bind them (a bad value is a 422 naming it).</summary>
public sealed class ExportQuery(IQueryCollection query)
{
    public string? Text(string name) => query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString() : null;

    public Guid? Id(string name) => Parse(name, s => Guid.TryParse(s, out var g) ? g : (Guid?)null);

    public bool? Bool(string name) => Parse(name, s => bool.TryParse(s, out var b) ? b : (bool?)null);

    public DateOnly? Date(string name) => Parse(name, s => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null);

    public DateTimeOffset? Instant(string name) =>
        Parse(name, s => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d.ToUniversalTime() : (DateTimeOffset?)null);

    public TEnum? Enum<TEnum>(string name)
        where TEnum : struct, System.Enum =>
        Parse(name, s => System.Enum.TryParse<TEnum>(s, ignoreCase: false, out var e) && System.Enum.IsDefined(e) && !char.IsDigit(s[0]) ? e : (TEnum?)null);

    private T? Parse<T>(string name, Func<string, T?> parse)
        where T : struct
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return parse(text.Trim()) ?? throw new RuleViolationException(name, "InvalidFilter", $"'{(text.Length > 40 ? text[..40] : text)}' is not a valid {name}.");
    }
}
