using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// Who may call what: the endpoint list comes from the running app, so a route added without an
/// authorization requirement or without an OpenAPI entry fails here.
/// </summary>
public abstract partial class AuthenticationTests(OrderlyApp app)
{
    /// <summary>
    /// The only /api routes open to anonymous callers (docs/security.md): the two ways to log in, Kuaidi100's
    /// tracking push, the CRM/ERP connectors' pushes (Fxiaoke, Yonyou, Zoho CRM) and WeCom's customer-message callback
    /// (its URL check and its messages), which prove themselves with their signature or token instead of a login.
    /// </summary>
    private static readonly string[] AnonymousRoutes =
    [
        "GET /api/integrations/wecom/callback", "POST /api/auth/login", "POST /api/auth/token", "POST /api/integrations/fxiaoke/callback",
        "POST /api/integrations/kuaidi100/callback", "POST /api/integrations/wecom/callback", "POST /api/integrations/yonyou/callback",
        "POST /api/integrations/zoho-crm/notify",
    ];

    /// <summary>The routes outside tools rely on (api-contract.md), as METHOD and path with route parameters named.</summary>
    private static readonly string[] ContractRoutes =
    [
        "POST /api/auth/token", "POST /api/users",
        "POST /api/customers", "GET /api/customers/{id}", "GET /api/customers",
        "POST /api/products", "GET /api/products/{id}", "GET /api/products",
        "POST /api/warehouses", "GET /api/warehouses",
        "POST /api/inventory/receipts", "GET /api/inventory/stock",
        "POST /api/orders", "GET /api/orders/{id}", "GET /api/orders",
        "POST /api/orders/{id}/submit", "POST /api/orders/{id}/approve", "POST /api/orders/{id}/reject",
        "POST /api/orders/{id}/cancel", "POST /api/orders/{id}/shipments", "POST /api/orders/{id}/deliver",
        "GET /api/audit",
    ];

    [Fact]
    public void OnlyTheLoginRoutes_AllowAnonymousCallers()
    {
        var open = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true && e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Order();
        Assert.Equal(AnonymousRoutes, open);
    }

    [Fact]
    public async Task EveryApiRoute_ExceptLogin_Answers401ToAnonymousCallers()
    {
        var routes = ApiRoutes();
        Assert.True(routes.Count >= 30, $"Only {routes.Count} /api routes found in the endpoint data source.");
        using var anonymous = app.Anonymous();
        var wrong = new List<string>();
        foreach (var (method, pattern) in routes.Where(r => !AnonymousRoutes.Contains($"{r.Method} {Normalize(r.Pattern)}")))
        {
            var url = Substitute(pattern);
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await anonymous.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (response.StatusCode != HttpStatusCode.Unauthorized || (body.Length > 0 && mediaType != Problems.MediaType))
            {
                wrong.Add($"{method} {url} -> {(int)response.StatusCode} {mediaType} {body}");
            }
        }

        Assert.True(wrong.Count == 0, "Anonymous callers got through or got a non-problem answer:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task HealthAndOpenApi_AnswerAnonymousCallers()
    {
        using var anonymous = app.Anonymous();
        var health = await anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var openApi = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        var document = JsonNode.Parse(await openApi.Content.ReadAsStringAsync())!;
        Assert.NotNull(document["openapi"]);
        Assert.NotEmpty(document["paths"]!.AsObject());
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryApiRouteOfTheEndpointDataSource()
    {
        using var anonymous = app.Anonymous();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        var missing = ApiRoutes()
            .Where(r => paths[Normalize(r.Pattern)]?[r.Method.ToLowerInvariant()] is null)
            .Select(r => $"{r.Method} {r.Pattern}")
            .ToList();
        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void ContractRoutes_AreAllMapped()
    {
        var mapped = ApiRoutes().Select(r => $"{r.Method} {Normalize(r.Pattern)}").ToHashSet();
        Assert.All(ContractRoutes, route => Assert.Contains(route, mapped));
    }

    [Fact]
    public async Task Token_WithWrongPasswordOrUnknownEmail_Answers401InvalidCredentials()
    {
        await app.UserAsync("wrong-password@orderly.test", "Viewer");
        using var anonymous = app.Anonymous();

        var wrongPassword = (await anonymous.PostAsync("/api/auth/token", new { email = "wrong-password@orderly.test", password = "Not-The-Password-1" }))
            .ExpectProblem(HttpStatusCode.Unauthorized);
        Assert.Equal("InvalidCredentials", wrongPassword["code"].Str());
        Assert.Null(wrongPassword["accessToken"]);

        var unknown = (await anonymous.PostAsync("/api/auth/token", new { email = "nobody@orderly.test", password = OrderlyApp.AdminPassword }))
            .ExpectProblem(HttpStatusCode.Unauthorized);
        Assert.Equal("InvalidCredentials", unknown["code"].Str());

        var right = (await anonymous.PostAsync("/api/auth/token", new { email = "wrong-password@orderly.test", password = OrderlyApp.AdminPassword }))
            .Expect(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(right["accessToken"].Str()));
        Assert.True(right["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Token_AfterFiveWrongPasswords_RefusesEvenTheRightOne()
    {
        await app.UserAsync("locked@orderly.test", "Viewer");
        using var anonymous = app.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            await anonymous.PostAsync("/api/auth/token", new { email = "locked@orderly.test", password = $"Wrong-Password-{i}" });
        }

        var locked = (await anonymous.PostAsync("/api/auth/token", new { email = "locked@orderly.test", password = OrderlyApp.AdminPassword }))
            .ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("LockedOut", locked["code"].Str());
        Assert.Null(locked["accessToken"]);
    }

    [Fact]
    public async Task ExpiredGarbageOrTamperedBearerToken_Answers401()
    {
        var adminId = await app.WithDbAsync(db => db.Users.Where(u => u.Email == OrderlyApp.AdminEmail).Select(u => u.Id).SingleAsync());
        var fresh = await TokenAsync(adminId, DateTimeOffset.UtcNow.AddHours(1));
        var expired = await TokenAsync(adminId, DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Equal(HttpStatusCode.OK, await StatusWithTokenAsync(fresh));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithTokenAsync(expired));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithTokenAsync("garbage"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithTokenAsync("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9."));
        var tampered = fresh[..^4] + (fresh[^4] == 'A' ? 'B' : 'A') + fresh[^3..];
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithTokenAsync(tampered));
    }

    [Fact]
    public async Task Viewer_CanRead_ButCannotEnterOrders()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        using var viewer = await app.UserAsync("viewer@orderly.test", "Viewer");
        var before = await app.WithDbAsync(db => db.SalesOrders.CountAsync());

        var refused = await viewer.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1 } } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(before, await app.WithDbAsync(db => db.SalesOrders.CountAsync()));
        (await viewer.GetJsonAsync("/api/orders")).Expect(HttpStatusCode.OK);
        (await viewer.GetJsonAsync($"/api/customers/{customer}")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SalesRep_CanEnterOrders_ButCannotApprove()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 50_000m);
        using var rep = await app.UserAsync("rep@orderly.test", "SalesRep");
        var customer = (await rep.PostAsync("/api/customers", new { code = TestData.Unique("REP"), name = "销售自己的客户" })).Expect(HttpStatusCode.Created).Id();

        var id = (await rep.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 5 } } }))
            .Expect(HttpStatusCode.Created).Id();
        var pending = (await rep.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", pending["status"].Str());

        var refused = await rep.PostAsync($"/api/orders/{id}/approve");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("PendingApproval", (await admin.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK)["status"].Str());
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync($"/api/orders/{id}/reject", new { reason = "no" })).Status);
        Assert.Equal("PendingApproval", (await rep.GetJsonAsync($"/api/orders/{id}")).Expect(HttpStatusCode.OK)["status"].Str());
    }

    [Fact]
    public async Task Warehouse_CanShip_ButCannotApprove()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var id = (await data.OrderAsync(customer, (product, 4))).Id();
        var confirmed = (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal("Confirmed", confirmed["status"].Str());
        using var picker = await app.UserAsync("picker@orderly.test", "Warehouse");

        var lineId = confirmed["lines"]![0]!.Id();
        var shipped = (await picker.PostAsync($"/api/orders/{id}/shipments", new { lines = new[] { new { lineId, quantity = 4 } }, carrier = "顺丰" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("Shipped", shipped["order"]!["status"].Str());
        Assert.Equal(HttpStatusCode.Forbidden, (await picker.PostAsync($"/api/orders/{id}/approve")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await picker.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1 } } })).Status);
    }

    private List<(string Method, string Pattern)> ApiRoutes() =>
        [.. app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!)))
            .Distinct()];

    /// <summary>{id:guid} -> a random id, {n:int} -> 1; every route parameter gets a value its constraint accepts.</summary>
    private static string Substitute(string pattern) =>
        RouteParameter().Replace(pattern, m => m.Groups["constraint"].Value.StartsWith(":int", StringComparison.Ordinal) ? "1" : Guid.NewGuid().ToString());

    /// <summary>The OpenAPI form of a route: parameters without constraints, no trailing slash.</summary>
    private static string Normalize(string pattern)
    {
        var path = RouteParameter().Replace(pattern, m => "{" + m.Groups["name"].Value + "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private async Task<string> TokenAsync(Guid userId, DateTimeOffset expiresAt)
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
        // A token is honoured only while it carries its user's current security stamp (sessions end with it).
        var stamp = (await app.WithDbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync()))!;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId.ToString()), new Claim(ClaimTypes.Name, OrderlyApp.AdminEmail), new Claim(ClaimTypes.Role, "Admin"),
                new Claim("AspNet.Identity.SecurityStamp", stamp)],
            IdentityConstants.BearerScheme);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = expiresAt }, IdentityConstants.BearerScheme);
        return options.BearerTokenProtector.Protect(ticket);
    }

    private async Task<HttpStatusCode> StatusWithTokenAsync(string token)
    {
        using var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/products");
        if (response.StatusCode == HttpStatusCode.Unauthorized && response.Content.Headers.ContentLength > 0)
        {
            Assert.Equal(Problems.MediaType, response.Content.Headers.ContentType?.MediaType);
        }

        return response.StatusCode;
    }

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<constraint>(:[^}?=]+)*)(=[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}

public sealed class AuthenticationTests_Sqlite(SqliteApp app) : AuthenticationTests(app), IClassFixture<SqliteApp>;

public sealed class AuthenticationTests_Postgres(PostgresApp app) : AuthenticationTests(app), IClassFixture<PostgresApp>;
