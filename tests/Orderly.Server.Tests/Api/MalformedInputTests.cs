using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// QUALITY.md I1 at small scale: a seeded corpus of broken bodies against the main write endpoints. Not one 5xx,
/// every refusal is problem+json with a title and a detail, and not one row is written.
/// </summary>
public abstract class MalformedInputTests(OrderlyApp app)
{
    private const int Seed = 20_260_101;
    private const int BodiesPerEndpoint = 75;

    private static readonly BodyField[] CustomerFields =
    [
        new("code", FieldKind.Text, Required: true), new("name", FieldKind.Text, Required: true), new("creditLimit", FieldKind.Number),
        new("currency", FieldKind.Text), new("paymentTermsDays", FieldKind.WholeNumber), new("region", FieldKind.Text),
        new("email", FieldKind.Text), new("phone", FieldKind.Text), new("ownerUserId", FieldKind.Id), new("tier", FieldKind.Text),
        new("isBlocked", FieldKind.Bool), new("contacts", FieldKind.Array), new("contacts.0.name", FieldKind.Text, Required: true),
        new("contacts.0.isPrimary", FieldKind.Bool),
    ];

    private static readonly BodyField[] ProductFields =
    [
        new("sku", FieldKind.Text, Required: true), new("name", FieldKind.Text, Required: true), new("unit", FieldKind.Text, Required: true),
        new("listPrice", FieldKind.Number, Required: true), new("minPrice", FieldKind.Number), new("cost", FieldKind.Number),
        new("currency", FieldKind.Text), new("category", FieldKind.Text), new("isWholeUnit", FieldKind.Bool), new("isActive", FieldKind.Bool),
    ];

    private static readonly BodyField[] OrderFields =
    [
        new("customerId", FieldKind.Id, Required: true), new("lines", FieldKind.Array, Required: true), new("currency", FieldKind.Text),
        new("requestedDeliveryDate", FieldKind.Date), new("customerPo", FieldKind.Text), new("lines.0.productId", FieldKind.Id, Required: true),
        new("lines.0.quantity", FieldKind.Number, Required: true), new("lines.0.unitPrice", FieldKind.Number), new("lines.0.discountPercent", FieldKind.Number),
    ];

    [Fact]
    public async Task MalformedBodies_NeverAnswer5xx_AreProblemJson_AndWriteNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m, minPrice: 80m);
        var customerId = await data.CustomerAsync(creditLimit: 1_000_000m);
        var read = await admin.GetJsonAsync($"/api/customers/{customerId}");
        var existing = read.Expect(HttpStatusCode.OK);
        var etag = read.Response.Headers.ETag!.ToString();
        var random = new Random(Seed);
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3));

        var targets = new (string Method, string Url, List<MalformedBody> Bodies)[]
        {
            ("POST", "/api/customers", new MalformedBodies(random, NewCustomer, CustomerFields).Generate(BodiesPerEndpoint)
                .Concat(CustomerRuleBreaks(NewCustomer)).ToList()),
            ("PUT", $"/api/customers/{customerId}", new MalformedBodies(random, () => ExistingCustomer(existing), CustomerFields).Generate(BodiesPerEndpoint)
                .Concat(CustomerRuleBreaks(() => ExistingCustomer(existing))).ToList()),
            ("POST", "/api/products", new MalformedBodies(random, NewProduct, ProductFields).Generate(BodiesPerEndpoint)
                .Concat(ProductRuleBreaks()).ToList()),
            ("POST", "/api/orders", new MalformedBodies(random, () => NewOrder(customerId, product, tomorrow), OrderFields).Generate(BodiesPerEndpoint)
                .Concat(OrderRuleBreaks(customerId, product, tomorrow)).ToList()),
        };
        var before = await CountsAsync();

        var wrong = new List<string>();
        var sent = 0;
        foreach (var (method, url, bodies) in targets)
        {
            foreach (var body in bodies)
            {
                sent++;
                using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new ByteArrayContent(body.Bytes) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (method == "PUT")
                {
                    request.Headers.TryAddWithoutValidation("If-Match", etag);
                }

                using var response = await admin.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (Problem(response, text) is { } complaint)
                {
                    wrong.Add($"{method} {url} [{body.Label}] -> {complaint}");
                }
            }
        }

        Assert.True(sent >= 300, $"only {sent} bodies sent");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {sent} answers were wrong:\n" + string.Join("\n", wrong));
        Assert.Equal(before, await CountsAsync());
        var after = (await admin.GetJsonAsync($"/api/customers/{customerId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(existing["version"]!.GetValue<int>(), after["version"]!.GetValue<int>());
        Assert.Equal(existing["name"].Str(), after["name"].Str());
    }

    [Fact]
    public async Task NullElementsInArrays_Answer400_Not500()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var before = await CountsAsync();

        var requests = new (string Url, string Body)[]
        {
            ("/api/customers", $$"""{"code":"{{TestData.Unique("C")}}","name":"空联系人","contacts":[null]}"""),
            ("/api/orders", $$"""{"customerId":"{{Guid.NewGuid()}}","lines":[null]}"""),
            ("/api/orders/check", $$"""{"customerId":"{{Guid.NewGuid()}}","lines":[null]}"""),
            ("/api/inventory/receipts", $$"""{"warehouseId":"{{warehouse}}","lines":[null]}"""),
        };
        var wrong = new List<string>();
        foreach (var (url, body) in requests)
        {
            var response = await admin.PostAsync(url, body);
            if (response.Status != HttpStatusCode.BadRequest || response.Response.Content.Headers.ContentType?.MediaType != Problems.MediaType)
            {
                wrong.Add($"POST {url} {body} -> {(int)response.Status}");
            }
        }

        Assert.True(wrong.Count == 0, "A null array element is not answered 400 problem+json:\n" + string.Join("\n", wrong));
        Assert.Equal(before, await CountsAsync());
    }

    private static JsonObject NewCustomer() => new()
    {
        ["code"] = TestData.Unique("MAL"), ["name"] = "上海华联贸易有限公司", ["creditLimit"] = 5000m, ["currency"] = "CNY", ["paymentTermsDays"] = 30,
        ["region"] = "East", ["email"] = "buyer@example.cn", ["phone"] = "+86 21 5555 0000", ["ownerUserId"] = null, ["tier"] = "Gold",
        ["isBlocked"] = false, ["contacts"] = new JsonArray(new JsonObject { ["name"] = "张伟", ["isPrimary"] = true }),
    };

    private static JsonObject ExistingCustomer(JsonNode existing)
    {
        var body = NewCustomer();
        body["code"] = existing["code"].Str();
        return body;
    }

    private static JsonObject NewProduct() => new()
    {
        ["sku"] = TestData.Unique("MAL"), ["name"] = "螺丝刀 Screwdriver", ["unit"] = "pcs", ["listPrice"] = 12.5m, ["minPrice"] = 10m, ["cost"] = 5m,
        ["currency"] = "CNY", ["category"] = "五金", ["isWholeUnit"] = true, ["isActive"] = true,
    };

    private static JsonObject NewOrder(Guid customerId, Guid productId, DateOnly deliveryDate) => new()
    {
        ["customerId"] = customerId, ["currency"] = "CNY", ["requestedDeliveryDate"] = deliveryDate.ToString("yyyy-MM-dd"),
        ["customerPo"] = TestData.Unique("PO"),
        ["lines"] = new JsonArray(new JsonObject { ["productId"] = productId, ["quantity"] = 2, ["unitPrice"] = 100m, ["discountPercent"] = 5m }),
    };

    /// <summary>Well-formed JSON that breaks a business rule: 422 (or 409), still nothing written.</summary>
    private static IEnumerable<MalformedBody> CustomerRuleBreaks(Func<JsonObject> valid)
    {
        var cases = new (string Label, Action<JsonObject> Break)[]
        {
            ("negative credit limit", b => b["creditLimit"] = -1m),
            ("credit limit with fen fractions", b => b["creditLimit"] = 0.001m),
            ("credit limit 1e13", b => b["creditLimit"] = 10_000_000_000_000m),
            ("payment terms -1", b => b["paymentTermsDays"] = -1),
            ("payment terms 366", b => b["paymentTermsDays"] = 366),
            ("unknown currency", b => b["currency"] = "XXX"),
            ("lower-case currency", b => b["currency"] = "cny"),
            ("e-mail without @", b => b["email"] = "no-at-sign"),
            ("unknown tier", b => b["tier"] = "Platinum"),
            ("tier as a number", b => b["tier"] = 2),
            ("blank name", b => b["name"] = "   "),
            ("empty code", b => b["code"] = ""),
            ("code of 33 characters", b => b["code"] = new string('C', 33)),
            ("name of 201 Chinese characters", b => b["name"] = new string('华', 201)),
            ("contact without a name", b => b["contacts"] = new JsonArray(new JsonObject { ["title"] = "经理" })),
            ("contact with a blank name", b => b["contacts"] = new JsonArray(new JsonObject { ["name"] = " " })),
            ("51 contacts", b => b["contacts"] = new JsonArray([.. Enumerable.Range(0, 51).Select(i => (JsonNode)new JsonObject { ["name"] = $"联系人{i}" })])),
            ("contacts as an object", b => b["contacts"] = new JsonObject { ["name"] = "张伟" }),
            ("a null contact", b => b["contacts"] = new JsonArray((JsonNode?)null)),
        };
        return cases.Select(c =>
        {
            var body = valid();
            c.Break(body);
            return new MalformedBody("rule: " + c.Label, Encoding.UTF8.GetBytes(body.ToJsonString()));
        });
    }

    private static IEnumerable<MalformedBody> ProductRuleBreaks()
    {
        var cases = new (string Label, Action<JsonObject> Break)[]
        {
            ("negative list price", b => b["listPrice"] = -0.01m),
            ("list price with a third decimal", b => b["listPrice"] = 12.345m),
            ("list price 1e13", b => b["listPrice"] = 10_000_000_000_000m),
            ("list price at decimal's maximum", b => b["listPrice"] = decimal.MaxValue),
            ("min price above list price", b => b["minPrice"] = 20m),
            ("negative cost", b => b["cost"] = -1m),
            ("unknown currency", b => b["currency"] = "ABC"),
            ("empty unit", b => b["unit"] = ""),
            ("unit of 17 characters", b => b["unit"] = new string('u', 17)),
            ("blank SKU", b => b["sku"] = " "),
            ("SKU of 65 characters", b => b["sku"] = new string('S', 65)),
            ("category of 101 characters", b => b["category"] = new string('类', 101)),
            ("name of 201 characters", b => b["name"] = new string('n', 201)),
        };
        return cases.Select(c =>
        {
            var body = NewProduct();
            c.Break(body);
            return new MalformedBody("rule: " + c.Label, Encoding.UTF8.GetBytes(body.ToJsonString()));
        });
    }

    private static IEnumerable<MalformedBody> OrderRuleBreaks(Guid customerId, Guid productId, DateOnly deliveryDate)
    {
        JsonObject Line(decimal quantity, decimal? unitPrice = null) => new() { ["productId"] = productId, ["quantity"] = quantity, ["unitPrice"] = unitPrice };
        var cases = new (string Label, Action<JsonObject> Break)[]
        {
            ("quantity -1", b => b["lines"]![0]!["quantity"] = -1m),
            ("quantity 0", b => b["lines"]![0]!["quantity"] = 0m),
            ("quantity -0.5", b => b["lines"]![0]!["quantity"] = -0.5m),
            ("fractional quantity of a whole-piece product", b => b["lines"]![0]!["quantity"] = 1.5m),
            ("quantity with four decimals", b => b["lines"]![0]!["quantity"] = 1.0001m),
            ("quantity at decimal's maximum", b => b["lines"]![0]!["quantity"] = decimal.MaxValue),
            ("two lines at decimal's maximum", b => b["lines"] = new JsonArray(Line(decimal.MaxValue), Line(decimal.MaxValue))),
            ("total beyond what can be stored (1e9 x 1e12)", b => b["lines"] = new JsonArray(Line(1_000_000_000m, 1_000_000_000_000m))),
            ("discount 100%", b => b["lines"]![0]!["discountPercent"] = 100m),
            ("discount -1%", b => b["lines"]![0]!["discountPercent"] = -1m),
            ("negative unit price", b => b["lines"]![0]!["unitPrice"] = -1m),
            ("unit price with a third decimal", b => b["lines"]![0]!["unitPrice"] = 99.999m),
            ("unit price below the minimum", b => b["lines"]![0]!["unitPrice"] = 1m),
            ("delivery date in the past", b => b["requestedDeliveryDate"] = "2000-01-01"),
            ("unknown currency", b => b["currency"] = "XXX"),
            ("another currency than the customer's", b => b["currency"] = "USD"),
            ("unknown customer", b => b["customerId"] = Guid.NewGuid()),
            ("empty customer id", b => b["customerId"] = Guid.Empty),
            ("unknown product", b => b["lines"]![0]!["productId"] = Guid.NewGuid()),
            ("no lines", b => b["lines"] = new JsonArray()),
            ("a null line", b => b["lines"] = new JsonArray((JsonNode?)null)),
            ("customer PO of 65 characters", b => b["customerPo"] = new string('P', 65)),
        };
        return cases.Select(c =>
        {
            var body = NewOrder(customerId, productId, deliveryDate);
            c.Break(body);
            return new MalformedBody("rule: " + c.Label, Encoding.UTF8.GetBytes(body.ToJsonString()));
        });
    }

    /// <summary>Null when the answer is a proper refusal; otherwise what is wrong with it.</summary>
    private static string? Problem(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        var shown = text.Length > 400 ? text[..400] + "..." : text;
        if (status is < 400 or >= 500)
        {
            return $"{status} {shown}";
        }

        if (response.Content.Headers.ContentType?.MediaType != Problems.MediaType)
        {
            return $"{status} with content type {response.Content.Headers.ContentType} {shown}";
        }

        JsonNode? problem;
        try
        {
            problem = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return $"{status} with an unparsable problem body {shown}";
        }

        if (string.IsNullOrWhiteSpace(problem?["title"]?.GetValue<string>()) || string.IsNullOrWhiteSpace(problem?["detail"]?.GetValue<string>()))
        {
            return $"{status} without a title or a detail {shown}";
        }

        return problem?["status"]?.GetValue<int>() == status ? null : $"{status} but the problem says status {problem?["status"]}";
    }

    private Task<(int Customers, int Products, int Orders, int Lines)> CountsAsync() =>
        app.WithDbAsync(async db => (await db.Customers.CountAsync(), await db.Products.CountAsync(), await db.SalesOrders.CountAsync(), await db.OrderLines.CountAsync()));
}

public sealed class MalformedInputTests_Sqlite(SqliteApp app) : MalformedInputTests(app), IClassFixture<SqliteApp>;

public sealed class MalformedInputTests_Postgres(PostgresApp app) : MalformedInputTests(app), IClassFixture<PostgresApp>;
