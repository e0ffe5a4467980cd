using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// QUALITY.md I5: names in any script travel through API and database byte for byte once in NFC; limits count
/// characters (not bytes or UTF-16 units); too long is a 4xx naming the field and writes nothing.
/// </summary>
public abstract class UnicodeTests(OrderlyApp app)
{
    public static TheoryData<string> Names =>
    [
        "张伟",
        "上海华联贸易有限公司",
        "Jose\u0301 Garci\u0301a Caf\u00e9",
        "Ame\u0301lie e\u0301cole",
        "q\u0307\u0323 ḍ\u0307",
        "王芳 😀👍🏽🇨🇳👨‍👩‍👧",
        "شركة التجارة الدولية",
        "חברת הסחר בע\"מ",
        "Müller & Söhne (München) 株式会社",
        "混合 mixed العربية עברית 123",
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task CustomerAndContactNames_RoundTripAsNfc(string name)
    {
        using var admin = await app.AdminAsync();
        var expected = name.Normalize(NormalizationForm.FormC);
        var created = (await admin.PostAsync("/api/customers", new
        {
            code = TestData.Unique("U"), name, region = name, address = name,
            contacts = new[] { new { name, title = name, isPrimary = true } },
        })).Expect(HttpStatusCode.Created);
        AssertSameText(expected, created["name"].Str());

        var read = (await admin.GetJsonAsync($"/api/customers/{created.Id()}")).Expect(HttpStatusCode.OK);
        AssertSameText(expected, read["name"].Str());
        AssertSameText(expected, read["region"].Str());
        AssertSameText(expected, read["address"].Str());
        AssertSameText(expected, read["contacts"]![0]!["name"].Str());
        AssertSameText(expected, read["contacts"]![0]!["title"].Str());
        var stored = await app.WithDbAsync(db => db.Customers.Where(c => c.Id == created.Id()).Select(c => c.Name).SingleAsync());
        AssertSameText(expected, stored);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task ProductNamesAndCustomerPo_RoundTripAsNfc_IntoTheOrder(string name)
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var expected = name.Normalize(NormalizationForm.FormC);
        var product = (await admin.PostAsync("/api/products", new { sku = TestData.Unique("U"), name, unit = "件", listPrice = 10m, category = name }))
            .Expect(HttpStatusCode.Created);
        AssertSameText(expected, product["name"].Str());
        var read = (await admin.GetJsonAsync($"/api/products/{product.Id()}")).Expect(HttpStatusCode.OK);
        AssertSameText(expected, read["name"].Str());
        AssertSameText(expected, read["category"].Str());
        AssertSameText("件", read["unit"].Str());

        var customer = await data.CustomerAsync();
        var po = "PO-" + name[..Math.Min(name.Length, 40)];
        var order = (await admin.PostAsync("/api/orders", new { customerId = customer, customerPo = po, lines = new[] { new { productId = product.Id(), quantity = 1 } } }))
            .Expect(HttpStatusCode.Created);
        var got = (await admin.GetJsonAsync($"/api/orders/{order.Id()}")).Expect(HttpStatusCode.OK);
        AssertSameText(po.Normalize(NormalizationForm.FormC), got["customerPo"].Str());
        AssertSameText(expected, got["lines"]![0]!["productName"].Str());
    }

    [Fact]
    public async Task NfdAndNfcSpellings_AreOneSku_AndOneCustomerPo()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var suffix = TestData.Unique("");
        (await admin.PostAsync("/api/products", new { sku = "CAFE\u0301" + suffix, name = "咖啡", unit = "kg", listPrice = 1m })).Expect(HttpStatusCode.Created);
        var duplicate = (await admin.PostAsync("/api/products", new { sku = "CAF\u00c9" + suffix, name = "咖啡", unit = "kg", listPrice = 1m }))
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("DuplicateSku", duplicate["code"].Str());

        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        (await admin.PostAsync("/api/orders", new { customerId = customer, customerPo = "订单-e\u0301", lines = new[] { new { productId = product, quantity = 1 } } }))
            .Expect(HttpStatusCode.Created);
        (await admin.PostAsync("/api/orders", new { customerId = customer, customerPo = "订单-\u00e9", lines = new[] { new { productId = product, quantity = 2 } } }))
            .ExpectViolations(("customerPo", "DuplicateCustomerPo"));
    }

    [Fact]
    public async Task Search_WithNfdQuery_FindsNfcStoredNames()
    {
        using var admin = await app.AdminAsync();
        var token = TestData.Unique("q").ToLowerInvariant();
        var nfd = $"cafe\u0301 {token}";
        var productId = (await admin.PostAsync("/api/products", new { sku = TestData.Unique("S"), name = nfd, unit = "kg", listPrice = 1m })).Expect(HttpStatusCode.Created).Id();
        var customerId = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = nfd })).Expect(HttpStatusCode.Created).Id();

        var missed = new List<string>();
        foreach (var (form, query) in new[] { ("NFC", "caf\u00e9"), ("NFD", "cafe\u0301") })
        {
            var q = Uri.EscapeDataString($"{query} {token}");
            var products = (await admin.GetJsonAsync($"/api/products?q={q}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
            if (!products.Select(p => p!.Id()).Contains(productId))
            {
                missed.Add($"GET /api/products?q=<{form}> does not find the product");
            }

            var customers = (await admin.GetJsonAsync($"/api/customers?q={q}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
            if (!customers.Select(c => c!.Id()).Contains(customerId))
            {
                missed.Add($"GET /api/customers?q=<{form}> does not find the customer");
            }
        }

        Assert.True(missed.Count == 0, string.Join("; ", missed));
    }

    [Fact]
    public async Task CustomerName_Of200Characters_IsAccepted_CountingCharactersNotUnits()
    {
        using var admin = await app.AdminAsync();
        var names = new[]
        {
            new string('华', 200),
            string.Concat(Enumerable.Repeat("😀", 200)),
            string.Concat(Enumerable.Repeat("e\u0301", 200)),
        };
        foreach (var name in names)
        {
            var created = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("L"), name })).Expect(HttpStatusCode.Created);
            AssertSameText(name.Normalize(NormalizationForm.FormC), (await admin.GetJsonAsync($"/api/customers/{created.Id()}")).Expect(HttpStatusCode.OK)["name"].Str());
        }
    }

    [Fact]
    public async Task CustomerName_Of200MultiCodePointCharacters_IsAcceptedOrRefused_NeverA500()
    {
        using var admin = await app.AdminAsync();
        var before = await app.WithDbAsync(db => db.Customers.CountAsync());
        var name = string.Concat(Enumerable.Repeat("🇨🇳", 200));

        var created = await admin.PostAsync("/api/customers", new { code = TestData.Unique("F"), name });

        Assert.True(created.Status is HttpStatusCode.Created or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
            $"200 flag emoji (200 characters, 400 code points) got {(int)created.Status}: {created.Body?.ToJsonString()}");
        if (created.Status == HttpStatusCode.Created)
        {
            AssertSameText(name, (await admin.GetJsonAsync($"/api/customers/{created.Body!.Id()}")).Expect(HttpStatusCode.OK)["name"].Str());
        }
        else
        {
            Assert.Contains("name", created.Body!.Violations().Select(v => v.Field));
            Assert.Equal(before, await app.WithDbAsync(db => db.Customers.CountAsync()));
        }
    }

    [Fact]
    public async Task OverLongFields_AreRefusedNamingTheField_AndWriteNothing()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var before = await CountsAsync();

        AssertTooLong(await admin.PostAsync("/api/customers", new { code = TestData.Unique("L"), name = new string('华', 201) }), "name");
        AssertTooLong(await admin.PostAsync("/api/customers", new { code = TestData.Unique("L"), name = string.Concat(Enumerable.Repeat("😀", 201)) }), "name");
        AssertTooLong(await admin.PostAsync("/api/customers", new { code = TestData.Unique("L"), name = "张伟", contacts = new[] { new { name = new string('伟', 101) } } }), "contacts[0].name");
        AssertTooLong(await admin.PostAsync("/api/products", new { sku = TestData.Unique("L"), name = new string('品', 201), unit = "pcs", listPrice = 1m }), "name");
        AssertTooLong(await admin.PostAsync("/api/orders", new { customerId = customer, customerPo = new string('单', 65), lines = new[] { new { productId = product, quantity = 1 } } }), "customerPo");

        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task OverLongName_OnUpdate_IsRefused_AndTheCustomerKeepsItsName()
    {
        using var admin = await app.AdminAsync();
        var code = TestData.Unique("L");
        var created = await admin.PostAsync("/api/customers", new { code, name = "上海华联贸易有限公司" });
        var id = created.Expect(HttpStatusCode.Created).Id();
        var etag = created.Response.Headers.ETag!.ToString();

        AssertTooLong(await admin.PutAsync($"/api/customers/{id}", new { code, name = new string('华', 201) }, etag), "name");

        var read = (await admin.GetJsonAsync($"/api/customers/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal("上海华联贸易有限公司", read["name"].Str());
        Assert.Equal(etag, (await admin.GetJsonAsync($"/api/customers/{id}")).Response.Headers.ETag!.ToString());
    }

    private static void AssertTooLong((HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) result, string field)
    {
        Assert.True(result.Status is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
            $"Expected 400 or 422 for an over-long {field} but got {(int)result.Status}: {result.Body?.ToJsonString()}");
        var problem = result.ExpectProblem(result.Status);
        var fields = problem.Violations().Select(v => v.Field).Concat(problem["errors"]?.AsObject().Select(e => e.Key) ?? []).ToList();
        Assert.Contains(field, fields);
    }

    private static void AssertSameText(string expected, string actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
        Assert.True(actual.IsNormalized(NormalizationForm.FormC));
    }

    private Task<(int Customers, int Products, int Orders)> CountsAsync() =>
        app.WithDbAsync(async db => (await db.Customers.CountAsync(), await db.Products.CountAsync(), await db.SalesOrders.CountAsync()));
}

public sealed class UnicodeTests_Sqlite(SqliteApp app) : UnicodeTests(app), IClassFixture<SqliteApp>;

public sealed class UnicodeTests_Postgres(PostgresApp app) : UnicodeTests(app), IClassFixture<PostgresApp>;
