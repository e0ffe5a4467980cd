using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orderly.Domain.Integration;

namespace Orderly.Server.Integration;

/// <summary>A product as the vendor holds it, in Orderly's terms: SKU, name, unit, list price.</summary>
public sealed record InboundProduct(string Sku, string Name, string? Unit, decimal? Price, bool Active = true);

/// <summary>A customer (account) as the vendor holds it.</summary>
public sealed record InboundCustomer(string Code, string Name, string? Region = null, string? Address = null, string? Phone = null, string? Email = null);

/// <summary>A sales order as the vendor holds it: its customer and products by the vendor's ids (or codes), and its lines.</summary>
public sealed record InboundOrder(
    string? CustomerExternalId, string? CustomerCode, string Reference, DateOnly? DueDate, IReadOnlyList<InboundOrderLine> Lines, string? Currency = null);

public sealed record InboundOrderLine(string? ProductExternalId, string? Sku, decimal Quantity, decimal? UnitPrice);

/// <summary>
/// One record read from the vendor: its id, a hash of what was read (an unchanged record is skipped), and either the
/// mapped value or why it could not be mapped. A null value without an error is a record known already (not re-read).
/// </summary>
public sealed record Inbound<T>(string ExternalId, string Fingerprint, T? Value, string? Error = null)
    where T : class
{
    /// <summary>Where the record stands in a keyset listing (<see cref="IKeysetClient"/>); null for other vendors.</summary>
    public SyncPosition? Position { get; init; }

    /// <summary>The last record of a vendor page: the sweep commits what it has, with the position, before reading on.</summary>
    public bool EndsPage { get; init; }
}

public static class Inbound
{
    public static Inbound<T> Known<T>(string id)
        where T : class => new(id, "", null);

    public static Inbound<T> Bad<T>(string id, string fingerprint, string error)
        where T : class => new(id, fingerprint, null, error);
}

/// <summary>An order change to send to the vendor: what happened, and the order as it stands, with the vendor's ids where known.</summary>
public sealed record OrderPush(
    string Event, Guid EventId, Guid OrderId, string Number, string? ExternalId, string? CustomerExternalId, string CustomerCode,
    DateOnly OrderDate, DateOnly? DueDate, string Currency, decimal Total, IReadOnlyList<OrderPushLine> Lines,
    string? Carrier = null, string? TrackingNumber = null);

public sealed record OrderPushLine(string? ProductExternalId, string Sku, string Unit, decimal Quantity, decimal UnitPrice, decimal LineTotal);

/// <summary>What a connector brings in and sends out (every connector's settings carry these switches).</summary>
public interface IConnectorSettings
{
    bool ProductsIn { get; }

    bool AccountsIn { get; }

    bool SalesOrdersIn { get; }

    bool SalesOrdersOut { get; }

    /// <summary>Orders that come in are submitted (entry checks, approval rules and reservation as for any order), else left as drafts.</summary>
    bool SubmitOrders { get; }

    /// <summary>Fields whose source of truth is Orderly (e.g. <c>products.listPrice</c>): an inbound sync never overwrites them.</summary>
    IReadOnlyList<string>? OrderlyOwns { get; }
}

/// <summary>One vendor's client, built per call from the stored settings and secrets.</summary>
public interface IConnectorClient
{
    string Kind { get; }

    /// <summary>
    /// When set, the next listing asks the vendor only for records changed since then (the sync's cursor); vendors whose
    /// API has no such filter ignore it and list everything (the fingerprints still skip what did not change).
    /// </summary>
    DateTimeOffset? ModifiedSince { get; set; }

    IConnectorSettings Settings { get; }

    /// <summary>A cheap authenticated call.</summary>
    Task TestAsync(CancellationToken ct);

    IAsyncEnumerable<Inbound<InboundProduct>> ProductsAsync(CancellationToken ct);

    IAsyncEnumerable<Inbound<InboundCustomer>> CustomersAsync(CancellationToken ct);

    /// <summary>Sales orders; <paramref name="known"/> says which ids are linked already, so their details are not fetched again.</summary>
    IAsyncEnumerable<Inbound<InboundOrder>> OrdersAsync(Func<string, CancellationToken, Task<bool>> known, CancellationToken ct);

    /// <summary>Sends one order change; returns the vendor's id of the order when the push created it there.</summary>
    Task<string?> PushOrderAsync(OrderPush push, CancellationToken ct);
}

/// <summary>
/// A client whose listings of products and customers come in the vendor's (modification stamp, key) order and can
/// start right after a position: the sweep persists the position of each page it applies, in that page's transaction,
/// so a sweep cut off between pages resumes where it stopped and neither loses nor repeats a record.
/// </summary>
public interface IKeysetClient
{
    /// <summary>The next listing starts right after this position (null: from the beginning).</summary>
    SyncPosition? After { get; set; }
}

/// <summary>One row of the ERP's stock: its warehouse number, the SKU and the quantity in the base unit.</summary>
public sealed record ErpStockRow(string Warehouse, string Sku, decimal Quantity);

/// <summary>A page of the ERP's stock, with the rows that could not be read (why, one line each).</summary>
public sealed record ErpStockPage(IReadOnlyList<ErpStockRow> Rows, IReadOnlyList<string> Problems);

/// <summary>A client that reads the ERP's stock per warehouse and SKU (Kingdee's STK_Inventory).</summary>
public interface IErpStockSource
{
    /// <summary>The connector is set to read the ERP's stock (<c>stockIn</c>).</summary>
    bool StockIn { get; }

    IAsyncEnumerable<ErpStockPage> StockAsync(CancellationToken ct);
}

/// <summary>Helpers the connector clients share to read vendor JSON.</summary>
public static class VendorJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string? Str(JsonElement r, string name) =>
        r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetString()) ? null : v.GetString()!.Trim(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    /// <summary>A number, also when the vendor sends it as a string; false when present but not a number.</summary>
    public static bool TryDec(JsonElement r, string name, out decimal? value)
    {
        value = null;
        if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d))
        {
            value = d;
            return true;
        }

        if (v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out d))
        {
            value = d;
            return true;
        }

        return false;
    }

    public static decimal? Dec(JsonElement r, string name) => TryDec(r, name, out var d) ? d : null;

    /// <summary>The id inside a lookup field (<c>{"id": "..."}</c>), or the field itself when it is a plain id.</summary>
    public static string? LookupId(JsonElement r, string name) =>
        r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.Object ? Str(v, "id") : Str(r, name)
            : null;

    /// <summary>A hash of the record without its bookkeeping fields, which change without the mapped values changing.</summary>
    public static string Fingerprint(JsonElement record, params string[] ignore)
    {
        var text = record.ValueKind != JsonValueKind.Object ? record.GetRawText() : string.Join('\u001f', record.EnumerateObject()
            .Where(p => !ignore.Contains(p.Name, StringComparer.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value.GetRawText()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Parses a vendor body, turning anything that is not JSON into a clear connector error.</summary>
    public static async Task<JsonDocument> ParseAsync(HttpResponseMessage response, string vendor, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw new ConnectorException(vendor + "BadPayload", $"{vendor} answered {(int)response.StatusCode} with a body that is not JSON: {Snippet(text)}");
        }
    }

    public static string Snippet(string text) => text.Length > 120 ? text[..120] + "…" : text;
}
