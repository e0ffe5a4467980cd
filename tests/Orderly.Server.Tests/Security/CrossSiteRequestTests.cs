using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.Security;

/// <summary>
/// Issue #12, point 8: a state change carried by the login cookie needs a same-origin Origin or Sec-Fetch-Site (or
/// an antiforgery token); bearer-token and API-key calls are not affected.
/// </summary>
public abstract class CrossSiteRequestTests(OrderlyApp app)
{
    private async Task<HttpClient> BrowserAsync(string email)
    {
        (await app.UserAsync(email, "SalesManager")).Dispose();
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        (await browser.PostAsync("/api/auth/login", new { email, password = OrderlyApp.AdminPassword })).Expect(HttpStatusCode.NoContent);
        return browser;
    }

    private static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> CreateCustomerAsync(HttpClient client, params (string Name, string Value)[] headers) =>
        client.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "跨站" }, r =>
        {
            foreach (var (name, value) in headers)
            {
                r.Headers.TryAddWithoutValidation(name, value);
            }
        });

    [Fact]
    public async Task ACookiePost_FromAnotherOrigin_Is403_AndChangesNothing()
    {
        using var browser = await BrowserAsync("csrf-evil@orderly.test");
        var before = await app.WithDbAsync(db => db.Customers.CountAsync());

        var evil = await CreateCustomerAsync(browser, ("Origin", "http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, evil.Status);
        Assert.Equal("CrossSiteRequest", evil.Body!["code"].Str());
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateCustomerAsync(browser, ("Sec-Fetch-Site", "cross-site"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateCustomerAsync(browser, ("Origin", "null"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateCustomerAsync(browser)).Status);
        Assert.Equal(before, await app.WithDbAsync(db => db.Customers.CountAsync()));
    }

    [Fact]
    public async Task ACookiePost_FromThisSite_IsAccepted()
    {
        using var browser = await BrowserAsync("csrf-same@orderly.test");
        (await CreateCustomerAsync(browser, ("Origin", "http://localhost"))).Expect(HttpStatusCode.Created);
        (await CreateCustomerAsync(browser, ("Sec-Fetch-Site", "same-origin"))).Expect(HttpStatusCode.Created);
        (await browser.GetJsonAsync("/api/customers")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheLoginForm_WithoutItsAntiforgeryToken_Is400_AndSignsNobodyIn()
    {
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        using var form = new FormUrlEncodedContent([new("email", OrderlyApp.AdminEmail), new("password", OrderlyApp.AdminPassword), new("returnUrl", "/")]);
        using var answer = await browser.PostAsync("/account/login", form);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.False(answer.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Identity", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BearerAndApiKeyCalls_AreNotAffectedByTheirOrigin()
    {
        using var bearer = await app.UserAsync("csrf-bearer@orderly.test", "SalesManager");
        (await CreateCustomerAsync(bearer, ("Origin", "http://evil.example"))).Expect(HttpStatusCode.Created);

        using var admin = await app.AdminAsync();
        var secret = (await admin.PostAsync("/api/api-keys", new { name = "CRM", roles = SecurityKit.Roles("SalesManager") })).Expect(HttpStatusCode.Created)["apiKey"].Str();
        using var integration = app.Anonymous();
        integration.DefaultRequestHeaders.Add("X-Api-Key", secret);
        (await CreateCustomerAsync(integration, ("Origin", "http://evil.example"))).Expect(HttpStatusCode.Created);
    }
}

public sealed class CrossSiteRequestTests_Sqlite(SqliteApp app) : CrossSiteRequestTests(app), IClassFixture<SqliteApp>;

public sealed class CrossSiteRequestTests_Postgres(PostgresApp app) : CrossSiteRequestTests(app), IClassFixture<PostgresApp>;
