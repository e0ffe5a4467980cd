using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// Issue #12, points 5 to 7: dates outside the supported range, control characters, numbers a decimal(18,4) column
/// cannot hold, non-JSON bodies and over-long query strings are refused with problem+json naming what is wrong,
/// never a 500, a silent 0 or a bare status.
/// </summary>
public abstract class InputGuardTests(OrderlyApp app)
{
    private static void AssertProblem((HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) answer, HttpStatusCode status, string names)
    {
        Assert.True(answer.Status == status, $"Expected {(int)status} but got {(int)answer.Status}: {answer.Body?.ToJsonString()}");
        Assert.Equal(Problems.MediaType, answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(names, answer.Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/orders?from=0001-01-01", "from")]
    [InlineData("/api/orders?to=9999-12-31", "to")]
    [InlineData("/api/orders?to=9999-12-30", "to")]
    [InlineData("/api/analytics/revenue?to=0001-01-01", "to")]
    [InlineData("/api/analytics/revenue?from=0001-01-01&to=0001-01-05", "from")]
    [InlineData("/api/audit?from=0001-01-01T00:00:00Z", "from")]
    public async Task DatesOutsideTheSupportedRange_Answer400NamingTheParameter(string url, string parameter)
    {
        using var admin = await app.AdminAsync();
        var answer = await admin.GetJsonAsync(url);
        AssertProblem(answer, HttpStatusCode.BadRequest, $"\"{parameter}\"");
        Assert.Equal("DateOutOfRange", answer.Body!["code"].Str());
    }

    [Fact]
    public async Task DatesInsideTheRange_StillFilter()
    {
        using var admin = await app.AdminAsync();
        (await admin.GetJsonAsync("/api/orders?from=2026-01-01&to=2026-12-31")).Expect(HttpStatusCode.OK);
        (await admin.GetJsonAsync("/api/analytics/revenue?from=2026-01-01&to=2026-01-31")).Expect(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/api/orders?q=ab%00c", "q")]
    [InlineData("/api/orders?q=abc%1Fdef", "q")]
    [InlineData("/api/customers?q=%07bell", "q")]
    [InlineData("/api/products?q=a%0Ab", "q")]
    public async Task ControlCharactersInTheQuery_Answer400NamingTheParameter(string url, string parameter)
    {
        using var admin = await app.AdminAsync();
        var answer = await admin.GetJsonAsync(url);
        AssertProblem(answer, HttpStatusCode.BadRequest, $"\"{parameter}\"");
        Assert.Equal("ControlCharacter", answer.Body!["code"].Str());
    }

    [Fact]
    public async Task TheLanguageSwitch_WithAControlCharacterInItsRedirect_Answers400_NotA500()
    {
        using var anonymous = app.Anonymous();
        var answer = await anonymous.GetJsonAsync("/culture/set?culture=en&redirectUri=/%09/evil.example");
        AssertProblem(answer, HttpStatusCode.BadRequest, "redirectUri");
    }

    [Theory]
    [InlineData("code", "A\\u0000B")]
    [InlineData("name", "上海\\u0001华联")]
    [InlineData("region", "East\\u001b[31m")]
    [InlineData("name", "tab\\there")]
    [InlineData("code", "C-1\\n2")]
    public async Task ControlCharactersInJsonText_Answer400NamingTheField(string field, string escaped)
    {
        using var admin = await app.AdminAsync();
        var before = await app.WithDbAsync(db => db.Customers.CountAsync());
        var fields = new Dictionary<string, string> { ["code"] = TestData.Unique("C"), ["name"] = "上海华联" };
        fields[field] = escaped;
        var body = "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":\"{f.Value}\"")) + "}";
        var answer = await admin.PostAsync("/api/customers", body);
        AssertProblem(answer, HttpStatusCode.BadRequest, $"$.{field}");
        Assert.Equal(before, await app.WithDbAsync(db => db.Customers.CountAsync()));
    }

    [Fact]
    public async Task TabsAndLineBreaks_InFreeText_AreKept()
    {
        using var admin = await app.AdminAsync();
        var created = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "上海华联", address = "上海市\n黄浦区\t南京东路 1 号" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("上海市\n黄浦区\t南京东路 1 号", created["address"].Str());
    }

    [Theory]
    [InlineData("listPrice", "1e-400")]
    [InlineData("listPrice", "1e-30")]
    [InlineData("minPrice", "1e-30")]
    [InlineData("cost", "1e-400")]
    [InlineData("listPrice", "0.11111")]
    [InlineData("cost", "123456789012345")]
    [InlineData("listPrice", "1e15")]
    public async Task ProductNumbers_TheColumnCannotHold_Answer400NamingTheField(string field, string number)
    {
        using var admin = await app.AdminAsync();
        var before = await app.WithDbAsync(db => db.Products.CountAsync());
        var fields = new Dictionary<string, string> { ["listPrice"] = "100", ["minPrice"] = "80", ["cost"] = "50" };
        fields[field] = number;
        var body = $"{{\"sku\":\"{TestData.Unique("SKU")}\",\"name\":\"产品\",\"unit\":\"pcs\",\"listPrice\":{fields["listPrice"]},\"minPrice\":{fields["minPrice"]},\"cost\":{fields["cost"]}}}";
        AssertProblem(await admin.PostAsync("/api/products", body), HttpStatusCode.BadRequest, $"$.{field}");
        Assert.Equal(before, await app.WithDbAsync(db => db.Products.CountAsync()));
    }

    [Theory]
    [InlineData("1e-30")]
    [InlineData("1e-400")]
    public async Task ACreditLimitTooSmallToStore_Answers400(string number)
    {
        using var admin = await app.AdminAsync();
        var body = $"{{\"code\":\"{TestData.Unique("C")}\",\"name\":\"上海华联\",\"creditLimit\":{number}}}";
        AssertProblem(await admin.PostAsync("/api/customers", body), HttpStatusCode.BadRequest, "$.creditLimit");
    }

    [Theory]
    [InlineData("1e-30")]
    [InlineData("0.1111111111111111111111111111111111111111")]
    public async Task ADiscountPercentWithTooManyDecimals_Answers400_NotAStoredApproximation(string number)
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        var before = await app.WithDbAsync(db => db.SalesOrders.CountAsync());
        var body = $"{{\"customerId\":\"{customer}\",\"lines\":[{{\"productId\":\"{product}\",\"quantity\":1,\"discountPercent\":{number}}}]}}";
        AssertProblem(await admin.PostAsync("/api/orders", body), HttpStatusCode.BadRequest, "$.lines[0].discountPercent");
        Assert.Equal(before, await app.WithDbAsync(db => db.SalesOrders.CountAsync()));
    }

    [Fact]
    public async Task ASafetyStockTooSmallToStore_Answers400()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var warehouse = await data.WarehouseAsync();
        var answer = await admin.SendAsync(HttpMethod.Put, $"/api/inventory/policies/{product}/{warehouse}", "{\"mode\":\"Manual\",\"safetyStock\":1e-30,\"reorderPoint\":5}",
            r => r.Headers.TryAddWithoutValidation("If-Match", "*"));
        AssertProblem(answer, HttpStatusCode.BadRequest, "$.safetyStock");
    }

    [Fact]
    public async Task NumbersWithinTheScale_AreStoredExactly_HoweverWritten()
    {
        using var admin = await app.AdminAsync();
        var body = $"{{\"sku\":\"{TestData.Unique("SKU")}\",\"name\":\"产品\",\"unit\":\"pcs\",\"listPrice\":1.5E2,\"minPrice\":120.5000,\"cost\":0.5e1}}";
        var created = (await admin.PostAsync("/api/products", body)).Expect(HttpStatusCode.Created);
        Assert.Equal(150m, created["listPrice"].Dec());
        Assert.Equal(120.5m, created["minPrice"].Dec());
        Assert.Equal(5m, created["cost"].Dec());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data")]
    public async Task NonJsonBodies_Answer415ProblemJson(string mediaType)
    {
        using var admin = await app.AdminAsync();
        var answer = await admin.SendAsync(HttpMethod.Post, "/api/customers", null, r =>
        {
            r.Content = mediaType == "multipart/form-data"
                ? new MultipartFormDataContent { { new StringContent("x"), "code" } }
                : new StringContent("code=x", Encoding.UTF8, mediaType);
        });
        AssertProblem(answer, HttpStatusCode.UnsupportedMediaType, "415");
    }

    [Fact]
    public async Task AnOverlongQueryString_Answers414ProblemJson()
    {
        using var admin = await app.AdminAsync();
        AssertProblem(await admin.GetJsonAsync("/api/orders?q=" + new string('a', 10_000)), HttpStatusCode.RequestUriTooLong, "UriTooLong");
    }
}

public sealed class InputGuardTests_Sqlite(SqliteApp app) : InputGuardTests(app), IClassFixture<SqliteApp>;

public sealed class InputGuardTests_Postgres(PostgresApp app) : InputGuardTests(app), IClassFixture<PostgresApp>;

/// <summary>The 414 through real Kestrel, whose own request-line limit sits above the application's.</summary>
public sealed class KestrelRequestTargetTests(KestrelSqliteApp app) : IClassFixture<KestrelSqliteApp>
{
    [Fact]
    public async Task AnOverlongQueryString_OnKestrel_Answers414ProblemJson()
    {
        using var admin = await app.AdminAsync();
        var answer = await admin.GetJsonAsync("/api/orders?q=" + new string('a', 10_000));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, answer.Status);
        Assert.Equal(Problems.MediaType, answer.Response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ANonJsonBody_OnKestrel_Answers415ProblemJson()
    {
        using var admin = await app.AdminAsync();
        var answer = await admin.SendAsync(HttpMethod.Post, "/api/customers", null, r => r.Content = new StringContent("<customer/>", Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.Status);
        Assert.Equal(Problems.MediaType, answer.Response.Content.Headers.ContentType?.MediaType);
    }
}
