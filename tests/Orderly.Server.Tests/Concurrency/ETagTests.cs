using System.Text.Json.Nodes;

namespace Orderly.Server.Tests.Concurrency;

/// <summary>
/// R10: two edits made from the same read. The first wins with a new ETag; the second names a version that is
/// gone and gets 412 problem+json, and nothing it sent is saved. An edit that names no version gets 428.
/// </summary>
public abstract class ETagTests(OrderlyApp app)
{
    [Fact]
    public async Task Customer_SecondEditWithTheSameETag_Gets412_AndOverwritesNothing()
    {
        using var admin = await app.AdminAsync();
        var id = await new TestData(admin).CustomerAsync(name: "华东五金有限公司");
        await AssertLostUpdatePreventedAsync(admin, $"/api/customers/{id}",
            current => Body(current, ("name", "华东五金有限公司 (甲)"), ("creditLimit", 50_000m)),
            current => Body(current, ("name", "华东五金有限公司 (乙)"), ("creditLimit", 1m)),
            saved => (saved["name"].Str(), saved["creditLimit"].Dec().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Product_SecondEditWithTheSameETag_Gets412_AndOverwritesNothing()
    {
        using var admin = await app.AdminAsync();
        var id = await new TestData(admin).ProductAsync(listPrice: 100m);
        await AssertLostUpdatePreventedAsync(admin, $"/api/products/{id}",
            current => Body(current, ("name", "螺栓 M8 (甲)"), ("listPrice", 120m)),
            current => Body(current, ("name", "螺栓 M8 (乙)"), ("listPrice", 90m)),
            saved => (saved["name"].Str(), saved["listPrice"].Dec().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task DraftOrder_SecondEditWithTheSameETag_Gets412_AndOverwritesNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var id = (await data.OrderAsync(customer, (product, 3))).Id();
        await AssertLostUpdatePreventedAsync(admin, $"/api/orders/{id}",
            _ => new JsonObject { ["customerId"] = customer, ["customerPo"] = "PO-甲", ["lines"] = new JsonArray(new JsonObject { ["productId"] = product, ["quantity"] = 5 }) },
            _ => new JsonObject { ["customerId"] = customer, ["customerPo"] = "PO-乙", ["lines"] = new JsonArray(new JsonObject { ["productId"] = product, ["quantity"] = 9 }) },
            saved => (saved["customerPo"].Str(), saved["lines"]!.AsArray().Single()!["quantity"].Dec().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Many edits from one read at the same moment: exactly one is saved; the others get 412 or 409 and change nothing.</summary>
    [Fact]
    public async Task Customer_ParallelEditsFromOneRead_ExactlyOneIsSaved()
    {
        using var admin = await app.AdminAsync();
        var id = await new TestData(admin).CustomerAsync();
        var read = await admin.GetJsonAsync($"/api/customers/{id}");
        var current = read.Expect(HttpStatusCode.OK);
        var etag = ETagOf(read.Response);

        var clients = await Race.AdminClientsAsync(app, 12);
        Outcome[] outcomes;
        try
        {
            outcomes = await Race.RunAsync(clients.Length, i => clients[i].CallAsync($"edit {i}", HttpMethod.Put, $"/api/customers/{id}",
                Body(current, ("name", $"编辑者 {i}")).ToJsonString(), etag));
        }
        finally
        {
            Race.DisposeAll(clients);
        }

        var winners = outcomes.Where(o => o.Status == HttpStatusCode.OK).ToList();
        Assert.True(winners.Count == 1, $"{winners.Count} edits from one read were saved: {string.Join("; ", winners)}");
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.OK), o => Assert.True(
            o.Status is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict && o.IsProblem && o.Code is "StaleETag" or "ConcurrencyConflict", o.ToString()));
        var saved = (await admin.GetJsonAsync($"/api/customers/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(winners[0].Body!["name"].Str(), saved["name"].Str());
        Assert.Equal(current["version"]!.GetValue<int>() + 1, saved["version"]!.GetValue<int>());
    }

    /// <summary>Transitions honour If-Match too: a submit naming an old version is refused and the order stays a draft.</summary>
    [Fact]
    public async Task Submit_WithAStaleETag_Gets412_AndTheOrderStaysADraft()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var id = (await data.OrderAsync(customer, (product, 2))).Id();
        var read = await admin.GetJsonAsync($"/api/orders/{id}");
        var stale = ETagOf(read.Response);
        var edited = await admin.PutAsync($"/api/orders/{id}", new { customerId = customer, lines = new[] { new { productId = product, quantity = 4 } } }, stale);
        edited.Expect(HttpStatusCode.OK);

        var submit = await admin.CallAsync("submit", HttpMethod.Post, $"/api/orders/{id}/submit", null, stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, submit.Status);
        Assert.True(submit.IsProblem && submit.Code == "StaleETag", submit.ToString());
        var order = (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal("Draft", order["status"].Str());

        var fresh = await admin.CallAsync("submit", HttpMethod.Post, $"/api/orders/{id}/submit", null, ETagOf(edited.Response));
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
    }

    /// <summary>
    /// GET -> ETag; PUT with it -> 200 and a new ETag; PUT again with the old ETag -> 412 problem+json, the
    /// first edit stays; PUT without If-Match -> 428, nothing changes; the new ETag is what GET now shows.
    /// </summary>
    private static async Task AssertLostUpdatePreventedAsync(
        HttpClient admin, string url, Func<JsonNode, JsonNode> firstEdit, Func<JsonNode, JsonNode> secondEdit,
        Func<JsonNode, (string, string)> fingerprint)
    {
        var read = await admin.GetJsonAsync(url);
        var current = read.Expect(HttpStatusCode.OK);
        var etag = ETagOf(read.Response);

        var first = await admin.SendAsync(HttpMethod.Put, url, firstEdit(current).ToJsonString(), r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        var firstBody = first.Expect(HttpStatusCode.OK);
        var newETag = ETagOf(first.Response);
        Assert.NotEqual(etag, newETag);
        var afterFirst = fingerprint(firstBody);

        var second = await admin.SendAsync(HttpMethod.Put, url, secondEdit(current).ToJsonString(), r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        var problem = second.Expect(HttpStatusCode.PreconditionFailed);
        Assert.Equal("application/problem+json", second.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("StaleETag", problem["code"].Str());
        Assert.Equal(412, problem["status"]!.GetValue<int>());

        var missing = await admin.SendAsync(HttpMethod.Put, url, secondEdit(current).ToJsonString());
        var required = missing.Expect((HttpStatusCode)428);
        Assert.Equal("application/problem+json", missing.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("IfMatchRequired", required["code"].Str());

        var now = await admin.GetJsonAsync(url);
        Assert.Equal(afterFirst, fingerprint(now.Expect(HttpStatusCode.OK)));
        Assert.Equal(newETag, ETagOf(now.Response));
    }

    /// <summary>
    /// A full replacement body for PUT: the writable fields of the resource as read, some of them changed. Only
    /// fields the request records know are copied (unknown members are refused), so read-only ones stay out.
    /// </summary>
    private static JsonObject Body(JsonNode current, params (string Field, object Value)[] changes)
    {
        string[] writable = current["sku"] is not null
            ? ["sku", "name", "unit", "listPrice", "currency", "category", "minPrice", "cost", "isWholeUnit", "isActive", "allowBackorder"]
            : ["code", "name", "creditLimit", "currency", "paymentTermsDays", "region", "email", "phone", "address", "tier", "isActive", "isBlocked"];
        var body = new JsonObject();
        foreach (var field in writable)
        {
            if (current[field] is { } value)
            {
                body[field] = value.DeepClone();
            }
        }

        foreach (var (field, value) in changes)
        {
            body[field] = JsonValue.Create(value);
        }

        return body;
    }

    private static string ETagOf(HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} sent no ETag");
}

public sealed class ETagTests_Sqlite(SqliteApp app) : ETagTests(app), IClassFixture<SqliteApp>;

public sealed class ETagTests_Postgres(PostgresApp app) : ETagTests(app), IClassFixture<PostgresApp>;
