using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Orderly.Server.Integration;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// A local 金蝶云星空 K/3 Cloud WebAPI (integrations.md B1) on Kestrel: ValidateUser answering a
/// <c>kdservice-sessionid</c> cookie (or the signed headers of SDK 7, checked byte for byte); every business call
/// answered HTTP 200 with <c>Result.ResponseStatus</c> on errors (MsgCode 1 for a lost session, 11 validation, 12 not
/// operable, 14 call limit); ExecuteBillQuery as bare arrays in FieldKeys order paged by StartRow/Limit (errors as
/// <c>[[{"Result":…}]]</c>), sorted by OrderString and filtered by the FilterStrings the connector sends (a field
/// equal to a value; the keyset shapes on FModifyDate and the id); SAL_SaleOrder Save (FBillNo unique, customer and
/// materials must exist), Submit, Audit; STK_Inventory rows as stored (one per lot).
/// Faults: "limit", "500", "timeout", "expire", "garbage", "save-then-500" (saves, then answers 500); any other word passes.
/// </summary>
public sealed partial class FakeKingdee : IAsyncDisposable
{
    public const string AcctId = "DCID001";
    public const string User = "Administrator";
    public const string Password = "kd-password-金蝶";
    public const string AppId = "224466_test";
    public const string ClientSecret = "CLIENTSECRET";
    public const string AppSecret = "kdsecret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _sessions = new();
    private int _logins;
    private long _nextId = 100_000;

    public FakeKingdee()
    {
        _app = LocalServer.Create();
        _app.MapPost("/k3cloud/Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser.common.kdsvc", LoginAsync);
        _app.MapPost("/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.{operation}.common.kdsvc", CallAsync);
        foreach (var form in new[] { "BD_MATERIAL", "BD_Customer", "SAL_SaleOrder", "STK_Inventory" })
        {
            Forms[form] = [];
        }
    }

    public string Url => _app.Urls.First();

    /// <summary>Rows per form, keyed by field name (FieldKeys pick from them).</summary>
    public ConcurrentDictionary<string, List<JsonObject>> Forms { get; } = new();

    public ConcurrentQueue<string> Faults { get; } = new();

    public ConcurrentQueue<(string Operation, JsonObject Body)> Calls { get; } = new();

    public int Logins => _logins;

    public async Task StartAsync() => await _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> LoginAsync(HttpRequest request, HttpResponse response)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        if (body["acctid"]?.GetValue<string>() != AcctId || body["username"]?.GetValue<string>() != User || body["password"]?.GetValue<string>() != Password)
        {
            return Results.Json(new JsonObject { ["Message"] = "用户名或密码错误！", ["MessageCode"] = "CheckPasswordPolicy", ["LoginResultType"] = -1, ["IsSuccessByAPI"] = false });
        }

        var session = Guid.NewGuid().ToString("N");
        _sessions[session] = true;
        Interlocked.Increment(ref _logins);
        response.Headers.Append("Set-Cookie", $"kdservice-sessionid={session}; path=/; HttpOnly");
        response.Headers.Append("Set-Cookie", "ASP.NET_SessionId=abc; path=/");
        return Results.Json(new JsonObject
        {
            ["Message"] = null, ["LoginResultType"] = 1, ["KDSVCSessionId"] = session, ["IsSuccessByAPI"] = true,
            ["Context"] = new JsonObject { ["UserName"] = User, ["DataCenterNumber"] = AcctId, ["SessionId"] = session },
        });
    }

    private async Task<IResult> CallAsync(string operation, HttpRequest request)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        var query = operation == "ExecuteBillQuery";
        if (!Authorised(request))
        {
            return Status(query, 1, "会话信息已丢失，请重新登录");
        }

        if (Faults.TryDequeue(out var fault))
        {
            switch (fault)
            {
                case "limit":
                    return Status(query, 14, "调用次数超过限制");
                case "500":
                    return Results.Text("Server Error", statusCode: 500);
                case "timeout":
                    await Task.Delay(TimeSpan.FromSeconds(5));
                    break;
                case "expire":
                    _sessions.Clear();
                    return Status(query, 1, "会话信息已丢失，请重新登录");
                case "garbage":
                    return Results.Text("<!DOCTYPE html><title>IIS 8.5 Detailed Error</title>", "text/html", statusCode: 200);
                case "save-then-500":
                    Handle(operation, body);
                    return Results.Text("Server Error", statusCode: 500);
            }
        }

        return Handle(operation, body);
    }

    private bool Authorised(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Kd-Appkey", out var appKey))
        {
            var ts = request.Headers["x-api-timestamp"].ToString();
            var appData = request.Headers["X-Kd-Appdata"].ToString();
            return appKey == AppId
                && request.Headers["X-Api-Signature"] == KingdeeSignature.ApiSignature(ClientSecret, request.Path.Value!, ts, request.Headers["x-api-nonce"].ToString())
                && request.Headers["X-Kd-Signature"] == KingdeeSignature.KdSignature(AppSecret, AppId, appData);
        }

        var cookie = request.Headers.Cookie.ToString().Split(';').Select(c => c.Trim()).FirstOrDefault(c => c.StartsWith("kdservice-sessionid=", StringComparison.Ordinal));
        return cookie is not null && _sessions.ContainsKey(cookie["kdservice-sessionid=".Length..]);
    }

    private IResult Handle(string operation, JsonObject body)
    {
        Calls.Enqueue((operation, body));
        return operation switch
        {
            "ExecuteBillQuery" => Query(body["data"]!),
            "Save" when body["data"]!["Model"]!["FID"] is JsonValue fid && fid.ToString() != "0" => Update(body["formid"]!.GetValue<string>(), fid.ToString(), body["data"]!.AsObject()),
            "Save" => Save(body["formid"]!.GetValue<string>(), body["data"]!["Model"]!.AsObject()),
            "Submit" => Move(body["data"]!["Numbers"]![0]!.GetValue<string>(), "A", "B"),
            "Audit" => Move(body["data"]!["Numbers"]![0]!.GetValue<string>(), "B", "C"),
            _ => Status(false, 5, $"unknown operation {operation}"),
        };
    }

    private IResult Query(JsonNode data)
    {
        var form = data["FormId"]!.GetValue<string>();
        if (!Forms.TryGetValue(form, out var rows))
        {
            return Status(true, 5, $"表单{form}不存在");
        }

        var keys = data["FieldKeys"]!.GetValue<string>().Split(',');
        var start = data["StartRow"]?.GetValue<int>() ?? 0;
        var limit = data["Limit"]?.GetValue<int>() ?? 2000;
        var filterText = data["FilterString"]?.GetValue<string>() ?? "";
        if (Filter(filterText) is not { } filter)
        {
            return Status(true, 8, $"FilterString not understood: {filterText}");
        }

        var order = (data["OrderString"]?.GetValue<string>() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.Split(' ')[0]).ToList();
        List<JsonObject> page;
        lock (rows)
        {
            // An entry's field (FSalOrderTrace_FCarryBillNo) gives one row per entry, as Kingdee's bill query does.
            var entryKey = keys.FirstOrDefault(k => k.Contains('_', StringComparison.Ordinal));
            IEnumerable<JsonObject> matching = rows.Where(filter);
            if (order.Count > 0)
            {
                matching = matching.OrderBy(r => r, Comparer<JsonObject>.Create((a, b) =>
                {
                    foreach (var key in order)
                    {
                        var c = CompareCells(a[key]?.ToString(), b[key]?.ToString());
                        if (c != 0)
                        {
                            return c;
                        }
                    }

                    return 0;
                }));
            }

            page = [.. matching
                .SelectMany(r => entryKey is null ? [r] : (r[entryKey.Split('_')[0]]?.AsArray() ?? []).Select(e =>
                {
                    var flat = (JsonObject)r.DeepClone();
                    flat[entryKey] = e![entryKey.Split('_')[1]]?.DeepClone();
                    return flat;
                }).DefaultIfEmpty(r))
                .Skip(start).Take(limit)];
        }

        return Results.Json(new JsonArray([.. page.Select(r => (JsonNode)new JsonArray([.. keys.Select(k => r[k]?.DeepClone())]))]));
    }

    private IResult Save(string form, JsonObject model)
    {
        var errors = new JsonArray();
        var customers = Forms["BD_Customer"];
        var materials = Forms["BD_MATERIAL"];
        var customer = model["FCustId"]?["FNumber"]?.GetValue<string>();
        lock (customers)
        {
            if (!customers.Any(c => c["FNumber"]?.GetValue<string>() == customer))
            {
                errors.Add(new JsonObject { ["FieldName"] = "FCustId", ["Message"] = $"字段“客户”的值 {customer} 不存在", ["DIndex"] = 0 });
            }
        }

        var entries = model["FSaleOrderEntry"]?.AsArray() ?? [];
        lock (materials)
        {
            foreach (var (entry, i) in entries.Select((e, i) => (e, i)))
            {
                var number = entry!["FMaterialId"]?["FNumber"]?.GetValue<string>();
                if (!materials.Any(m => m["FNumber"]?.GetValue<string>() == number))
                {
                    errors.Add(new JsonObject { ["FieldName"] = "FMaterialId", ["Message"] = $"物料 {number} 不存在", ["DIndex"] = i });
                }
            }
        }

        var billNo = model["FBillNo"]?.GetValue<string>();
        var orders = Forms[form];
        lock (orders)
        {
            if (orders.Any(o => o["FBillNo"]?.GetValue<string>() == billNo))
            {
                errors.Add(new JsonObject { ["FieldName"] = "FBillNo", ["Message"] = $"单据编号 {billNo} 已存在", ["DIndex"] = 0 });
            }

            if (errors.Count > 0)
            {
                return Results.Json(new JsonObject { ["Result"] = new JsonObject { ["ResponseStatus"] = new JsonObject { ["ErrorCode"] = 500, ["IsSuccess"] = false, ["MsgCode"] = 11, ["Errors"] = errors, ["SuccessEntitys"] = new JsonArray() }, ["Id"] = "", ["Number"] = "" } });
            }

            var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var row = (JsonObject)model.DeepClone();
            row["FID"] = id;
            row["FDocumentStatus"] = "A";
            orders.Add(row);
            return Results.Json(new JsonObject
            {
                ["Result"] = new JsonObject
                {
                    ["ResponseStatus"] = new JsonObject { ["IsSuccess"] = true, ["Errors"] = new JsonArray(), ["SuccessEntitys"] = new JsonArray(new JsonObject { ["Id"] = id, ["Number"] = billNo, ["DIndex"] = 0 }), ["MsgCode"] = 0 },
                    ["Id"] = id, ["Number"] = billNo, ["NeedReturnData"] = new JsonArray(new JsonObject { ["FBillNo"] = billNo }),
                },
            });
        }
    }

    /// <summary>A Save of an existing bill by FID: the NeedUpDateFields entries are appended (IsDeleteEntry false), nothing else changes.</summary>
    private IResult Update(string form, string fid, JsonObject data)
    {
        var orders = Forms[form];
        lock (orders)
        {
            var bill = orders.FirstOrDefault(o => o["FID"]?.ToString() == fid);
            if (bill is null)
            {
                return Status(false, 10, $"单据 FID {fid} 不存在");
            }

            var fields = data["NeedUpDateFields"]?.AsArray().Select(f => f!.GetValue<string>()).ToHashSet() ?? [];
            foreach (var (key, value) in data["Model"]!.AsObject())
            {
                if (key == "FID" || !fields.Contains(key))
                {
                    continue;
                }

                if (value is JsonArray entries && data["IsDeleteEntry"]?.GetValue<bool>() == false)
                {
                    var existing = bill[key] as JsonArray ?? [];
                    bill[key] = existing;
                    foreach (var entry in entries)
                    {
                        existing.Add(entry!.DeepClone());
                    }
                }
                else
                {
                    bill[key] = value?.DeepClone();
                }
            }

            return Results.Json(new JsonObject { ["Result"] = new JsonObject { ["ResponseStatus"] = new JsonObject { ["IsSuccess"] = true, ["Errors"] = new JsonArray(), ["SuccessEntitys"] = new JsonArray(new JsonObject { ["Id"] = fid, ["Number"] = bill["FBillNo"]!.DeepClone(), ["DIndex"] = 0 }) }, ["Id"] = fid, ["Number"] = bill["FBillNo"]!.DeepClone() } });
        }
    }

    private IResult Move(string number, string from, string to)
    {
        var orders = Forms["SAL_SaleOrder"];
        lock (orders)
        {
            var order = orders.FirstOrDefault(o => o["FBillNo"]?.GetValue<string>() == number);
            if (order is null)
            {
                return Status(false, 10, $"单据 {number} 不存在");
            }

            if (order["FDocumentStatus"]!.GetValue<string>() != from)
            {
                return Status(false, 12, $"单据 {number} 当前状态不允许此操作");
            }

            order["FDocumentStatus"] = to;
            return Results.Json(new JsonObject { ["Result"] = new JsonObject { ["ResponseStatus"] = new JsonObject { ["IsSuccess"] = true, ["Errors"] = new JsonArray(), ["SuccessEntitys"] = new JsonArray(new JsonObject { ["Id"] = order["FID"]!.DeepClone(), ["Number"] = number, ["DIndex"] = 0 }) } } });
        }
    }

    private static IResult Status(bool query, int msgCode, string message)
    {
        var result = new JsonObject
        {
            ["Result"] = new JsonObject
            {
                ["ResponseStatus"] = new JsonObject
                {
                    ["ErrorCode"] = 500, ["IsSuccess"] = false, ["MsgCode"] = msgCode,
                    ["Errors"] = new JsonArray(new JsonObject { ["FieldName"] = null, ["Message"] = message, ["DIndex"] = 0 }), ["SuccessEntitys"] = new JsonArray(),
                },
            },
        };
        return Results.Json(query ? new JsonArray(new JsonArray(result)) : result);
    }

    /// <summary>The filters the connector sends, as Kingdee's SQL would evaluate them (null: not one the fake knows).</summary>
    private static Func<JsonObject, bool>? Filter(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return _ => true;
        }

        if (FilterEquals().Match(text) is { Success: true } eq)
        {
            var value = Unquote(eq.Groups[2].Value);
            return r => r[eq.Groups[1].Value]?.ToString() == value;
        }

        if (KeysetAfter().Match(text) is { Success: true } after)
        {
            var (stamp, at, key, last) = (after.Groups[1].Value, Unquote(after.Groups[2].Value), after.Groups[3].Value, Unquote(after.Groups[4].Value));
            return r => r[stamp]?.ToString() is { } s && (string.CompareOrdinal(s, at) > 0 || (s == at && CompareCells(r[key]?.ToString(), last) > 0));
        }

        if (KeysetNullStamp().Match(text) is { Success: true } nulls)
        {
            var (stamp, key, last) = (nulls.Groups[1].Value, nulls.Groups[2].Value, Unquote(nulls.Groups[3].Value));
            return r => r[stamp]?.ToString() is not null || CompareCells(r[key]?.ToString(), last) > 0;
        }

        if (StampFrom().Match(text) is { Success: true } from)
        {
            var (stamp, at) = (from.Groups[1].Value, Unquote(from.Groups[2].Value));
            return r => r[stamp]?.ToString() is { } s && string.CompareOrdinal(s, at) >= 0;
        }

        return null;
    }

    private static string Unquote(string literal) =>
        literal.StartsWith('\'') ? literal[1..^1].Replace("''", "'", StringComparison.Ordinal) : literal;

    /// <summary>SQL's order: NULL first, numbers as numbers, text ordinally.</summary>
    private static int CompareCells(string? a, string? b) =>
        a is null ? (b is null ? 0 : -1) : b is null ? 1
        : decimal.TryParse(a, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var x)
          && decimal.TryParse(b, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var y) ? x.CompareTo(y)
        : string.CompareOrdinal(a, b);

    [GeneratedRegex(@"^\s*([\w.]+)\s*=\s*('(?:[^']|'')*')\s*$")]
    private static partial Regex FilterEquals();

    [GeneratedRegex(@"^(\w+)>('(?:[^']|'')*') OR \(\1=\2 AND (\w+)>('(?:[^']|'')*'|\d+)\)$")]
    private static partial Regex KeysetAfter();

    [GeneratedRegex(@"^\((\w+) IS NULL AND (\w+)>('(?:[^']|'')*'|\d+)\) OR \1 IS NOT NULL$")]
    private static partial Regex KeysetNullStamp();

    [GeneratedRegex(@"^(\w+)>=('(?:[^']|'')*')$")]
    private static partial Regex StampFrom();
}
