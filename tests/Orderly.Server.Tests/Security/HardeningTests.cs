using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Orderly.Server.Tests.Security;

/// <summary>Logins (lockout, disabled users, password resets), security headers and API keys.</summary>
public abstract class HardeningTests(OrderlyApp app)
{
    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_AndThenEvenTheRightPasswordIsRefused()
    {
        const string email = "hardening-lockout@orderly.test";
        (await app.UserAsync(email, "Viewer")).Dispose();
        using var anonymous = app.Anonymous();
        for (var i = 1; i <= 4; i++)
        {
            var wrong = await anonymous.PostAsync("/api/auth/token", new { email, password = $"Wrong-Password-{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
            Assert.Equal("InvalidCredentials", wrong.Body!["code"].Str());
        }

        var fifth = await anonymous.PostAsync("/api/auth/token", new { email, password = "Wrong-Password-5" });
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.Status);
        Assert.Equal("LockedOut", fifth.Body!["code"].Str());

        var right = await anonymous.PostAsync("/api/auth/token", new { email, password = OrderlyApp.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.Status);
        Assert.Equal("LockedOut", right.Body!["code"].Str());
        Assert.Null(right.Body["accessToken"]);
        var cookie = await anonymous.PostAsync("/api/auth/login", new { email, password = OrderlyApp.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, cookie.Status);
        Assert.DoesNotContain(cookie.Response.Headers, h => h.Key == "Set-Cookie");

        var lockedUntil = await app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.LockoutEnd).SingleAsync());
        Assert.NotNull(lockedUntil);
        Assert.InRange(lockedUntil!.Value, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
    }

    [Fact]
    public async Task ADisabledUser_CannotGetATokenOrACookie_AndIsToldNoMoreThanForAWrongPassword()
    {
        const string email = "hardening-disabled@orderly.test";
        (await app.UserAsync(email, "SalesRep")).Dispose();
        var id = await app.UserIdAsync(email);
        using var admin = await app.AdminAsync();
        using var anonymous = app.Anonymous();

        (await admin.PostAsync($"/api/users/{id}/disable")).Expect(HttpStatusCode.NoContent);
        var token = await anonymous.PostAsync("/api/auth/token", new { email, password = OrderlyApp.AdminPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, token.Status);
        Assert.Null(token.Body?["accessToken"]);
        var wrongPassword = await anonymous.PostAsync("/api/auth/token", new { email = "nobody-at-all@orderly.test", password = OrderlyApp.AdminPassword });
        Assert.Equal(SecurityKit.Comparable(wrongPassword.Body), SecurityKit.Comparable(token.Body));
        var cookie = await anonymous.PostAsync("/api/auth/login", new { email, password = OrderlyApp.AdminPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, cookie.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetJsonAsync("/api/products")).Status);

        (await admin.PostAsync($"/api/users/{id}/enable")).Expect(HttpStatusCode.NoContent);
        (await anonymous.PostAsync("/api/auth/token", new { email, password = OrderlyApp.AdminPassword })).Expect(HttpStatusCode.OK);
    }

    /// <summary>
    /// POST /api/users/{id}/reset-password asks UserManager for a password-reset token, but AddIdentityCore registers
    /// no token providers (no AddDefaultTokenProviders), so every reset fails with 500.
    /// </summary>
    [Fact]
    public async Task AnAdmin_ResetsAPassword_AndTheUserLogsInWithTheNewOne()
    {
        const string email = "hardening-reset@orderly.test";
        (await app.UserAsync(email, "Viewer")).Dispose();
        var id = await app.UserIdAsync(email);
        using var admin = await app.AdminAsync();
        using var anonymous = app.Anonymous();

        var chosen = (await admin.PostAsync($"/api/users/{id}/reset-password", new { newPassword = "Brand-New-Password-1" })).Expect(HttpStatusCode.OK);
        Assert.Null(chosen["generatedPassword"]?.GetValue<string>());
        (await anonymous.PostAsync("/api/auth/token", new { email, password = OrderlyApp.AdminPassword })).Expect(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsync("/api/auth/token", new { email, password = "Brand-New-Password-1" })).Expect(HttpStatusCode.OK);

        var generated = (await admin.PostAsync($"/api/users/{id}/reset-password", new { })).Expect(HttpStatusCode.OK)["generatedPassword"].Str();
        (await anonymous.PostAsync("/api/auth/token", new { email, password = generated })).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ApiAnswers_CarryTheSecurityHeaders()
    {
        using var admin = await app.AdminAsync();
        using var anonymous = app.Anonymous();
        var answers = new List<(string Label, HttpResponseMessage Response)>
        {
            ("200", (await admin.GetJsonAsync("/api/products")).Response),
            ("201", (await admin.PostAsync("/api/warehouses", new { code = TestData.Unique("WH"), name = "头" })).Response),
            ("401", (await anonymous.GetJsonAsync("/api/orders")).Response),
            ("token 401", (await anonymous.PostAsync("/api/auth/token", new { email = "nobody@orderly.test", password = "Nope-Nope-Nope-1" })).Response),
        };
        using var viewer = await app.UserAsync("hardening-headers@orderly.test", "Viewer");
        answers.Add(("403", (await viewer.PostAsync("/api/warehouses", new { code = TestData.Unique("WH"), name = "头" })).Response));

        var wrong = answers.SelectMany(a => MissingHeaders(a.Response).Select(m => $"{a.Label} ({(int)a.Response.StatusCode}): {m}")).ToList();
        Assert.True(wrong.Count == 0, "Security headers missing:\n" + string.Join("\n", wrong));
        Assert.Equal("nosniff", (await anonymous.GetAsync("/health")).Headers.GetValues("X-Content-Type-Options").Single());
    }

    /// <summary>
    /// The headers are set before the rest of the pipeline runs; when an exception becomes a problem answer (404,
    /// 409, 412, 422, malformed JSON 400), UseExceptionHandler clears the response, headers included.
    /// </summary>
    [Fact]
    public async Task ErrorAnswers_FromTheExceptionHandler_CarryTheSecurityHeadersToo()
    {
        using var admin = await app.AdminAsync();
        var product = await new TestData(admin).ProductAsync();
        var order = (await new TestData(admin).OrderAsync(await new TestData(admin).CustomerAsync(), (product, 1))).Id();
        var answers = new List<(string Label, HttpResponseMessage Response)>
        {
            ("409", (await admin.PostAsync($"/api/orders/{order}/deliver")).Response),
            ("404", (await admin.GetJsonAsync($"/api/orders/{Guid.NewGuid()}")).Response),
            ("422", (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = " " })).Response),
            ("400", (await admin.PostAsync("/api/customers", "{\"code\":")).Response),
            ("428", (await admin.PutAsync($"/api/products/{product}", new { sku = "x", name = "x", unit = "pcs", listPrice = 1m }, null)).Response),
        };

        var wrong = answers.SelectMany(a => MissingHeaders(a.Response).Select(m => $"{a.Label} ({(int)a.Response.StatusCode}): {m}")).ToList();
        Assert.True(wrong.Count == 0, "Security headers missing:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task ApiKey_IsShownOnce_ReadsWithItsRole_CannotWrite_IsNeverListed_AndStopsWorkingWhenRevoked()
    {
        using var admin = await app.AdminAsync();
        var created = (await admin.PostAsync("/api/api-keys", new { name = "ERP 只读", roles = SecurityKit.Roles("Viewer") })).Expect(HttpStatusCode.Created);
        var secret = created["apiKey"].Str();
        var keyId = created["key"]!.Id();
        Assert.Matches("^ok_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}$", secret);
        Assert.Equal(["Viewer"], created["key"]!["roles"]!.AsArray().Select(r => r.Str()));

        // Only the SHA-256 of the key is stored; no column holds the key or its secret part.
        var stored = await app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        Assert.Equal(hash, stored.KeyHash);
        var secretPart = secret[(secret.LastIndexOf('_') + 1)..];
        Assert.DoesNotContain(secretPart, $"{stored.Name}|{stored.KeyId}|{stored.KeyHash}|{stored.Roles}", StringComparison.Ordinal);

        using var integration = app.Anonymous();
        integration.DefaultRequestHeaders.Add("X-Api-Key", secret);
        var data = new TestData(admin);
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        (await integration.GetJsonAsync("/api/products")).Expect(HttpStatusCode.OK);
        (await integration.GetJsonAsync($"/api/customers/{customer}")).Expect(HttpStatusCode.OK);
        var before = await app.WithDbAsync(db => db.SalesOrders.CountAsync());
        var write = await integration.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1m } } });
        Assert.Equal(HttpStatusCode.Forbidden, write.Status);
        Assert.Equal(before, await app.WithDbAsync(db => db.SalesOrders.CountAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.GetJsonAsync("/api/api-keys")).Status);

        var list = await admin.GetJsonAsync("/api/api-keys");
        var listed = list.Expect(HttpStatusCode.OK).ToJsonString();
        Assert.Contains(keyId.ToString(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secretPart, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(hash, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("apiKey", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("keyHash", listed, StringComparison.OrdinalIgnoreCase);

        // A wrong secret with the right key id is refused.
        using var guessing = app.Anonymous();
        guessing.DefaultRequestHeaders.Add("X-Api-Key", secret[..^4] + (secret[^4] == 'A' ? "BBBB" : "AAAA"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await guessing.GetJsonAsync("/api/products")).Status);

        (await admin.PostAsync($"/api/api-keys/{keyId}/revoke")).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetJsonAsync("/api/products")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 1m } } })).Status);
    }

    [Fact]
    public async Task AnExpiredApiKey_IsRefused()
    {
        using var admin = await app.AdminAsync();
        var created = (await admin.PostAsync("/api/api-keys", new { name = "过期", roles = SecurityKit.Roles("Viewer"), expiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }))
            .Expect(HttpStatusCode.Created);
        using var integration = app.Anonymous();
        integration.DefaultRequestHeaders.Add("X-Api-Key", created["apiKey"].Str());
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetJsonAsync("/api/products")).Status);
    }

    internal static IEnumerable<string> MissingHeaders(HttpResponseMessage response)
    {
        string? Value(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

        if (Value("X-Content-Type-Options") != "nosniff")
        {
            yield return "X-Content-Type-Options: nosniff";
        }

        if (Value("X-Frame-Options") != "DENY")
        {
            yield return "X-Frame-Options: DENY";
        }

        if (Value("Content-Security-Policy")?.Contains("default-src 'none'", StringComparison.Ordinal) != true)
        {
            yield return "Content-Security-Policy: default-src 'none'";
        }

        if (Value("Referrer-Policy") != "no-referrer")
        {
            yield return "Referrer-Policy: no-referrer";
        }

        if (Value("Cache-Control")?.Contains("no-store", StringComparison.Ordinal) != true)
        {
            yield return "Cache-Control: no-store";
        }
    }
}

public sealed class HardeningTests_Sqlite(SqliteApp app) : HardeningTests(app), IClassFixture<SqliteApp>;

public sealed class HardeningTests_Postgres(PostgresApp app) : HardeningTests(app), IClassFixture<PostgresApp>;

/// <summary>A SQLite app whose login limit is 5 a minute, for the rate-limit test.</summary>
public sealed class LowLoginLimitSqliteApp() : OrderlyApp(TestDatabase.For("sqlite"))
{
    protected override int LoginsPerMinute => 5;
}

public sealed class LoginRateLimitTests(LowLoginLimitSqliteApp app) : IClassFixture<LowLoginLimitSqliteApp>
{
    [Fact]
    public async Task TheSixthLoginWithinAMinute_Gets429WithRetryAfter_OnBothLoginRoutes()
    {
        using var anonymous = app.Anonymous();
        for (var i = 1; i <= 5; i++)
        {
            var password = i % 2 == 0 ? OrderlyApp.AdminPassword : "Wrong-Password-x";
            var answer = await anonymous.PostAsync("/api/auth/token", new { email = OrderlyApp.AdminEmail, password });
            Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"login {i}: {(int)answer.Status}");
        }

        var sixth = await anonymous.PostAsync("/api/auth/token", new { email = OrderlyApp.AdminEmail, password = OrderlyApp.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.Status);
        Assert.Equal("RateLimited", sixth.Body!["code"].Str());
        Assert.Null(sixth.Body["accessToken"]);
        var retryAfter = sixth.Response.Headers.RetryAfter;
        Assert.NotNull(retryAfter);
        var seconds = retryAfter!.Delta?.TotalSeconds ?? int.Parse(sixth.Response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);
        Assert.Empty(HardeningTests.MissingHeaders(sixth.Response));

        var cookie = await anonymous.PostAsync("/api/auth/login", new { email = OrderlyApp.AdminEmail, password = OrderlyApp.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, cookie.Status);
        Assert.True(cookie.Response.Headers.Contains("Retry-After"));

        // Only logins are limited.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/products")).StatusCode);
    }
}

/// <summary>A SQLite app that validates security stamps on every request, so a change of stamp takes effect at once.</summary>
public sealed class StampCheckingSqliteApp() : OrderlyApp(TestDatabase.For("sqlite"));

/// <summary>
/// Disabling a user renews their security stamp, and the cookie scheme checks the user and stamp on every request
/// (OrderlyHost.ValidateCookieAsync), so a disabled user's web session ends at once.
/// </summary>
public sealed class CookieSessionTests(StampCheckingSqliteApp app) : IClassFixture<StampCheckingSqliteApp>
{
    [Fact]
    public async Task DisablingAUser_EndsTheirCookieSession()
    {
        const string email = "hardening-cookie@orderly.test";
        (await app.UserAsync(email, "Viewer")).Dispose();
        var id = await app.UserIdAsync(email);
        using var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var login = await browser.PostAsync("/api/auth/login", new { email, password = OrderlyApp.AdminPassword });
        Assert.Equal(HttpStatusCode.NoContent, login.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetJsonAsync("/api/products")).Status);

        using var admin = await app.AdminAsync();
        (await admin.PostAsync($"/api/users/{id}/disable")).Expect(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetJsonAsync("/api/products")).Status);
    }
}
