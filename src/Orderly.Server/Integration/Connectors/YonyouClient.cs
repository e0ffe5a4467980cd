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
/// 用友 Yonyou YonBIP settings: the tenant's gateway and token URLs (from <c>getGatewayAddress</c>), the app key, the
/// business paths (the customer path is documented; the material and sales-order paths are configurable because
/// the open platform's docs vary by edition), and the codes that mean "token expired" and "too many requests".
/// </summary>
public sealed record YonyouSettings(
    string? GatewayUrl = null, string? TokenUrl = null, string? AppKey = null, int PageSize = 100,
    string CustomersPath = "/yonbip/digitalModel/merchant/list", string ProductsPath = "/yonbip/digitalModel/product/list",
    string SalesOrderSavePath = "/yonbip/sd/voucherorder/singleSave", string? TransactionType = null, string? SalesOrgCode = null,
    IReadOnlyList<string>? TokenExpiredCodes = null, IReadOnlyList<string>? RateLimitCodes = null,
    bool ProductsIn = true, bool AccountsIn = true, bool SalesOrdersOut = true, IReadOnlyList<string>? OrderlyOwns = null) : IConnectorSettings
{
    bool IConnectorSettings.SalesOrdersIn => false;

    bool IConnectorSettings.SubmitOrders => false;
}

/// <summary>
/// YonBIP open platform (integrations.md B2): a self-built app's access token from <c>selfAppAuth/getAccessToken</c>
/// signed with HMAC-SHA256 of the sorted parameters, then <c>POST {gateway}{path}?access_token=…</c> answered with
/// <c>{"code":"200"|"00000", "message", "data"}</c>. Customers (merchants) and materials page in with
/// <c>pageIndex</c>/<c>pageSize</c>; a confirmed order goes out by <c>singleSave</c> with the order number as its
/// code and <c>resubmitCheckKey</c> from the order id, which the platform uses to drop a repeated submission.
/// </summary>
public sealed class YonyouClient(HttpClient http, ConnectorTokenCache tokens, YonyouSettings settings, string? appSecret, ConnectorRetry retry, TimeProvider time)
    : IConnectorClient, IKeysetClient
{
    /// <summary>The platform's modification stamp (<c>yyyy-MM-dd HH:mm:ss</c>), the keyset listings' order with the id.</summary>
    public const string Pubts = "pubts";

    public static readonly ObjectMap MaterialsIn = new(ConnectorInbound.Product, ObjectMap.In, "material (productsPath)",
    [
        new("externalId", "id"), new("sku", "code"), new("name", "name.zh_CN", "or the first name given"), new("unit", "unitName", "or unit_Name"),
        new("listPrice", "salePrice"),
    ]);

    public static readonly ObjectMap MerchantsIn = new(ConnectorInbound.Customer, ObjectMap.In, "merchant (customersPath)",
        [new("externalId", "id"), new("code", "code"), new("name", "name.zh_CN", "or the first name given")]);

    public static readonly ObjectMap SalesOrderOut = new(ConnectorInbound.SalesOrder, ObjectMap.Out, "voucherorder (salesOrderSavePath)",
    [
        new("orderId", "resubmitCheckKey", "the platform drops a repeat"), new("number", "code"), new("orderDate", "vouchdate"), new("customerCode", "agentId_code"),
        new("currency", "currency_code"), new("note", "memo", "\"Orderly {number}\""), new("lines", "orderDetails"),
    ]);

    public static readonly ObjectMap SalesOrderLineOut = new("sales-order-line", ObjectMap.Out, "voucherorder.orderDetails",
        [new("sku", "productId_code"), new("quantity", "qty"), new("unitPrice", "oriTaxUnitPrice"), new("lineTotal", "oriSum")]);

    public static readonly IReadOnlyList<ObjectMap> Maps = [MaterialsIn, MerchantsIn, SalesOrderOut, SalesOrderLineOut];

    private static readonly string[] Bookkeeping = [Pubts, "modifyTime"];
    private string? _token;

    public string Kind => Domain.Integration.ConnectorKinds.Yonyou;

    /// <summary>Not used: the listings run in keyset order after <see cref="After"/> instead.</summary>
    public DateTimeOffset? ModifiedSince { get; set; }

    public Domain.Integration.SyncPosition? After { get; set; }

    public IConnectorSettings Settings => settings;

    private string Gateway => (settings.GatewayUrl ?? throw new ConnectorException("NotConfigured", "Set the Yonyou gatewayUrl.")).TrimEnd('/');

    private async Task<string> TokenAsync(string? rejected, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(settings.AppKey) || string.IsNullOrEmpty(appSecret) || string.IsNullOrEmpty(settings.TokenUrl))
        {
            throw new ConnectorException("NotConfigured", "Set the Yonyou tokenUrl, appKey and app secret.");
        }

        return _token = await tokens.GetAsync($"yonyou|{settings.TokenUrl}|{settings.AppKey}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(appSecret)))}", RefreshAsync, rejected, ct);
    }

    private async Task<(string, TimeSpan)> RefreshAsync(CancellationToken ct)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var url = $"{settings.TokenUrl!.TrimEnd('/')}/open-auth/selfAppAuth/getAccessToken?appKey={Uri.EscapeDataString(settings.AppKey!)}&timestamp={timestamp}"
                  + $"&signature={YonyouSignature.TokenSignature(settings.AppKey!, timestamp, appSecret!)}";
        using var response = await retry.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Get, url), ct);
        using var doc = await ParseAsync(response, "Yonyou", ct);
        var root = doc.RootElement;
        if (Str(root, "code") != "00000" || !root.TryGetProperty("data", out var data) || Str(data, "access_token") is not { } token)
        {
            throw new ConnectorException("YonyouAuthFailed", $"Yonyou refused the app credentials: {Str(root, "code")} {Str(root, "message")}.");
        }

        var lifetime = data.TryGetProperty("expire", out var e) && e.TryGetInt32(out var seconds) && seconds > 0 ? seconds : 7200;
        return (token, TimeSpan.FromSeconds(lifetime));
    }

    public async Task<JsonDocument> CallAsync(string path, JsonObject body, CancellationToken ct)
    {
        var refreshes = 0;
        string? rejected = null;
        for (var attempt = 1; ; attempt++)
        {
            var token = await TokenAsync(rejected, ct);
            rejected = null;
            using var response = await retry.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, $"{Gateway}{path}?access_token={Uri.EscapeDataString(token)}")
            {
                Content = JsonContent.Create(body),
            }, ct);
            var doc = await ParseAsync(response, "Yonyou", ct);
            var code = Str(doc.RootElement, "code");
            if (response.IsSuccessStatusCode && code is "200" or "00000")
            {
                return doc;
            }

            var message = Str(doc.RootElement, "message");
            doc.Dispose();
            if ((response.StatusCode == System.Net.HttpStatusCode.Unauthorized || (settings.TokenExpiredCodes ?? ["1090003500065", "401"]).Contains(code ?? "")) && refreshes < 2)
            {
                refreshes++;
                rejected = _token;
                continue;
            }

            if ((settings.RateLimitCodes ?? ["429"]).Contains(code ?? "") && attempt < retry.MaxAttempts)
            {
                await retry.DelayAsync(attempt, ct);
                continue;
            }

            throw new ConnectorException("Yonyou" + (code ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)), $"Yonyou answered {path} with code {code}: {message}");
        }
    }

    public async Task TestAsync(CancellationToken ct)
    {
        (await CallAsync(settings.CustomersPath, new JsonObject { ["pageIndex"] = 1, ["pageSize"] = 1 }, ct)).Dispose();
    }

    /// <summary>
    /// Records in (pubts, id) order (<c>queryOrders</c>), those at or after the position's stamp (<c>simpleVOs</c>
    /// <c>pubts egt</c>), skipping what is at or before the position itself. A page of records that all share the query's
    /// stamp moves on by <c>pageIndex</c>; once the stamp moves, the next query starts at page 1 from the new stamp, so a
    /// record changed while the listing runs is read again at its new place rather than shifting the pages under it.
    /// </summary>
    private async IAsyncEnumerable<(JsonElement Record, Domain.Integration.SyncPosition Position, bool EndsPage)> KeysetAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        var after = After;
        var page = 1;
        while (true)
        {
            var since = after?.Modified;
            var body = new JsonObject
            {
                ["pageIndex"] = page, ["pageSize"] = settings.PageSize,
                ["queryOrders"] = new JsonArray(new JsonObject { ["field"] = Pubts, ["order"] = "asc" }, new JsonObject { ["field"] = "id", ["order"] = "asc" }),
            };
            if (since is not null)
            {
                body["simpleVOs"] = new JsonArray(new JsonObject { ["field"] = Pubts, ["op"] = "egt", ["value1"] = since });
            }

            var records = await PageAsync(path, body, page, ct);
            var fresh = new List<(JsonElement, Domain.Integration.SyncPosition)>();
            foreach (var r in records)
            {
                var position = new Domain.Integration.SyncPosition(Str(r, Pubts), Str(r, "id"));
                if (after is null || position.CompareTo(after) > 0)
                {
                    fresh.Add((r, position));
                }
            }

            for (var i = 0; i < fresh.Count; i++)
            {
                yield return (fresh[i].Item1, fresh[i].Item2, i == fresh.Count - 1);
            }

            if (records.Count < settings.PageSize)
            {
                yield break;
            }

            if (fresh.Count > 0)
            {
                after = fresh[^1].Item2;
            }

            page = after?.Modified == since ? page + 1 : 1;
        }
    }

    private async Task<List<JsonElement>> PageAsync(string path, JsonObject body, int page, CancellationToken ct)
    {
        using var doc = await CallAsync(path, body, ct);
        if (!doc.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("recordList", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new ConnectorException("YonyouBadPayload", $"Yonyou's {path} page {page} has no data.recordList array.");
        }

        return [.. list.EnumerateArray().Select(r => r.Clone())];
    }

    public async IAsyncEnumerable<Inbound<InboundProduct>> ProductsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var map = MaterialsIn;
        await foreach (var (r, position, endsPage) in KeysetAsync(settings.ProductsPath, ct))
        {
            var id = Str(r, map["externalId"]) ?? throw new ConnectorException("YonyouBadRecord", "A material record has no id.");
            var fingerprint = Fingerprint(r, Bookkeeping);
            if (Str(r, map["sku"]) is not { } code)
            {
                yield return Inbound.Bad<InboundProduct>(id, fingerprint, $"Material {id} has no code.") with { Position = position, EndsPage = endsPage };
                continue;
            }

            if (!TryDec(r, map["listPrice"], out var price))
            {
                yield return Inbound.Bad<InboundProduct>(id, fingerprint, $"Material {id}: salePrice '{Str(r, map["listPrice"])}' is not a number.") with { Position = position, EndsPage = endsPage };
                continue;
            }

            yield return new Inbound<InboundProduct>(id, fingerprint, new InboundProduct(code, Name(r, map) ?? code, Str(r, map["unit"]) ?? Str(r, "unit_Name"), price))
            { Position = position, EndsPage = endsPage };
        }
    }

    public async IAsyncEnumerable<Inbound<InboundCustomer>> CustomersAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var map = MerchantsIn;
        await foreach (var (r, position, endsPage) in KeysetAsync(settings.CustomersPath, ct))
        {
            var id = Str(r, map["externalId"]) ?? throw new ConnectorException("YonyouBadRecord", "A merchant record has no id.");
            var fingerprint = Fingerprint(r, Bookkeeping);
            if (Str(r, map["code"]) is not { } code || Name(r, map) is not { } name)
            {
                yield return Inbound.Bad<InboundCustomer>(id, fingerprint, $"Merchant {id} has no code or name.") with { Position = position, EndsPage = endsPage };
                continue;
            }

            yield return new Inbound<InboundCustomer>(id, fingerprint, new InboundCustomer(code, name)) { Position = position, EndsPage = endsPage };
        }
    }

    public async IAsyncEnumerable<Inbound<InboundOrder>> OrdersAsync(Func<string, CancellationToken, Task<bool>> known, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        yield break;
    }

    public async Task<string?> PushOrderAsync(OrderPush push, CancellationToken ct)
    {
        if (push.Event != "OrderConfirmed" || push.ExternalId is not null)
        {
            return null;
        }

        var (map, line) = (SalesOrderOut, SalesOrderLineOut);
        var order = new JsonObject { ["_status"] = "Insert" };
        map.Set(order, "orderId", push.OrderId.ToString("N"));
        map.Set(order, "number", push.Number);
        map.Set(order, "orderDate", push.OrderDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        map.Set(order, "customerCode", push.CustomerCode);
        map.Set(order, "currency", push.Currency);
        map.Set(order, "note", $"Orderly {push.Number}");
        map.Set(order, "lines", new JsonArray([.. push.Lines.Select(l =>
        {
            var detail = new JsonObject { ["_status"] = "Insert" };
            line.Set(detail, "sku", l.Sku);
            line.Set(detail, "quantity", l.Quantity);
            line.Set(detail, "unitPrice", l.UnitPrice);
            line.Set(detail, "lineTotal", l.LineTotal);
            return (JsonNode)detail;
        })]));
        if (settings.TransactionType is { } type)
        {
            order["transactionTypeId_code"] = type;
        }

        if (settings.SalesOrgCode is { } org)
        {
            order["salesOrgId_code"] = org;
        }

        using var doc = await CallAsync(settings.SalesOrderSavePath, new JsonObject { ["data"] = order }, ct);
        var data = doc.RootElement.TryGetProperty("data", out var d) ? d : default;
        return Str(data, "id") ?? throw new ConnectorException("YonyouBadPayload", $"Yonyou saved order {push.Number} without answering its id.");
    }

    private static string? Name(JsonElement r, ObjectMap map) => Name(r, map["name"].Split('.')[0]);

    private static string? Name(JsonElement r, string field) =>
        r.ValueKind == JsonValueKind.Object && r.TryGetProperty(field, out var n) && n.ValueKind == JsonValueKind.Object
            ? Str(n, "zh_CN") ?? Str(n, "simplifiedName") ?? n.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
            : Str(r, field);
}

/// <summary>The YonBIP signatures (integrations.md B2).</summary>
public static class YonyouSignature
{
    /// <summary>
    /// <c>URLEncode(Base64(HmacSHA256(appSecret, "appKey" + appKey + "timestamp" + timestamp)))</c>: the parameters sorted by
    /// name, each as name then value. The URL encoding is Java's (upper-case hex).
    /// </summary>
    public static string TokenSignature(string appKey, string timestamp, string appSecret)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes("appKey" + appKey + "timestamp" + timestamp));
        return Uri.EscapeDataString(Convert.ToBase64String(mac));
    }

    /// <summary>An event push's <c>msgSignature</c>: lower-case hex SHA-1 of appSecret, timestamp, nonce and encrypt, sorted and joined.</summary>
    public static string EventSignature(string appSecret, string timestamp, string nonce, string encrypt)
    {
        string[] parts = [appSecret, timestamp, nonce, encrypt];
        Array.Sort(parts, StringComparer.Ordinal);
        #pragma warning disable CA5350 // The vendor's protocol fixes SHA-1; it authenticates a push, it protects no secret at rest.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    /// <summary>Checks an event push's signature and that its timestamp (ms) is within the window of now.</summary>
    public static bool VerifyEvent(string appSecret, string timestamp, string nonce, string encrypt, string msgSignature, DateTimeOffset now, TimeSpan window) =>
        long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
        && ms is > 0 and < 253_402_300_799_999
        && (now - DateTimeOffset.FromUnixTimeMilliseconds(ms)).Duration() <= window
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(EventSignature(appSecret, timestamp, nonce, encrypt)), Encoding.UTF8.GetBytes(msgSignature));
}
