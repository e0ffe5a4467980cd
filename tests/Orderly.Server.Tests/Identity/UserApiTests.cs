using Microsoft.EntityFrameworkCore;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Identity;

/// <summary>POST /api/users as api-contract.md describes it: admin only, displayName optional, roles checked, the user can log in.</summary>
public abstract class UserApiTests(OrderlyApp app)
{
    [Fact]
    public async Task CreateUser_WithTheContractBodyWithoutDisplayName_Answers201_AndTheUserCanLogIn()
    {
        using var admin = await app.AdminAsync();
        var email = $"{TestData.Unique("clerk")}@orderly.test";

        var created = (await admin.PostAsync("/api/users", new { email, password = "Clerk-Password-1", roles = Roles("OrderClerk") }))
            .Expect(HttpStatusCode.Created);

        var read = (await admin.GetJsonAsync($"/api/users/{created.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(email, read["email"].Str());
        Assert.Equal(["OrderClerk"], read["roles"]!.AsArray().Select(r => r.Str()));
        using var anonymous = app.Anonymous();
        (await anonymous.PostAsync("/api/auth/token", new { email, password = "Clerk-Password-1" })).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CreateUser_WithDisplayNameAndRoles_ReturnsThem()
    {
        using var admin = await app.AdminAsync();
        var email = $"{TestData.Unique("mgr")}@orderly.test";

        var created = (await admin.PostAsync("/api/users", new { email, password = "Manager-Password-1", displayName = "李经理", roles = Roles("SalesManager", "Finance") }))
            .Expect(HttpStatusCode.Created);

        Assert.Equal("李经理", created["displayName"].Str());
        var read = (await admin.GetJsonAsync($"/api/users/{created.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal("李经理", read["displayName"].Str());
        Assert.Equal(["Finance", "SalesManager"], read["roles"]!.AsArray().Select(r => r.Str()).Order());
    }

    [Fact]
    public async Task CreateUser_WithAnUnknownRoleOrAWeakPassword_Answers422_AndCreatesNobody()
    {
        using var admin = await app.AdminAsync();
        var before = await app.WithDbAsync(db => db.Users.CountAsync());

        (await admin.PostAsync("/api/users", new { email = $"{TestData.Unique("x")}@orderly.test", password = "Good-Password-1", displayName = "x", roles = Roles("Emperor") }))
            .ExpectViolations(("roles", "UnknownRole"));
        var weak = (await admin.PostAsync("/api/users", new { email = $"{TestData.Unique("y")}@orderly.test", password = "short", displayName = "y", roles = Roles("Viewer") }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("password", weak.Violations().Select(v => v.Field));

        Assert.Equal(before, await app.WithDbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task CreateUser_WithATakenEmail_IsRefused()
    {
        using var admin = await app.AdminAsync();
        var email = $"{TestData.Unique("dup")}@orderly.test";
        (await admin.PostAsync("/api/users", new { email, password = "Good-Password-1", displayName = "一", roles = Roles("Viewer") })).Expect(HttpStatusCode.Created);

        var again = await admin.PostAsync("/api/users", new { email, password = "Good-Password-2", displayName = "二", roles = Roles("Viewer") });

        Assert.True(again.Status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity, $"got {(int)again.Status}: {again.Body?.ToJsonString()}");
        Assert.Equal(Problems.MediaType, again.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(u => u.Email == email)));
    }

    [Fact]
    public async Task Users_AreForAdminsOnly()
    {
        using var admin = await app.AdminAsync();
        using var manager = await app.UserAsync("users-manager@orderly.test", "SalesManager");
        var id = (await admin.PostAsync("/api/users", new { email = $"{TestData.Unique("v")}@orderly.test", password = "Good-Password-1", displayName = "v", roles = Roles("Viewer") }))
            .Expect(HttpStatusCode.Created).Id();

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync("/api/users", new { email = "sneaky@orderly.test", password = "Good-Password-1", displayName = "s", roles = Roles("Admin") })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetJsonAsync($"/api/users/{id}")).Status);
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync(u => u.Email == "sneaky@orderly.test")));
    }

    [Fact]
    public async Task GetUser_Unknown_Answers404()
    {
        using var admin = await app.AdminAsync();
        var missing = await admin.GetJsonAsync($"/api/users/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(Problems.MediaType, missing.Response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task LanguageSwitch_WhenLoggedIn_RemembersTheChoiceWithTheUser_AndOnlySupportedOnes()
    {
        var email = $"{TestData.Unique("lang")}@orderly.test";
        using var user = await app.UserAsync(email, "Viewer");
        var id = await app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());
        Task<List<string>> ChoicesAsync() => app.WithDbAsync(db => db.UserClaims.Where(c => c.UserId == id && c.ClaimType == "orderly:culture").Select(c => c.ClaimValue!).ToListAsync());

        await user.GetAsync("/culture/set?culture=zh-CN&redirectUri=/");
        Assert.Equal(["zh-CN"], await ChoicesAsync());
        await user.GetAsync("/culture/set?culture=en&redirectUri=/");
        Assert.Equal(["en"], await ChoicesAsync());
        await user.GetAsync("/culture/set?culture=fr-FR&redirectUri=/");
        Assert.Equal(["en"], await ChoicesAsync());

        using var anonymous = app.Anonymous();
        var before = await app.WithDbAsync(db => db.UserClaims.CountAsync());
        await anonymous.GetAsync("/culture/set?culture=zh-CN&redirectUri=/");
        Assert.Equal(before, await app.WithDbAsync(db => db.UserClaims.CountAsync()));
    }

    private static string[] Roles(params string[] roles) => roles;
}

public sealed class UserApiTests_Sqlite(SqliteApp app) : UserApiTests(app), IClassFixture<SqliteApp>;

public sealed class UserApiTests_Postgres(PostgresApp app) : UserApiTests(app), IClassFixture<PostgresApp>;
