using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orderly.Server.Data;
using Orderly.Server.Identity;

namespace Orderly.Server.Tests.Security;

/// <summary>
/// Issue #12, point 1 and 2: a bearer token stops working when its user is disabled, demoted, has their password
/// reset or logs out; an API key stops when its issuer is disabled or loses the key's role.
/// </summary>
public abstract class SessionRevocationTests(OrderlyApp app)
{
    /// <summary>A manager's token that reads the audit trail and creates customers, before anything happens to them.</summary>
    private async Task<(HttpClient Client, Guid Id)> WorkingManagerAsync(string email)
    {
        var client = await app.UserAsync(email, "SalesManager");
        (await client.GetJsonAsync("/api/audit?limit=1")).Expect(HttpStatusCode.OK);
        (await client.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "前" })).Expect(HttpStatusCode.Created);
        return (client, await app.UserIdAsync(email));
    }

    private static async Task AssertRefusedAsync(HttpClient client)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetJsonAsync("/api/audit?limit=1")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "后" })).Status);
    }

    [Fact]
    public async Task DisablingAUser_EndsTheirBearerToken()
    {
        var (client, id) = await WorkingManagerAsync("revoke-disable@orderly.test");
        using var admin = await app.AdminAsync();
        (await admin.PostAsync($"/api/users/{id}/disable")).Expect(HttpStatusCode.NoContent);
        await AssertRefusedAsync(client);
    }

    [Fact]
    public async Task ResettingAPassword_EndsTheUsersBearerToken()
    {
        var (client, id) = await WorkingManagerAsync("revoke-reset@orderly.test");
        using var admin = await app.AdminAsync();
        (await admin.PostAsync($"/api/users/{id}/reset-password", new { })).Expect(HttpStatusCode.OK);
        await AssertRefusedAsync(client);
    }

    [Fact]
    public async Task DemotingAUserToViewer_EndsTheirBearerToken()
    {
        var (client, id) = await WorkingManagerAsync("revoke-demote@orderly.test");
        using var admin = await app.AdminAsync();
        (await admin.PutAsync($"/api/users/{id}", new { displayName = "降级", roles = SecurityKit.Roles("Viewer"), managerId = (Guid?)null }, null)).Expect(HttpStatusCode.OK);
        await AssertRefusedAsync(client);
    }

    [Fact]
    public async Task LoggingOut_EndsThatToken_ButNotTheUsersOtherSessions()
    {
        const string email = "revoke-logout@orderly.test";
        var (client, _) = await WorkingManagerAsync(email);
        using var anonymous = app.Anonymous();
        var other = (await anonymous.PostAsync("/api/auth/token", new { email, password = OrderlyApp.AdminPassword })).Expect(HttpStatusCode.OK)["accessToken"].Str();

        (await client.PostAsync("/api/auth/logout")).Expect(HttpStatusCode.NoContent);
        await AssertRefusedAsync(client);

        using var second = app.Anonymous();
        second.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", other);
        (await second.GetJsonAsync("/api/audit?limit=1")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ChangingOnlyAUsersTeam_KeepsTheirToken()
    {
        var (client, id) = await WorkingManagerAsync("revoke-team@orderly.test");
        using var admin = await app.AdminAsync();
        var adminId = await app.UserIdAsync(OrderlyApp.AdminEmail);
        await SecurityKit.SetManagerAsync(admin, id, adminId, "同组", "SalesManager");
        (await client.GetJsonAsync("/api/audit?limit=1")).Expect(HttpStatusCode.OK);
    }

    /// <summary>A node that did not make the change learns of it when its cached standing is 30 s old.</summary>
    [Fact]
    public async Task AnotherNode_SeesADisabledUser_Within30Seconds()
    {
        var (_, id) = await WorkingManagerAsync("revoke-other-node@orderly.test");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var otherNode = new SessionCache(clock, new ConfigurationBuilder().Build());
        async Task<bool> EnabledAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            return (await otherNode.GetAsync(id, scope.ServiceProvider.GetRequiredService<OrderlyDbContext>(), default)).IsEnabled;
        }

        Assert.True(await EnabledAsync());
        using var admin = await app.AdminAsync();
        (await admin.PostAsync($"/api/users/{id}/disable")).Expect(HttpStatusCode.NoContent);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(await EnabledAsync());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await EnabledAsync());
    }

    [Fact]
    public async Task AnAdminsApiKey_StopsWhenTheAdminIsDisabled()
    {
        const string email = "revoke-key-issuer@orderly.test";
        using var issuer = await app.UserAsync(email, "Admin");
        var issuerId = await app.UserIdAsync(email);
        var secret = (await issuer.PostAsync("/api/api-keys", new { name = "ERP", roles = SecurityKit.Roles("Admin") })).Expect(HttpStatusCode.Created)["apiKey"].Str();
        using var integration = app.Anonymous();
        integration.DefaultRequestHeaders.Add("X-Api-Key", secret);
        (await integration.GetJsonAsync("/api/users")).Expect(HttpStatusCode.OK);

        using var admin = await app.AdminAsync();
        (await admin.PostAsync($"/api/users/{issuerId}/disable")).Expect(HttpStatusCode.NoContent);
        var usersBefore = await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Users));
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetJsonAsync("/api/users")).Status);
        var created = await integration.PostAsync("/api/users", new { email = "revoke-key-new-admin@orderly.test", password = OrderlyApp.AdminPassword, roles = SecurityKit.Roles("Admin") });
        Assert.Equal(HttpStatusCode.Unauthorized, created.Status);
        Assert.Equal(usersBefore, await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Users)));
    }

    [Fact]
    public async Task AnApiKey_CarriesOnlyTheRolesItsIssuerStillHolds()
    {
        const string email = "revoke-key-demoted@orderly.test";
        using var issuer = await app.UserAsync(email, "Admin");
        var issuerId = await app.UserIdAsync(email);
        var adminKey = (await issuer.PostAsync("/api/api-keys", new { name = "全权", roles = SecurityKit.Roles("Admin") })).Expect(HttpStatusCode.Created)["apiKey"].Str();
        var viewerKey = (await issuer.PostAsync("/api/api-keys", new { name = "只读", roles = SecurityKit.Roles("Viewer") })).Expect(HttpStatusCode.Created)["apiKey"].Str();
        using var admin = await app.AdminAsync();
        (await admin.PutAsync($"/api/users/{issuerId}", new { displayName = "降级", roles = SecurityKit.Roles("Viewer"), managerId = (Guid?)null }, null)).Expect(HttpStatusCode.OK);

        using var full = app.Anonymous();
        full.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await full.GetJsonAsync("/api/users")).Status);
        using var reader = app.Anonymous();
        reader.DefaultRequestHeaders.Add("X-Api-Key", viewerKey);
        (await reader.GetJsonAsync("/api/products")).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetJsonAsync("/api/users")).Status);
    }
}

public sealed class SessionRevocationTests_Sqlite(SqliteApp app) : SessionRevocationTests(app), IClassFixture<SqliteApp>;

public sealed class SessionRevocationTests_Postgres(PostgresApp app) : SessionRevocationTests(app), IClassFixture<PostgresApp>;
