using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Identity;

namespace Orderly.Server.Tests.Security;

/// <summary>Counts password hash checks, so a test sees whether a login did the hashing work (no wall-clock timing).</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<AppUser>
{
    private readonly PasswordHasher<AppUser> _inner = new();
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

public interface ICountingHasherApp
{
    CountingPasswordHasher Hasher { get; }
}

public sealed class CountingHasherSqliteApp() : OrderlyApp(TestDatabase.For("sqlite")), ICountingHasherApp
{
    public CountingPasswordHasher Hasher { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(Hasher));
    }
}

public sealed class CountingHasherPostgresApp() : OrderlyApp(TestDatabase.For("postgres")), ICountingHasherApp
{
    public CountingPasswordHasher Hasher { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(Hasher));
    }
}

/// <summary>
/// Issue #12, point 4: an unknown e-mail, a disabled user (even with the right password) and a wrong password get
/// the same answer, each after one password hash check, and the same lockout after five tries.
/// </summary>
public abstract class LoginEnumerationTests(OrderlyApp app)
{
    private CountingPasswordHasher Hasher => ((ICountingHasherApp)app).Hasher;

    private async Task<(HttpStatusCode Status, string Body, int Hashes)> TryAsync(HttpClient anonymous, string route, string email, string password)
    {
        var before = Hasher.Verifications;
        var answer = await anonymous.PostAsync(route, new { email, password });
        return (answer.Status, SecurityKit.Comparable(answer.Body), Hasher.Verifications - before);
    }

    private async Task<string> DisabledUserAsync(string email)
    {
        (await app.UserAsync(email, "Viewer")).Dispose();
        using var admin = await app.AdminAsync();
        (await admin.PostAsync($"/api/users/{await app.UserIdAsync(email)}/disable")).Expect(HttpStatusCode.NoContent);
        return email;
    }

    [Theory]
    [InlineData("/api/auth/token")]
    [InlineData("/api/auth/login")]
    public async Task UnknownDisabledAndWrongPassword_GetTheSameAnswer_AfterOneHashCheckEach(string route)
    {
        var tag = route.EndsWith("token", StringComparison.Ordinal) ? "t" : "c";
        var wrongPasswordUser = $"enum-wrong-{tag}@orderly.test";
        (await app.UserAsync(wrongPasswordUser, "Viewer")).Dispose();
        var disabled = await DisabledUserAsync($"enum-disabled-{tag}@orderly.test");
        using var anonymous = app.Anonymous();

        var unknown = await TryAsync(anonymous, route, $"enum-nobody-{tag}@orderly.test", OrderlyApp.AdminPassword);
        var disabledRight = await TryAsync(anonymous, route, disabled, OrderlyApp.AdminPassword);
        var wrong = await TryAsync(anonymous, route, wrongPasswordUser, "Wrong-Password-9");

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal((unknown.Status, unknown.Body), (disabledRight.Status, disabledRight.Body));
        Assert.Equal((unknown.Status, unknown.Body), (wrong.Status, wrong.Body));
        Assert.Equal([1, 1, 1], new[] { unknown.Hashes, disabledRight.Hashes, wrong.Hashes });
    }

    [Fact]
    public async Task UnknownDisabledAndWrongPassword_AreLockedOutAlike_AfterFiveTries()
    {
        var wrongPasswordUser = "enum-lock-wrong@orderly.test";
        (await app.UserAsync(wrongPasswordUser, "Viewer")).Dispose();
        var disabled = await DisabledUserAsync("enum-lock-disabled@orderly.test");
        using var anonymous = app.Anonymous();
        var cases = new[] { ("enum-lock-nobody@orderly.test", OrderlyApp.AdminPassword), (disabled, OrderlyApp.AdminPassword), (wrongPasswordUser, "Wrong-Password-9") };

        var answers = new List<string>();
        foreach (var (email, password) in cases)
        {
            var statuses = new List<int>();
            for (var i = 0; i < 6; i++)
            {
                var answer = await TryAsync(anonymous, "/api/auth/token", email, password);
                statuses.Add((int)answer.Status);
                Assert.Equal(1, answer.Hashes);
            }

            answers.Add(string.Join(",", statuses));
        }

        Assert.Equal("401,401,401,401,429,429", answers[0]);
        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(answers[0], answers[2]);
    }
}

public sealed class LoginEnumerationTests_Sqlite(CountingHasherSqliteApp app) : LoginEnumerationTests(app), IClassFixture<CountingHasherSqliteApp>;

public sealed class LoginEnumerationTests_Postgres(CountingHasherPostgresApp app) : LoginEnumerationTests(app), IClassFixture<CountingHasherPostgresApp>;
