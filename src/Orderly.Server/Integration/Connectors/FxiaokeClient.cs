using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Orderly.Server.Integration.VendorJson;

namespace Orderly.Server.Integration;

/// <summary>
/// 纷享销客 Fxiaoke settings: the app id, the integration user every CRM call acts as (<c>currentOpenUserId</c>), what
/// to sync, the order field that receives Orderly's status, and the vendor's rate-limit error codes (HTTP 429 always counts).
/// </summary>
public sealed record FxiaokeSettings(
    string ApiUrl = "https://open.fxiaoke.com", string? AppId = null, string? CurrentOpenUserId = null, int PageSize = 100,
    bool ProductsIn = true, bool AccountsIn = true, bool SalesOrdersIn = true, bool SalesOrdersOut = false, bool SubmitOrders = true,
    IReadOnlyList<string>? OrderlyOwns = null, string StatusField = "field_orderly_status__c", IReadOnlyDictionary<string, string>? StatusMap = null,
    IReadOnlyList<int>? RateLimitCodes = null) : IConnectorSettings
{
    public static readonly IReadOnlyDictionary<string, string> DefaultStatusMap = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OrderConfirmed"] = "Confirmed", ["OrderShipped"] = "Shipped", ["OrderCancelled"] = "Cancelled",
    };

    public string? StatusFor(string orderEvent) => (StatusMap ?? DefaultStatusMap).GetValueOrDefault(orderEvent);
}

/// <summary>
/// Fxiaoke OpenAPI (integrations.md A2): every call a JSON POST carrying <c>corpAccessToken</c>, <c>corpId</c> and
/// <c>currentOpenUserId</c>; errors come as HTTP 200 with <c>errorCode ≠ 0</c>. 20016/20005 (token missing or
/// expired) refresh the token and repeat the call; the configured rate-limit codes and HTTP 429 back off. Queries page
/// with <c>offset</c> a multiple of <c>limit</c>. Orders come in as SalesOrderObj with their SalesOrderProductObj lines;
/// a confirmed Orderly order goes out as SalesOrderObj with details, after looking it up by its number so a repeated
/// push never creates it twice; later events set the status field.
/// </summary>
public sealed class FxiaokeClient(HttpClient http, ConnectorTokenCache tokens, FxiaokeSettings settings, string? appSecret, string? permanentCode, ConnectorRetry retry)
    : IConnectorClient
{
    public const int AppTokenExpired = 20005;
    public const int CorpTokenExpired = 20016;

    public static readonly ObjectMap ProductsIn = new(ConnectorInbound.Product, ObjectMap.In, "ProductObj",
    [
        new("externalId", "_id"), new("sku", "product_code", "FX-{_id} when empty"), new("name", "name", "the SKU when empty"), new("unit", "unit"),
        new("listPrice", "price"), new("isActive", "product_status", "0 or invalid = inactive"),
    ]);

    public static readonly ObjectMap AccountsIn = new(ConnectorInbound.Customer, ObjectMap.In, "AccountObj",
    [
        new("externalId", "_id"), new("code", "account_no", "FX-{_id} when empty"), new("name", "name"), new("address", "address"), new("phone", "tel"), new("email", "email"),
    ]);

    public static readonly ObjectMap SalesOrdersIn = new(ConnectorInbound.SalesOrder, ObjectMap.In, "SalesOrderObj",
    [
        new("externalId", "_id"), new("customer", "account_id", "a synced AccountObj"), new("customerPo", "name"),
        new("requestedDeliveryDate", "delivery_date", "epoch ms, read as a Shanghai date"),
    ]);

    public static readonly ObjectMap SalesOrderLinesIn = new("sales-order-line", ObjectMap.In, "SalesOrderProductObj",
        [new("order", "order_id"), new("product", "product_id", "a synced ProductObj"), new("quantity", "quantity"), new("unitPrice", "sales_price")]);

    public static readonly ObjectMap SalesOrderOut = new(ConnectorInbound.SalesOrder, ObjectMap.Out, "SalesOrderObj",
    [
        new("number", "name", "looked up first, so a repeated push creates nothing twice"), new("customer", "account_id"), new("orderDate", "order_time", "epoch ms, Shanghai midnight"),
        new("requestedDeliveryDate", "delivery_date", "epoch ms"), new("note", "remark", "\"Orderly {number}\""),
        new("status", "field_orderly_status__c", "the statusField setting; the value from statusMap"),
    ]);

    public static readonly ObjectMap SalesOrderLinesOut = new("sales-order-line", ObjectMap.Out, "SalesOrderProductObj",
        [new("product", "product_id"), new("quantity", "quantity"), new("unitPrice", "sales_price"), new("lineTotal", "subtotal"), new("unit", "unit")]);

    public static readonly IReadOnlyList<ObjectMap> Maps = [ProductsIn, AccountsIn, SalesOrdersIn, SalesOrderLinesIn, SalesOrderOut, SalesOrderLinesOut];

    private static readonly string[] Bookkeeping = ["last_modified_time", "version", "last_modified_by"];
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private string? _token;

    public string Kind => Domain.Integration.ConnectorKinds.Fxiaoke;

    public DateTimeOffset? ModifiedSince { get; set; }

    public IConnectorSettings Settings => settings;

    private string Api => settings.ApiUrl.TrimEnd('/');

    private async Task<(string Token, string CorpId)> TokenAsync(string? rejected, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(settings.AppId) || string.IsNullOrEmpty(appSecret) || string.IsNullOrEmpty(permanentCode) || string.IsNullOrEmpty(settings.CurrentOpenUserId))
        {
            throw new ConnectorException("NotConfigured", "Set the Fxiaoke appId, currentOpenUserId, app secret and permanent code.");
        }

        // Credentials are part of the key: changed secrets never reuse a token issued for the old ones.
        var key = $"fxiaoke|{Api}|{settings.AppId}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(appSecret + "\n" + permanentCode)))}";
        _token = await tokens.GetAsync(key, RefreshAsync, rejected, ct);
        var split = _token.IndexOf('\n', StringComparison.Ordinal);
        return (_token[..split], _token[(split + 1)..]);
    }

    private async Task<(string, TimeSpan)> RefreshAsync(CancellationToken ct)
    {
        var body = new JsonObject { ["appId"] = settings.AppId, ["appSecret"] = appSecret, ["permanentCode"] = permanentCode };
        using var response = await retry.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, $"{Api}/cgi/corpAccessToken/get/V2") { Content = JsonContent.Create(body) }, ct);
        using var doc = await ParseAsync(response, "Fxiaoke", ct);
        var root = doc.RootElement;
        var code = ErrorCode(root);
        if (!response.IsSuccessStatusCode || code != 0 || Str(root, "corpAccessToken") is not { } token || Str(root, "corpId") is not { } corpId)
        {
            throw new ConnectorException("FxiaokeAuthFailed", $"Fxiaoke refused the app credentials: {code} {Str(root, "errorMessage")}.");
        }

        var lifetime = root.TryGetProperty("expiresIn", out var e) && e.TryGetInt32(out var seconds) && seconds > 0 ? seconds : 7200;
        // The cache holds one string: the token and the corpId every call must carry with it.
        return (token + "\n" + corpId, TimeSpan.FromSeconds(lifetime));
    }

    /// <summary>One API call: the token fields added, an expired token refreshed (at most twice), the vendor's rate-limit codes backed off.</summary>
    public async Task<JsonDocument> CallAsync(string path, JsonObject fields, CancellationToken ct)
    {
        var refreshes = 0;
        string? rejected = null;
        for (var attempt = 1; ; attempt++)
        {
            var (token, corpId) = await TokenAsync(rejected, ct);
            rejected = null;
            var body = (JsonObject)fields.DeepClone();
            body["corpAccessToken"] = token;
            body["corpId"] = corpId;
            body["currentOpenUserId"] = settings.CurrentOpenUserId;
            using var response = await retry.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, Api + path) { Content = JsonContent.Create(body) }, ct);
            var doc = await ParseAsync(response, "Fxiaoke", ct);
            var code = ErrorCode(doc.RootElement);
            if (response.IsSuccessStatusCode && code == 0)
            {
                return doc;
            }

            var message = Str(doc.RootElement, "errorMessage") ?? Str(doc.RootElement, "errorDescription") ?? response.ReasonPhrase;
            doc.Dispose();
            if (code is CorpTokenExpired or AppTokenExpired && refreshes < 2)
            {
                refreshes++;
                rejected = _token;
                continue;
            }

            if (settings.RateLimitCodes?.Contains(code ?? -1) == true && attempt < retry.MaxAttempts)
            {
                await retry.DelayAsync(attempt, ct);
                continue;
            }

            throw new ConnectorException($"Fxiaoke{code?.ToString(CultureInfo.InvariantCulture) ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}",
                $"Fxiaoke answered {path} with errorCode {code}: {message}");
        }
    }

    public async Task TestAsync(CancellationToken ct) => (await CallAsync("/cgi/crm/v2/object/describe", new JsonObject { ["data"] = new JsonObject { ["apiName"] = "AccountObj" } }, ct)).Dispose();

    /// <summary>Every record of an object, <c>limit</c> at a time, oldest change first.</summary>
    public async IAsyncEnumerable<JsonElement> QueryAsync(string apiName, JsonArray? filters, [EnumeratorCancellation] CancellationToken ct)
    {
        if (filters is null && ModifiedSince is { } since)
        {
            // Only what changed since the cursor (epoch milliseconds, as Fxiaoke stores last_modified_time).
            filters = new JsonArray(new JsonObject { ["field_name"] = "last_modified_time", ["field_values"] = new JsonArray(since.ToUnixTimeMilliseconds()), ["operator"] = "GT" });
        }

        var limit = settings.PageSize;
        for (var offset = 0; ; offset += limit)
        {
            var fields = new JsonObject
            {
                ["data"] = new JsonObject
                {
                    ["dataObjectApiName"] = apiName,
                    ["search_query_info"] = new JsonObject
                    {
                        ["limit"] = limit, ["offset"] = offset, ["filters"] = filters?.DeepClone() ?? new JsonArray(),
                        ["orders"] = new JsonArray(new JsonObject { ["fieldName"] = "_id", ["isAsc"] = true }),
                    },
                },
            };
            using var doc = await CallAsync("/cgi/crm/v2/data/query", fields, ct);
            if (!doc.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("dataList", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new ConnectorException("FxiaokeBadPayload", $"Fxiaoke's {apiName} query at offset {offset} has no data.dataList array.");
            }

            var count = 0;
            foreach (var record in list.EnumerateArray())
            {
                count++;
                yield return record.Clone();
            }

            var total = data.TryGetProperty("total", out var t) && t.TryGetInt32(out var n) ? n : int.MaxValue;
            if (count < limit || offset + count >= total)
            {
                yield break;
            }
        }
    }

    public async IAsyncEnumerable<Inbound<InboundProduct>> ProductsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var map = ProductsIn;
        await foreach (var r in QueryAsync(map.RemoteObject, null, ct))
        {
            var id = RecordId(r, map.RemoteObject);
            var fingerprint = Fingerprint(r, Bookkeeping);
            if (!TryDec(r, map["listPrice"], out var price))
            {
                yield return Inbound.Bad<InboundProduct>(id, fingerprint, $"ProductObj {id}: price '{Str(r, map["listPrice"])}' is not a number.");
                continue;
            }

            var sku = Str(r, map["sku"]) ?? $"FX-{id}";
            yield return new(id, fingerprint, new InboundProduct(sku, Str(r, map["name"]) ?? sku, Str(r, map["unit"]), price, Str(r, map["isActive"]) is not ("0" or "invalid")));
        }
    }

    public async IAsyncEnumerable<Inbound<InboundCustomer>> CustomersAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var map = AccountsIn;
        await foreach (var r in QueryAsync(map.RemoteObject, null, ct))
        {
            var id = RecordId(r, map.RemoteObject);
            var name = Str(r, map["name"]);
            if (name is null)
            {
                yield return Inbound.Bad<InboundCustomer>(id, Fingerprint(r, Bookkeeping), $"AccountObj {id} has no name.");
                continue;
            }

            yield return new(id, Fingerprint(r, Bookkeeping), new InboundCustomer(Str(r, map["code"]) ?? $"FX-{id}", name, null, Str(r, map["address"]), Str(r, map["phone"]), Str(r, map["email"])));
        }
    }

    public async IAsyncEnumerable<Inbound<InboundOrder>> OrdersAsync(Func<string, CancellationToken, Task<bool>> known, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var r in QueryAsync(SalesOrdersIn.RemoteObject, null, ct))
        {
            var id = RecordId(r, SalesOrdersIn.RemoteObject);
            if (await known(id, ct))
            {
                yield return Inbound.Known<InboundOrder>(id);
                continue;
            }

            var filter = new JsonArray(new JsonObject { ["field_name"] = SalesOrderLinesIn["order"], ["field_values"] = new JsonArray(id), ["operator"] = "EQ" });
            var lines = new List<JsonElement>();
            await foreach (var line in QueryAsync(SalesOrderLinesIn.RemoteObject, filter, ct))
            {
                lines.Add(line);
            }

            yield return MapOrder(id, r, lines);
        }
    }

    private static Inbound<InboundOrder> MapOrder(string id, JsonElement r, List<JsonElement> lines)
    {
        var (map, lineMap) = (SalesOrdersIn, SalesOrderLinesIn);
        var fingerprint = Fingerprint(r, Bookkeeping);
        var account = Str(r, map["customer"]);
        if (account is null)
        {
            return Inbound.Bad<InboundOrder>(id, fingerprint, $"SalesOrderObj {id} has no account_id.");
        }

        var mapped = new List<InboundOrderLine>();
        foreach (var line in lines)
        {
            var lineId = Str(line, "_id") ?? "?";
            if (Str(line, lineMap["product"]) is not { } product)
            {
                return Inbound.Bad<InboundOrder>(id, fingerprint, $"SalesOrderProductObj {lineId} has no product_id.");
            }

            if (!TryDec(line, lineMap["quantity"], out var quantity) || quantity is not > 0)
            {
                return Inbound.Bad<InboundOrder>(id, fingerprint, $"SalesOrderProductObj {lineId}: quantity '{Str(line, lineMap["quantity"])}' is not a positive number.");
            }

            if (!TryDec(line, lineMap["unitPrice"], out var price))
            {
                return Inbound.Bad<InboundOrder>(id, fingerprint, $"SalesOrderProductObj {lineId}: sales_price '{Str(line, lineMap["unitPrice"])}' is not a number.");
            }

            mapped.Add(new InboundOrderLine(product, null, quantity.Value, price));
        }

        if (mapped.Count == 0)
        {
            return Inbound.Bad<InboundOrder>(id, fingerprint, $"SalesOrderObj {id} has no SalesOrderProductObj lines.");
        }

        // Fxiaoke dates are epoch milliseconds; the business date is China's.
        DateOnly? due = TryDec(r, map["requestedDeliveryDate"], out var ms) && ms is { } m && m > 0
            ? DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds((long)m).ToOffset(China).DateTime) : null;
        return new(id, fingerprint, new InboundOrder(account, null, Str(r, map["customerPo"]) ?? $"FX-{id}", due, mapped));
    }

    public async Task<string?> PushOrderAsync(OrderPush push, CancellationToken ct)
    {
        var status = settings.StatusFor(push.Event);
        var externalId = push.ExternalId;
        if (externalId is null && push.Event == "OrderConfirmed")
        {
            // Reconcile by number first: an earlier attempt may have created it and lost the answer.
            var byName = new JsonArray(new JsonObject { ["field_name"] = SalesOrderOut["number"], ["field_values"] = new JsonArray(push.Number), ["operator"] = "EQ" });
            await foreach (var found in QueryAsync(SalesOrderOut.RemoteObject, byName, ct))
            {
                externalId = Str(found, "_id");
                break;
            }

            externalId ??= await CreateAsync(push, ct);
            if (status is not null)
            {
                await UpdateStatusAsync(externalId, status, ct);
            }

            return externalId;
        }

        if (externalId is not null && status is not null)
        {
            await UpdateStatusAsync(externalId, status, ct);
        }

        return null;
    }

    private async Task<string> CreateAsync(OrderPush push, CancellationToken ct)
    {
        if (push.CustomerExternalId is null || push.Lines.Any(l => l.ProductExternalId is null))
        {
            throw new ConnectorException("FxiaokeUnmapped",
                $"Order {push.Number} is not sent to Fxiaoke: its customer or a product has no Fxiaoke record (sync AccountObj and ProductObj first).", permanent: true);
        }

        var (map, lineMap) = (SalesOrderOut, SalesOrderLinesOut);
        var orderTime = new DateTimeOffset(push.OrderDate.ToDateTime(TimeOnly.MinValue), China).ToUnixTimeMilliseconds();
        var order = new JsonObject { ["dataObjectApiName"] = map.RemoteObject, ["owner"] = new JsonArray(settings.CurrentOpenUserId) };
        map.Set(order, "customer", push.CustomerExternalId);
        map.Set(order, "orderDate", orderTime);
        map.Set(order, "note", $"Orderly {push.Number}");
        map.Set(order, "number", push.Number);
        if (push.DueDate is { } due)
        {
            map.Set(order, "requestedDeliveryDate", new DateTimeOffset(due.ToDateTime(TimeOnly.MinValue), China).ToUnixTimeMilliseconds());
        }

        var fields = new JsonObject
        {
            ["triggerWorkFlow"] = true,
            ["data"] = new JsonObject
            {
                ["object_data"] = order,
                ["details"] = new JsonObject
                {
                    [lineMap.RemoteObject] = new JsonArray([.. push.Lines.Select(l =>
                    {
                        var line = new JsonObject { ["dataObjectApiName"] = lineMap.RemoteObject };
                        lineMap.Set(line, "product", l.ProductExternalId);
                        lineMap.Set(line, "quantity", l.Quantity);
                        lineMap.Set(line, "unitPrice", l.UnitPrice);
                        lineMap.Set(line, "lineTotal", l.LineTotal);
                        lineMap.Set(line, "unit", l.Unit);
                        return (JsonNode)line;
                    })]),
                },
            },
        };
        using var doc = await CallAsync("/cgi/crm/v2/data/create", fields, ct);
        return Str(doc.RootElement, "dataId") ?? throw new ConnectorException("FxiaokeBadPayload", $"Fxiaoke created order {push.Number} without answering its dataId.");
    }

    private async Task UpdateStatusAsync(string id, string status, CancellationToken ct)
    {
        var fields = new JsonObject
        {
            ["data"] = new JsonObject { ["object_data"] = new JsonObject { ["dataObjectApiName"] = "SalesOrderObj", ["_id"] = id, [settings.StatusField] = status } },
        };
        (await CallAsync("/cgi/crm/v2/data/update", fields, ct)).Dispose();
    }

    private static int? ErrorCode(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errorCode", out var c) && c.TryGetInt32(out var code) ? code : null;

    private static string RecordId(JsonElement record, string apiName) =>
        Str(record, "_id") ?? throw new ConnectorException("FxiaokeBadRecord", $"A {apiName} record has no _id.");
}

/// <summary>
/// The signature of Fxiaoke's pushes (integrations.md A2): lower-case hex SHA-1 of token, timeStamp, nonce and content
/// sorted and concatenated; a push outside the time window or with another signature is refused.
/// </summary>
public static class FxiaokeSignature
{
    public static string Compute(string token, string timeStamp, string nonce, string content) =>
        Orderly.Domain.Common.CallbackCrypto.Signature(token, timeStamp, nonce, content);

    public static bool Verify(string token, string timeStamp, string nonce, string content, string sig, DateTimeOffset now, TimeSpan window) =>
        long.TryParse(timeStamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
        && ms is > 0 and < 253_402_300_799_999
        && (now - DateTimeOffset.FromUnixTimeMilliseconds(ms)).Duration() <= window
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(token, timeStamp, nonce, content)), Encoding.UTF8.GetBytes(sig));
}
