using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// QUALITY.md I1 over the whole API, driven by its own OpenAPI document: every write route gets a seeded corpus of
/// broken bodies built from its request schema (truncated, wrong types, 1e400, NaN, duplicate keys, invalid UTF-8,
/// deep nesting, huge strings, control characters, numbers and dates out of range, wrong content types, junk query
/// strings), and every read route junk query strings. No 5xx, every refusal is problem+json, and not one row is
/// written. A route added to the API is fuzzed without anyone touching this test.
/// </summary>
public abstract class OpenApiFuzzTests(OrderlyApp app, Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>The corpus is the same on every run; ORDERLY_FUZZ_SEED explores another one (failures name their seed).</summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("ORDERLY_FUZZ_SEED"), out var seed) ? seed : 20_261_204;
    private const int MalformedPerRoute = 85;
    private const int HostilePerKind = 6;

    /// <summary>Write routes whose every body, even <c>{}</c> or none, is a valid request that does real work.</summary>
    private static readonly Dictionary<string, string> NotFuzzed = new()
    {
        ["POST /api/auth/logout"] = "no body; ends the caller's cookie session",
        ["POST /api/inventory/alerts/evaluate"] = "no body; evaluates every stock alert",
        ["POST /api/inventory/policies/recompute"] = "an empty or absent body recomputes every policy",
        ["POST /api/notifications/read-all"] = "no body; marks the caller's own notifications read",
        ["POST /api/orders/{id}/status-link"] = "no body; every call makes a new public link to the order",
    };

    /// <summary>Routes that answer a well-formed request with 200 and a list of what is wrong with it, and write nothing.</summary>
    // The Kuaidi100 callback answers every push with HTTP 200 and its envelope ({"result":false,...} when refused), as the carrier requires.
    private static readonly HashSet<string> AnswersWithFindings = ["POST /api/orders/check", "POST /api/integrations/kuaidi100/callback"];

    [Fact]
    public async Task EveryWriteRoute_RefusesMalformedInput_WithProblemJson_AndWritesNothing()
    {
        using var admin = await app.AdminAsync();
        var (ids, routeIds) = await SeedAsync(admin);
        var document = JsonNode.Parse(await admin.GetStringAsync("/openapi/v1.json"))!;
        var random = new Random(Seed);
        var schemas = new SchemaBodies(document, ids);
        var plain = new List<(string Route, HttpRequestMessage Request, FuzzCase Case)>();
        var known = new List<(string Route, HttpRequestMessage Request, FuzzCase Case)>();
        var routes = 0;
        foreach (var (path, method, operation) in Operations(document).Where(o => o.Method != "get"))
        {
            var route = $"{method.ToUpperInvariant()} {path}";
            if (NotFuzzed.ContainsKey(route))
            {
                continue;
            }

            routes++;
            var url = Url(path, routeIds);
            var ifMatch = operation["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "If-Match") == true;
            foreach (var fuzz in Cases(operation, schemas, random, route))
            {
                var request = Request(method, url, fuzz, ifMatch);
                (KnownInputGaps.Covers(fuzz.Kind, route) ? known : plain).Add((route, request, fuzz));
            }
        }

        var before = await RowCountsAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var wrong = await SendAllAsync(admin, plain);
        output.WriteLine($"{plain.Count} requests on {routes} routes in {clock.Elapsed.TotalSeconds:0.0} s; per kind: {Timings}");
        var afterPlain = await RowCountsAsync();
        // One at a time: accepted known cases change stock, and what the next one meets must not depend on timing.
        var knownLog = new ConcurrentQueue<string>();
        var knownWrong = await SendAllAsync(admin, known, parallel: 1, log: knownLog);
        var afterKnown = await RowCountsAsync();
        foreach (var group in knownWrong.GroupBy(w => $"{w.Route} [{w.Case.Kind}] -> {w.Complaint.Split(' ')[0]}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"known gap: {group.Key} x{group.Count()}, e.g. {group.First().Case.Label}");
        }

        Assert.True(routes >= 30, $"only {routes} write routes fuzzed");
        Assert.True(plain.Count >= routes * 80, $"only {plain.Count} requests for {routes} routes");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {plain.Count} answers were wrong (seed {Seed}):\n" + string.Join("\n", wrong.Take(200)));
        Assert.True(Changed(before, afterPlain) is null, "Malformed requests wrote rows: " + Changed(before, afterPlain));
        if (KnownInputGaps.Cases.Length == 0)
        {
            Assert.True(Changed(afterPlain, afterKnown) is null, "Rows written: " + Changed(afterPlain, afterKnown));
        }

        AssertKnownGapsStillOpen(known.Select(k => (k.Route, k.Case)), knownWrong, "POST PUT PATCH DELETE", knownLog);
    }

    [Fact]
    public async Task EveryReadRoute_SurvivesJunkQueryStrings_WithProblemJson()
    {
        using var admin = await app.AdminAsync();
        var (_, routeIds) = await SeedAsync(admin);
        var document = JsonNode.Parse(await admin.GetStringAsync("/openapi/v1.json"))!;
        var requests = new List<(string Route, HttpRequestMessage Request, FuzzCase Case)>();
        foreach (var (path, _, operation) in Operations(document).Where(o => o.Method == "get"))
        {
            var route = $"GET {path}";
            var url = Url(path, routeIds);
            var declared = operation["parameters"]?.AsArray().Where(p => p!["in"]!.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
            var queries = HostileInputs.JunkQueries.Concat(declared.SelectMany(name => QueryValues.Select(v => $"?{name}={v}")));
            foreach (var query in queries)
            {
                var fuzz = new FuzzCase(HostileInputs.KindOfQuery(query), query.Length > 80 ? query[..80] + "..." : query, null, null, query);
                requests.Add((route, Request("get", url, fuzz, ifMatch: false), fuzz));
            }
        }

        var before = await RowCountsAsync();
        var wrong = await SendAllAsync(admin, requests, acceptSuccess: true);

        Assert.True(requests.Count >= 300, $"only {requests.Count} read requests");
        var open = wrong.Where(w => !KnownInputGaps.Covers(w.Case.Kind, w.Route)).ToList();
        Assert.True(open.Count == 0, $"{open.Count} of {requests.Count} answers were wrong:\n" + string.Join("\n", open.Take(200)));
        var after = await RowCountsAsync();
        Assert.True(Changed(before, after) is null, "Reads wrote rows: " + Changed(before, after));
        AssertKnownGapsStillOpen(requests.Select(r => (r.Route, r.Case)), wrong, "GET", []);
    }

    /// <summary>
    /// A known gap no case shows any more is closed: it must leave the list, so that the list only names open ones.
    /// A gap on every route (<c>*</c>) is about bodies, so the write test judges it.
    /// </summary>
    private static void AssertKnownGapsStillOpen(IEnumerable<(string Route, FuzzCase Case)> sent, List<Wrong> wrong, string methods, IEnumerable<string> answers)
    {
        var sentList = sent.ToList();
        var closed = KnownInputGaps.Cases
            .Where(g => methods.Split(' ').Contains(g.Route == "*" ? "POST" : g.Route.Split(' ')[0]))
            .Where(g => sentList.Any(s => KnownInputGaps.Matches(g, s.Case.Kind, s.Route)) && !wrong.Any(w => KnownInputGaps.Matches(g, w.Case.Kind, w.Route)))
            .ToList();
        Assert.True(closed.Count == 0, "Known input gaps that no case shows any more; remove them from KnownInputGaps:\n"
            + string.Join("\n", closed.Select(c => $"{c.Kind} on {c.Route}:\n  " + string.Join("\n  ", answers.Where(a => a.StartsWith(c.Route, StringComparison.Ordinal) && a.Contains($"[{c.Kind}:", StringComparison.Ordinal))))));
    }

    /// <summary>Values each declared query parameter gets, one at a time: wrong types, extremes, encodings.</summary>
    private static readonly string[] QueryValues =
    [
        "abc", "1e400", "NaN", "-1", "0", "2147483648", "99999999999999999999", "0001-01-01", "9999-12-31", "2026-02-30", "9999-12-31T23:59:59-14:00",
        "%00", "%FF", "%C0%AF", "%1B%5B31m", "true", "00000000-0000-0000-0000-000000000000", "not-a-guid", "%27%20OR%201%3D1--", new string('9', 400),
    ];

    private static IEnumerable<FuzzCase> Cases(JsonNode operation, SchemaBodies schemas, Random random, string route)
    {
        var content = operation["requestBody"]?["content"]?["application/json"]?["schema"];
        if (content is null)
        {
            // No body: the route itself is what a client can break.
            foreach (var query in HostileInputs.JunkQueries)
            {
                yield return new FuzzCase(HostileInputs.KindOfQuery(query), query.Length > 60 ? query[..60] + "..." : query, null, null, query);
            }

            yield break;
        }

        var optional = operation["requestBody"]!["required"]?.GetValue<bool>() != true;
        var fields = schemas.Fields(content);
        JsonObject Valid() => schemas.Body(content);
        foreach (var body in new MalformedBodies(random, Valid, fields).Generate(MalformedPerRoute))
        {
            // Without a body (or with null) an optional-body route is called correctly, e.g. approve without a reason.
            if (optional && Encoding.UTF8.GetString(body.Bytes).Trim() is "" or "null" or "{}")
            {
                continue;
            }

            yield return new FuzzCase(Kind(body.Label), body.Label, body.Bytes);
        }

        foreach (var hostile in new HostileInputs(random, Valid, fields).Generate(HostilePerKind))
        {
            yield return hostile;
        }
    }

    private static readonly string[] MalformedKinds =
    [
        "shape", "array of the valid body", "BOM then truncated", "nesting", "null for required", "required", "truncated", "wrong type",
        "number literal", "duplicate key", "unknown member", "invalid UTF-8", "huge string",
    ];

    /// <summary>The kind of breakage MalformedBodies made, from the start of its label.</summary>
    private static string Kind(string label) =>
        MalformedKinds.FirstOrDefault(k => label.StartsWith(k, StringComparison.Ordinal)) ?? label;

    private static HttpRequestMessage Request(string method, string url, FuzzCase fuzz, bool ifMatch)
    {
        var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url + fuzz.Query);
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzz.Body);
            if (fuzz.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
            }
        }

        if (ifMatch)
        {
            // A stale version: a body that gets through parsing and the rules is refused with 412, never saved.
            request.Headers.TryAddWithoutValidation("If-Match", "\"987654\"");
        }

        return request;
    }

    /// <summary>Time spent per kind of case in the last batch (summed over parallel requests), for the test output.</summary>
    private string Timings { get; set; } = "";

    private async Task<List<Wrong>> SendAllAsync(HttpClient client, List<(string Route, HttpRequestMessage Request, FuzzCase Case)> requests, bool acceptSuccess = false, int parallel = 4, ConcurrentQueue<string>? log = null)
    {
        var wrong = new ConcurrentBag<Wrong>();
        var spent = new ConcurrentDictionary<string, long>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (item, ct) =>
        {
            using var request = item.Request;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            spent.AddOrUpdate(item.Case.Kind, _ => System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks, (_, t) => t + System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
            log?.Enqueue($"{item.Route} [{item.Case}] -> {(int)response.StatusCode} {(text.Length > 200 ? text[..200] : text)}");
            if (Complaint(response, text, acceptSuccess || AnswersWithFindings.Contains(item.Route)) is { } complaint)
            {
                wrong.Add(new Wrong(item.Route, item.Case, complaint));
            }
        });
        Timings = string.Join(", ", spent.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {TimeSpan.FromTicks(p.Value).TotalSeconds:0.0} s"));
        return [.. wrong.OrderBy(w => w.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>Null when the answer is a proper refusal (or, for reads, any success); otherwise what is wrong with it.</summary>
    private static string? Complaint(HttpResponseMessage response, string text, bool acceptSuccess)
    {
        var status = (int)response.StatusCode;
        var shown = text.Length > 300 ? text[..300] + "..." : text;
        if (status < 400)
        {
            return acceptSuccess && status < 300 ? null : $"{status}: accepted {shown}";
        }

        if (status >= 500)
        {
            return $"{status} {shown}";
        }

        if (response.Content.Headers.ContentType?.MediaType != Problems.MediaType)
        {
            return $"{status} with content type {response.Content.Headers.ContentType?.ToString() ?? "(none)"} {shown}";
        }

        try
        {
            var problem = JsonNode.Parse(text);
            return string.IsNullOrWhiteSpace(problem?["title"]?.GetValue<string>()) || problem?["status"]?.GetValue<int>() != status
                ? $"{status} problem without a title or with another status: {shown}"
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return $"{status} with an unparsable problem body {shown}";
        }
    }

    /// <summary>
    /// Master data the bodies refer to, so they get past "unknown id" checks; and the ids routes are called with:
    /// a cancelled order (every transition is illegal), records updated only with a stale If-Match, otherwise a
    /// random id (404 once the body is read).
    /// </summary>
    private static async Task<(Dictionary<string, Guid> Ids, Dictionary<string, Guid> RouteIds)> SeedAsync(HttpClient admin)
    {
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var other = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync(creditLimit: 1_000_000m);
        await data.ReceiveAsync(warehouse, product, 100);
        var order = await data.OrderAsync(customer, (product, 2));
        var cancelled = (await admin.PostAsync($"/api/orders/{order.Id()}/cancel", new { reason = "fuzz" })).Expect(HttpStatusCode.OK);
        var supplier = (await admin.PostAsync("/api/suppliers", new { code = TestData.Unique("SUP"), name = "供应商", leadTimeDays = 5 }))
            .Expect(HttpStatusCode.Created).Id();
        var ids = new Dictionary<string, Guid>
        {
            ["customerId"] = customer, ["productId"] = product, ["warehouseId"] = warehouse, ["fromWarehouseId"] = warehouse,
            ["toWarehouseId"] = other, ["supplierId"] = supplier, ["lineId"] = cancelled["lines"]![0]!.Id(),
        };
        var routeIds = new Dictionary<string, Guid>
        {
            ["/api/orders/"] = order.Id(), ["/api/customers/"] = customer, ["/api/products/"] = product, ["/api/suppliers/"] = supplier,
            ["productId"] = product, ["warehouseId"] = warehouse,
        };
        return (ids, routeIds);
    }

    /// <summary>Route parameters by name (productId, warehouseId), an {id} by the route's prefix, else a random id.</summary>
    private static string Url(string path, Dictionary<string, Guid> routeIds) =>
        System.Text.RegularExpressions.Regex.Replace(path, @"\{(\w+)\}", m =>
        {
            var name = m.Groups[1].Value;
            if (routeIds.TryGetValue(name, out var id))
            {
                return id.ToString();
            }

            var byPrefix = routeIds.Where(r => name == "id" && path.StartsWith(r.Key, StringComparison.Ordinal)).Select(r => (Guid?)r.Value).FirstOrDefault();
            return (byPrefix ?? Guid.NewGuid()).ToString();
        });

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => (p.Key, o.Key, o.Value!)));

    /// <summary>Rows per table of the whole model: a refused request must not leave one behind anywhere.</summary>
    private Task<List<(string Table, long Rows)>> RowCountsAsync() => app.WithDbAsync(async db =>
    {
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        var counts = new List<(string, long)>();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts.Add((table, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return counts;
    });

    private static string? Changed(List<(string Table, long Rows)> before, List<(string Table, long Rows)> after)
    {
        var changes = before.Zip(after).Where(p => p.First.Rows != p.Second.Rows).Select(p => $"{p.First.Table} {p.First.Rows} -> {p.Second.Rows}").ToList();
        return changes.Count == 0 ? null : string.Join(", ", changes);
    }
}

/// <summary>An answer that is not a proper refusal.</summary>
internal sealed record Wrong(string Route, FuzzCase Case, string Complaint)
{
    public override string ToString() => $"{Route} [{Case}] -> {Complaint}";
}

public sealed class OpenApiFuzzTests_Sqlite(QuietSqliteApp app, Xunit.Abstractions.ITestOutputHelper output)
    : OpenApiFuzzTests(app, output), IClassFixture<QuietSqliteApp>;

public sealed class OpenApiFuzzTests_Postgres(QuietPostgresApp app, Xunit.Abstractions.ITestOutputHelper output)
    : OpenApiFuzzTests(app, output), IClassFixture<QuietPostgresApp>;
