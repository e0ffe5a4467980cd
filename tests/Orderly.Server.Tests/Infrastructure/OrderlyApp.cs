using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orderly.Server.Data;

namespace Orderly.Server.Tests.Infrastructure;

/// <summary>
/// The real server over the real HTTP pipeline on a database of its own: one per test class fixture.
/// Derived fixtures choose SQLite (a temp file) or PostgreSQL (a fresh database on the cluster test.sh starts).
/// </summary>
public abstract class OrderlyApp(TestDatabase database) : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@orderly.test";
    public const string AdminPassword = "Admin-Password-1";

    private readonly Dictionary<string, string> _tokens = [];

    public string Provider => database.Provider;

    /// <summary>Tests log in many users from one address; only the rate-limit tests use the production limit.</summary>
    protected virtual int LoginsPerMinute => 100_000;

    protected string ConnectionString => database.ConnectionString;

    Task IAsyncLifetime.InitializeAsync() => CreateDatabaseAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await DropDatabaseAsync();
    }

    protected Task CreateDatabaseAsync() => database.CreateAsync();

    protected Task DropDatabaseAsync() => database.DropAsync();

    /// <summary>A client logged in as the admin.</summary>
    public async Task<HttpClient> AdminAsync() => await ClientForAsync(AdminEmail, AdminPassword);

    public HttpClient Anonymous() => CreateClient();

    /// <summary>Creates a user with the given roles (once per e-mail) and returns a client logged in as them.</summary>
    public async Task<HttpClient> UserAsync(string email, params string[] roles)
    {
        if (!_tokens.ContainsKey(email))
        {
            using var admin = await AdminAsync();
            var created = await admin.PostAsJsonAsync("/api/users", new { email, password = AdminPassword, displayName = email, roles });
            if (created.StatusCode != System.Net.HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Creating {email} failed: {await created.Content.ReadAsStringAsync()}");
            }
        }

        return await ClientForAsync(email, AdminPassword);
    }

    public async Task<T> WithDbAsync<T>(Func<OrderlyDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<OrderlyDbContext>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", Provider);
        builder.UseSetting("ConnectionStrings:Orderly", ConnectionString);
        builder.UseSetting("Orderly:SeedDemoData", "false");
        builder.UseSetting("Orderly:AdminEmail", AdminEmail);
        builder.UseSetting("Orderly:AdminPassword", AdminPassword);
        builder.UseSetting("Orderly:RateLimits:LoginsPerMinute", LoginsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
    }

    private async Task<HttpClient> ClientForAsync(string email, string password)
    {
        if (!_tokens.TryGetValue(email, out var token))
        {
            using var anonymous = CreateClient();
            var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { email, password });
            response.EnsureSuccessStatusCode();
            token = (await response.Content.ReadFromJsonAsync<TokenBody>())!.AccessToken;
            lock (_tokens)
            {
                _tokens[email] = token;
            }
        }

        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private sealed record TokenBody(string AccessToken, DateTimeOffset ExpiresAt);
}

public sealed class SqliteApp() : OrderlyApp(TestDatabase.For("sqlite"));

public sealed class PostgresApp() : OrderlyApp(TestDatabase.For("postgres"))
{
    /// <summary>Set by test.sh, which starts a throwaway cluster; a missing variable fails the test rather than skipping it.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("ORDERLY_TEST_POSTGRES")
        ?? throw new InvalidOperationException("ORDERLY_TEST_POSTGRES is not set: run the tests through ./test.sh, which starts PostgreSQL.");
}
