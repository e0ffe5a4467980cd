using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orderly.Server.Identity;

namespace Orderly.Server.Tests.Supply;

/// <summary>
/// The server with a clock of its own (starting on the 1st of next month, 09:00 in Shanghai, so a test's receipts
/// stay in one scorecard period) and a local fake Kuaidi100.
/// </summary>
public abstract class SupplyApp(TestDatabase database) : OrderlyApp(database)
{
    public const string Salt = "abc123salt";

    public FakeTimeProvider Clock { get; } = new(FirstOfNextMonth());

    public FakeKuaidi100 Kuaidi100 { get; } = new();

    public FakeSfExpress SfExpress { get; } = new();

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);

    public async Task<HttpClient> AdminNowAsync() => await LoginAsync(AdminEmail);

    /// <summary>Creates a user with the roles (once) and returns its id and a client logged in by the current clock.</summary>
    public async Task<(Guid Id, HttpClient Client)> PersonAsync(string email, params string[] roles)
    {
        using var admin = await AdminNowAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new { email, password = AdminPassword, displayName = email, roles });
        var body = await created.Content.ReadFromJsonAsync<JsonObject>();
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating {email} failed: {body}");
        }

        return (body!["id"]!.GetValue<Guid>(), await LoginAsync(email));
    }

    /// <summary>Runs work in a scope acting as a system job.</summary>
    public async Task<T> AsSystemAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test");
        return await work(scope.ServiceProvider);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orderly:Scheduling:Enabled", "false");
        builder.UseSetting("Orderly:Logistics:Kuaidi100BaseUrl", Kuaidi100.BaseUrl.ToString());
        builder.UseSetting("Orderly:Logistics:Kuaidi100Customer", FakeKuaidi100.Customer);
        builder.UseSetting("Orderly:Logistics:Kuaidi100Key", FakeKuaidi100.Key);
        builder.UseSetting("Orderly:Logistics:Kuaidi100Salt", Salt);
        builder.UseSetting("Orderly:Logistics:NoMovementHours", "48");
        builder.UseSetting("Orderly:Logistics:Kuaidi100CallbackUrl", "https://orderly.test/api/integrations/kuaidi100/callback");
        builder.UseSetting("Orderly:Logistics:SfBaseUrl", SfExpress.BaseUrl.ToString());
        builder.UseSetting("Orderly:Logistics:SfPartnerId", FakeSfExpress.PartnerId);
        builder.UseSetting("Orderly:Logistics:SfCheckword", FakeSfExpress.Checkword);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Kuaidi100.DisposeAsync();
        await SfExpress.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static DateTimeOffset FirstOfNextMonth()
    {
        var now = DateTime.UtcNow;
        return new DateTimeOffset(new DateTime(now.Year, now.Month, 1, 1, 0, 0, DateTimeKind.Utc).AddMonths(1), TimeSpan.Zero);
    }

    private async Task<HttpClient> LoginAsync(string email)
    {
        using var anonymous = CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { email, password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public sealed class SupplySqliteApp() : SupplyApp(TestDatabase.For("sqlite"));

public sealed class SupplyPostgresApp() : SupplyApp(TestDatabase.For("postgres"));
