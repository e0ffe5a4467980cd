using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Orderly.Server.Integration.VendorJson;

namespace Orderly.Server.Integration;

/// <summary>Zoho CRM settings of one tenant: its data centre (the API and accounts servers follow) and what to sync.</summary>
public sealed record ZohoSettings(
    string DataCentre = "CN", string? ClientId = null, string? ApiUrl = null, string? AccountsUrl = null, int PerPage = 200,
    bool ProductsIn = true, bool AccountsIn = true, IReadOnlyList<string>? OrderlyOwns = null,
    bool SalesOrdersIn = false, bool SalesOrdersOut = false, bool SubmitOrders = true, IReadOnlyDictionary<string, string>? StatusMap = null)
    : IConnectorSettings
{
    private static readonly Dictionary<string, (string Api, string Accounts)> Centres = new(StringComparer.OrdinalIgnoreCase)
    {
        ["US"] = ("https://www.zohoapis.com", "https://accounts.zoho.com"),
        ["EU"] = ("https://www.zohoapis.eu", "https://accounts.zoho.eu"),
        ["IN"] = ("https://www.zohoapis.in", "https://accounts.zoho.in"),
        ["AU"] = ("https://www.zohoapis.com.au", "https://accounts.zoho.com.au"),
        ["JP"] = ("https://www.zohoapis.jp", "https://accounts.zoho.jp"),
        ["CA"] = ("https://www.zohoapis.ca", "https://accounts.zohocloud.ca"),
        ["SA"] = ("https://www.zohoapis.sa", "https://accounts.zoho.sa"),
        ["CN"] = ("https://www.zohoapis.com.cn", "https://accounts.zoho.com.cn"),
    };

    /// <summary>Orderly's order events and the Zoho <c>Status</c> picklist value each one sets (Zoho's stock values).</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultStatusMap = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OrderConfirmed"] = "Approved", ["OrderShipped"] = "Delivered", ["OrderCancelled"] = "Cancelled",
    };

    [System.Text.Json.Serialization.JsonIgnore]
    public static IReadOnlyCollection<string> DataCentres => Centres.Keys;

    [System.Text.Json.Serialization.JsonIgnore]
    public string Api => (ApiUrl ?? (Centres.TryGetValue(DataCentre, out var c) ? c.Api : throw new ConnectorException("UnknownDataCentre", $"Unknown Zoho data centre '{DataCentre}'."))).TrimEnd('/');

    [System.Text.Json.Serialization.JsonIgnore]
    public string Accounts => (AccountsUrl ?? (Centres.TryGetValue(DataCentre, out var c) ? c.Accounts : throw new ConnectorException("UnknownDataCentre", $"Unknown Zoho data centre '{DataCentre}'."))).TrimEnd('/');

    public bool OrderlyOwnsField(string field) => OrderlyOwns?.Contains(field, StringComparer.OrdinalIgnoreCase) == true;

    public string? StatusFor(string orderEvent) => (StatusMap ?? DefaultStatusMap).GetValueOrDefault(orderEvent) ?? DefaultStatusMap.GetValueOrDefault(orderEvent);

    public void Validate()
    {
        if (ApiUrl is null && !DataCentres.Contains(DataCentre, StringComparer.OrdinalIgnoreCase))
        {
            throw new Domain.Common.RuleViolationException("settings.dataCentre", "UnknownDataCentre", $"dataCentre is one of {string.Join(", ", DataCentres)}.");
        }

        if (PerPage is < 1 or > 200)
        {
            throw new Domain.Common.RuleViolationException("settings.perPage", "OutOfRange", "perPage is 1 to 200.");
        }
    }
}

public sealed record ZohoSecrets(string? ClientSecret = null, string? RefreshToken = null);

/// <summary>
/// Zoho CRM v8 over HTTP, as integrations.md A1 describes it: OAuth refresh at the tenant's accounts server,
/// <c>Authorization: Zoho-oauthtoken</c>, <c>page</c> then <c>page_token</c> paging, 204 for no rows, 207 per-record
/// results. Rate limits (429) and server errors (5xx, timeouts) are retried with exponential backoff; an expired
/// token (401) is refreshed and the call repeated. Sales orders come in with their <c>Ordered_Items</c> (or the older
/// <c>Product_Details</c> layout) and go out by upsert on <c>Subject</c> (the order number), so a repeated push
/// never creates a second record; later events set <c>Status</c>.
/// </summary>
public sealed class ZohoCrmClient(HttpClient http, ConnectorTokenCache tokens, ZohoSettings settings, ZohoSecrets secrets, ConnectorRetry retry) : IConnectorClient
{
    public static readonly ObjectMap ProductsIn = new(ConnectorInbound.Product, ObjectMap.In, "Products",
    [
        new("externalId", "id"), new("name", "Product_Name", "the SKU when empty"), new("sku", "Product_Code", "ZOHO-{id} when empty"), new("listPrice", "Unit_Price"),
        new("isActive", "Product_Active"), new("unit", "Usage_Unit", "pcs when empty"),
    ]);

    public static readonly ObjectMap AccountsIn = new(ConnectorInbound.Customer, ObjectMap.In, "Accounts",
    [
        new("externalId", "id"), new("name", "Account_Name"), new("code", "Account_Number", "ZOHO-{id} when empty"), new("phone", "Phone"),
        new("region", "Billing_City"), new("address", "Billing_Street"),
    ]);

    public static readonly ObjectMap SalesOrdersIn = new(ConnectorInbound.SalesOrder, ObjectMap.In, "Sales_Orders",
    [
        new("externalId", "id"), new("customer", "Account_Name.id", "a synced account"), new("customerPo", "Purchase_Order", "or Subject"),
        new("requestedDeliveryDate", "Due_Date"), new("currency", "Currency"), new("lines", "Ordered_Items", "or Product_Details with lower-case keys (older orgs)"),
    ]);

    public static readonly ObjectMap SalesOrderLinesIn = new("sales-order-line", ObjectMap.In, "Sales_Orders.Ordered_Items",
        [new("product", "Product_Name.id", "a synced product"), new("quantity", "Quantity"), new("unitPrice", "List_Price")]);

    public static readonly ObjectMap SalesOrderOut = new(ConnectorInbound.SalesOrder, ObjectMap.Out, "Sales_Orders (upsert on Subject)",
    [
        new("number", "Subject"), new("customer", "Account_Name.id"), new("status", "Status", "statusMap; later events update only it"), new("currency", "Currency"),
        new("total", "Grand_Total"), new("requestedDeliveryDate", "Due_Date"), new("lines", "Ordered_Items"),
    ]);

    public static readonly ObjectMap SalesOrderLinesOut = new("sales-order-line", ObjectMap.Out, "Sales_Orders.Ordered_Items",
        [new("product", "Product_Name.id"), new("quantity", "Quantity"), new("unitPrice", "List_Price"), new("lineTotal", "Total")]);

    public static readonly IReadOnlyList<ObjectMap> Maps = [ProductsIn, AccountsIn, SalesOrdersIn, SalesOrderLinesIn, SalesOrderOut, SalesOrderLinesOut];

    private static readonly string[] Bookkeeping = ["Modified_Time", "Created_Time", "$etag"];
    private string? _token;

    /// <summary>The <c>fields</c> a list asks for: the map's fields but the id, which Zoho always answers.</summary>
    private static string ListFields(ObjectMap map) => string.Join(',', map.Fields.Where(f => f.Orderly != "externalId").Select(f => f.Remote));

    public string Kind => Domain.Integration.ConnectorKinds.ZohoCrm;

    public DateTimeOffset? ModifiedSince { get; set; }

    public IConnectorSettings Settings => settings;

    public async Task<string> TokenAsync(string? rejected, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(settings.ClientId) || string.IsNullOrEmpty(secrets.ClientSecret) || string.IsNullOrEmpty(secrets.RefreshToken))
        {
            throw new ConnectorException("NotConfigured", "Set the Zoho client id, client secret and refresh token.");
        }

        var key = $"zoho|{settings.Accounts}|{settings.ClientId}|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secrets.ClientSecret + "\n" + secrets.RefreshToken)))}";
        return _token = await tokens.GetAsync(key, RefreshAsync, rejected, ct);
    }

    private async Task<(string, TimeSpan)> RefreshAsync(CancellationToken ct)
    {
        var url = $"{settings.Accounts}/oauth/v2/token?client_id={Uri.EscapeDataString(settings.ClientId!)}&client_secret={Uri.EscapeDataString(secrets.ClientSecret!)}" +
                  $"&grant_type=refresh_token&refresh_token={Uri.EscapeDataString(secrets.RefreshToken!)}";
        using var response = await retry.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, url), ct);
        using var body = await ParseAsync(response, "Zoho", ct);
        // Zoho answers token errors with HTTP 200 and {"error": "..."}.
        if (body.RootElement.TryGetProperty("error", out var error) || !body.RootElement.TryGetProperty("access_token", out var token))
        {
            throw new ConnectorException("ZohoAuthFailed", $"Zoho refused the refresh token: {(error.ValueKind == JsonValueKind.String ? error.GetString() : "no access_token")}.");
        }

        var lifetime = body.RootElement.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) ? seconds : 3600;
        return (token.GetString()!, TimeSpan.FromSeconds(lifetime));
    }

    /// <summary>Sends an API call with the cached token, refreshing it if Zoho says it has expired.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await TokenAsync(attempt == 0 ? null : _token, ct);
            var response = await retry.SendAsync(http, () =>
            {
                var request = build();
                request.Headers.Authorization = new AuthenticationHeaderValue("Zoho-oauthtoken", token);
                return request;
            }, ct);
            // A token can expire (or be revoked) between any two calls, also right after a refresh: refresh at most twice per call.
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt < 2)
            {
                response.Dispose();
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                throw new ConnectorException("ZohoUnauthorized", "Zoho refused the access token (check the scopes).");
            }

            return response;
        }
    }

    /// <summary>Orderly's one channel per tenant: its id is fixed, so registering again replaces it rather than adding one.</summary>
    public const string ChannelId = "1000000068001";

    /// <summary>
    /// Registers Orderly's notification channel (<c>POST /crm/v8/actions/watch</c>, integrations.md A1): the events,
    /// where to post them, the token Zoho echoes back and the expiry (at most a week ahead). Returns the channel id.
    /// </summary>
    public async Task<string> WatchAsync(string notifyUrl, string token, IReadOnlyList<string> events, DateTimeOffset expiry, CancellationToken ct)
    {
        var channel = new JsonObject
        {
            ["channel_id"] = ChannelId, ["events"] = new JsonArray([.. events.Select(e => (JsonNode)e)]), ["notify_url"] = notifyUrl, ["token"] = token,
            ["channel_expiry"] = ZohoTime(expiry),
        };
        var (ok, status, code, message) = await WatchCallAsync(HttpMethod.Post, channel, ct);
        if (!ok)
        {
            throw new ConnectorException("ZohoWatchRefused", $"Zoho refused the notification channel: {status} {code} {message}");
        }

        return ChannelId;
    }

    /// <summary>
    /// Moves the channel's expiry (<c>PATCH /crm/v8/actions/watch</c> with <c>channel_id</c> and a new
    /// <c>channel_expiry</c>). False when Zoho refuses it for the channel (expired or unknown: subscribe again);
    /// 429, 5xx and timeouts are retried and then fail the call.
    /// </summary>
    public async Task<bool> RenewAsync(IReadOnlyList<string> events, DateTimeOffset expiry, CancellationToken ct)
    {
        var channel = new JsonObject
        {
            ["channel_id"] = ChannelId, ["events"] = new JsonArray([.. events.Select(e => (JsonNode)e)]), ["channel_expiry"] = ZohoTime(expiry),
        };
        var (ok, status, code, message) = await WatchCallAsync(HttpMethod.Patch, channel, ct);
        if (!ok && status is >= 500 or 429)
        {
            throw new ConnectorException("Zoho" + code, $"Zoho answered the channel renewal with {status} {code}: {message}");
        }

        return ok;
    }

    private async Task<(bool Ok, int Status, string? Code, string? Message)> WatchCallAsync(HttpMethod method, JsonObject channel, CancellationToken ct)
    {
        var body = new JsonObject { ["watch"] = new JsonArray(channel) };
        using var response = await SendAsync(() => new HttpRequestMessage(method, $"{settings.Api}/crm/v8/actions/watch")
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        }, ct);
        using var doc = await ParseAsync(response, "Zoho", ct);
        var result = doc.RootElement.TryGetProperty("watch", out var w) && w.ValueKind == JsonValueKind.Array && w.GetArrayLength() > 0 ? w[0] : default;
        var ok = response.IsSuccessStatusCode && Str(result, "status") == "success";
        return (ok, (int)response.StatusCode, Str(result, "code") ?? Str(doc.RootElement, "code"), Str(result, "message") ?? Str(doc.RootElement, "message"));
    }

    private static string ZohoTime(DateTimeOffset at) => at.ToOffset(TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>Every record of a module: <c>page</c> for the first pages, then <c>page_token</c> as Zoho requires past 2,000 records.</summary>
    public async IAsyncEnumerable<JsonElement> ListAsync(string module, string fields, [EnumeratorCancellation] CancellationToken ct)
    {
        var page = 1;
        string? pageToken = null;
        while (true)
        {
            var url = $"{settings.Api}/crm/v8/{module}?fields={Uri.EscapeDataString(fields)}&per_page={settings.PerPage}&sort_by=id&sort_order=asc"
                      + (pageToken is null ? $"&page={page}" : $"&page_token={Uri.EscapeDataString(pageToken)}");
            var since = ModifiedSince;
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (since is { } s)
                {
                    // Only what changed since the cursor; Zoho answers 304 when nothing did.
                    request.Headers.TryAddWithoutValidation("If-Modified-Since", s.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
                }

                return request;
            }, ct);
            if (response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotModified)
            {
                yield break;
            }

            using var body = await ReadAsync(response, ct);
            if (!body.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new ConnectorException("ZohoBadPayload", $"Zoho's {module} page {page} has no data array.");
            }

            foreach (var record in data.EnumerateArray())
            {
                yield return record.Clone();
            }

            var info = body.RootElement.TryGetProperty("info", out var i) ? i : default;
            if (info.ValueKind != JsonValueKind.Object || !info.TryGetProperty("more_records", out var more) || more.ValueKind != JsonValueKind.True)
            {
                yield break;
            }

            page++;
            pageToken = info.TryGetProperty("next_page_token", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
    }

    /// <summary>A cheap authenticated call: one record of Products.</summary>
    public async Task TestAsync(CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{settings.Api}/crm/v8/Products?fields=Product_Name&per_page=1"), ct);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            (await ReadAsync(response, ct)).Dispose();
        }
    }

    public async IAsyncEnumerable<Inbound<InboundProduct>> ProductsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var map = ProductsIn;
        await foreach (var r in ListAsync(map.RemoteObject, ListFields(map), ct))
        {
            var id = RecordId(r, map.RemoteObject);
            var fingerprint = Fingerprint(r, Bookkeeping);
            if (!TryDec(r, map["listPrice"], out var price))
            {
                yield return Inbound.Bad<InboundProduct>(id, fingerprint, $"Unit_Price '{Str(r, map["listPrice"])}' is not a number.");
                continue;
            }

            var sku = Str(r, map["sku"]) ?? $"ZOHO-{id}";
            yield return new(id, fingerprint, new InboundProduct(sku, Str(r, map["name"]) ?? sku, Str(r, map["unit"]), price,
                !(r.TryGetProperty(map["isActive"], out var active) && active.ValueKind == JsonValueKind.False)));
        }
    }

    public async IAsyncEnumerable<Inbound<InboundCustomer>> CustomersAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var map = AccountsIn;
        await foreach (var r in ListAsync(map.RemoteObject, ListFields(map), ct))
        {
            var id = RecordId(r, map.RemoteObject);
            var code = Str(r, map["code"]) ?? $"ZOHO-{id}";
            yield return new(id, Fingerprint(r, Bookkeeping), new InboundCustomer(code, Str(r, map["name"]) ?? code, Str(r, map["region"]), Str(r, map["address"]), Str(r, map["phone"])));
        }
    }

    public async IAsyncEnumerable<Inbound<InboundOrder>> OrdersAsync(Func<string, CancellationToken, Task<bool>> known, [EnumeratorCancellation] CancellationToken ct)
    {
        // The list gives ids only; the line items (a subform) come with the single-record read.
        await foreach (var listed in ListAsync("Sales_Orders", "Subject,Status,Modified_Time", ct))
        {
            var id = RecordId(listed, "Sales_Orders");
            if (await known(id, ct))
            {
                yield return Inbound.Known<InboundOrder>(id);
                continue;
            }

            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{settings.Api}/crm/v8/Sales_Orders/{Uri.EscapeDataString(id)}"), ct);
            using var body = await ReadAsync(response, ct);
            if (!body.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() != 1)
            {
                yield return Inbound.Bad<InboundOrder>(id, "", "Zoho answered the sales order read without exactly one record in data.");
                continue;
            }

            var r = data[0];
            yield return MapOrder(id, r);
        }
    }

    private static Inbound<InboundOrder> MapOrder(string id, JsonElement r)
    {
        var (map, lineMap) = (SalesOrdersIn, SalesOrderLinesIn);
        var fingerprint = Fingerprint(r, Bookkeeping);
        var account = LookupId(r, map["customer"].Split('.')[0]);
        if (account is null)
        {
            return Inbound.Bad<InboundOrder>(id, fingerprint, "Account_Name is missing: the sales order has no account.");
        }

        // v8 orgs name the subform Ordered_Items; orgs from older API versions have Product_Details with lower-case keys.
        var modern = r.TryGetProperty(map["lines"], out var items) && items.ValueKind == JsonValueKind.Array;
        if (!modern && !(r.TryGetProperty("Product_Details", out items) && items.ValueKind == JsonValueKind.Array))
        {
            return Inbound.Bad<InboundOrder>(id, fingerprint, "The sales order has neither Ordered_Items nor Product_Details.");
        }

        var (productField, quantityField, priceField, subform) = modern
            ? (lineMap["product"].Split('.')[0], lineMap["quantity"], lineMap["unitPrice"], map["lines"]) : ("product", "quantity", "list_price", "Product_Details");
        var lines = new List<InboundOrderLine>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var product = LookupId(item, productField);
            if (product is null)
            {
                return Inbound.Bad<InboundOrder>(id, fingerprint, $"{subform}[{index}].{productField} is missing.");
            }

            if (!TryDec(item, quantityField, out var quantity) || quantity is not > 0)
            {
                return Inbound.Bad<InboundOrder>(id, fingerprint, $"{subform}[{index}].{quantityField} '{Str(item, quantityField)}' is not a positive number.");
            }

            if (!TryDec(item, priceField, out var price))
            {
                return Inbound.Bad<InboundOrder>(id, fingerprint, $"{subform}[{index}].{priceField} '{Str(item, priceField)}' is not a number.");
            }

            lines.Add(new InboundOrderLine(product, null, quantity.Value, price));
            index++;
        }

        if (lines.Count == 0)
        {
            return Inbound.Bad<InboundOrder>(id, fingerprint, $"The sales order's {subform} is empty.");
        }

        DateOnly? due = DateOnly.TryParseExact(Str(r, map["requestedDeliveryDate"]), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        return new(id, fingerprint, new InboundOrder(account, null, Str(r, map["customerPo"]) ?? Str(r, "Subject") ?? $"ZOHO-{id}", due, lines, Str(r, map["currency"])));
    }

    public async Task<string?> PushOrderAsync(OrderPush push, CancellationToken ct)
    {
        var status = settings.StatusFor(push.Event);
        if (push.ExternalId is { } id)
        {
            if (status is null)
            {
                return null;
            }

            var changed = new JsonObject();
            SalesOrderOut.Set(changed, "status", status);
            var update = new JsonObject { ["data"] = new JsonArray(changed) };
            using var updated = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, $"{settings.Api}/crm/v8/Sales_Orders/{Uri.EscapeDataString(id)}") { Content = JsonContent.Create(update) }, ct);
            using var result = await ReadAsync(updated, ct);
            RecordResult(result, push.Number);
            return null;
        }

        if (push.Event != "OrderConfirmed")
        {
            return null;
        }

        if (push.CustomerExternalId is null || push.Lines.Any(l => l.ProductExternalId is null))
        {
            throw new ConnectorException("ZohoUnmapped",
                $"Order {push.Number} is not sent to Zoho: its customer or a product has no Zoho record (sync Accounts and Products first).", permanent: true);
        }

        var (map, lineMap) = (SalesOrderOut, SalesOrderLinesOut);
        var record = new JsonObject();
        map.Set(record, "number", push.Number);
        map.Set(record, "customer", push.CustomerExternalId);
        map.Set(record, "status", status ?? "Created");
        map.Set(record, "currency", push.Currency);
        map.Set(record, "total", push.Total);
        map.Set(record, "lines", new JsonArray([.. push.Lines.Select(l =>
        {
            var item = new JsonObject();
            lineMap.Set(item, "product", l.ProductExternalId);
            lineMap.Set(item, "quantity", l.Quantity);
            lineMap.Set(item, "unitPrice", l.UnitPrice);
            lineMap.Set(item, "lineTotal", l.LineTotal);
            return (JsonNode)item;
        })]));
        if (push.DueDate is { } due)
        {
            map.Set(record, "requestedDeliveryDate", due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        // Upsert on Subject: a push repeated after a lost answer finds the record it created and updates it.
        var body = new JsonObject { ["data"] = new JsonArray(record), ["duplicate_check_fields"] = new JsonArray(map["number"]), ["trigger"] = new JsonArray() };
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"{settings.Api}/crm/v8/Sales_Orders/upsert") { Content = JsonContent.Create(body) }, ct);
        using var created = await ReadAsync(response, ct);
        return RecordResult(created, push.Number);
    }

    /// <summary>Reads the one per-record result of a write (201, 200 or 207) and returns the record's id.</summary>
    private static string RecordResult(JsonDocument body, string number)
    {
        if (!body.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0)
        {
            throw new ConnectorException("ZohoBadPayload", $"Zoho's answer for order {number} has no per-record result.");
        }

        var result = data[0];
        if (Str(result, "status") != "success")
        {
            throw new ConnectorException("Zoho" + (Str(result, "code") ?? "Error"), $"Zoho refused order {number}: {Str(result, "code")} {Str(result, "message")}");
        }

        return result.TryGetProperty("details", out var details) ? Str(details, "id") ?? "" : "";
    }

    private static string RecordId(JsonElement record, string module) =>
        Str(record, "id") ?? throw new ConnectorException("ZohoBadRecord", $"A {module} record has no id.");

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await ParseAsync(response, "Zoho", ct);
        if (!response.IsSuccessStatusCode)
        {
            // A refused single-record write carries its reason per record, in data[0].
            var reason = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Array && d.GetArrayLength() > 0
                ? d[0] : body.RootElement;
            var code = Str(reason, "code") ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            var message = Str(reason, "message") ?? response.ReasonPhrase;
            body.Dispose();
            throw new ConnectorException("Zoho" + code, $"Zoho answered {(int)response.StatusCode} {code}: {message}");
        }

        return body;
    }
}
