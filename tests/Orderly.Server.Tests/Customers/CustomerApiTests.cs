using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Customers;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Customers;

/// <summary>Customer accounts through HTTP: contract fields, filters, keyset pages, ETag updates, code conflicts, open exposure.</summary>
public abstract class CustomerApiTests(OrderlyApp app)
{
    private static readonly string[] SalesRepRole = ["SalesRep"];

    [Fact]
    public async Task Create_ReturnsTheContractFields_AndGetReturnsTheSame()
    {
        using var admin = await app.AdminAsync();
        var owner = await NewUserAsync(admin);
        var code = TestData.Unique("C");
        var created = await admin.PostAsync("/api/customers", new
        {
            code, name = "上海华联贸易有限公司", creditLimit = 50_000m, currency = "CNY", paymentTermsDays = 45, region = "华东",
            email = "buyer@hualian.cn", phone = "+86 21 5555 0101", ownerUserId = owner, tier = "Gold",
            contacts = new[] { new { name = "张伟", title = "采购经理", email = "zhang.wei@hualian.cn", phone = "138 0000 0000", isPrimary = true } },
        });
        var body = created.Expect(HttpStatusCode.Created);
        Assert.Equal($"/api/customers/{body.Id()}", created.Response.Headers.Location?.OriginalString);

        var read = (await admin.GetJsonAsync($"/api/customers/{body.Id()}")).Expect(HttpStatusCode.OK);
        foreach (var customer in new[] { body, read })
        {
            Assert.Equal(body.Id(), customer.Id());
            Assert.Equal(code, customer["code"].Str());
            Assert.Equal("上海华联贸易有限公司", customer["name"].Str());
            Assert.Equal(50_000m, customer["creditLimit"].Dec());
            Assert.Equal("CNY", customer["currency"].Str());
            Assert.Equal(45, customer["paymentTermsDays"]!.GetValue<int>());
            Assert.Equal("华东", customer["region"].Str());
            Assert.Equal("buyer@hualian.cn", customer["email"].Str());
            Assert.Equal("+86 21 5555 0101", customer["phone"].Str());
            Assert.Equal(owner, customer["ownerUserId"]!.GetValue<Guid>());
            Assert.Equal("Gold", customer["tier"].Str());
            Assert.Equal("张伟", customer["contacts"]![0]!["name"].Str());
            Assert.Equal("采购经理", customer["contacts"]![0]!["title"].Str());
            Assert.True(customer["contacts"]![0]!["isPrimary"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task Create_WithOnlyCodeAndName_TakesTheDefaults()
    {
        using var admin = await app.AdminAsync();
        var body = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "最简客户" })).Expect(HttpStatusCode.Created);
        Assert.Equal("CNY", body["currency"].Str());
        Assert.Equal(30, body["paymentTermsDays"]!.GetValue<int>());
        Assert.Equal("Standard", body["tier"].Str());
        Assert.Null(body["creditLimit"]?.GetValue<decimal>());
        Assert.True(body["isActive"]!.GetValue<bool>());
        Assert.False(body["isBlocked"]!.GetValue<bool>());
        Assert.Empty(body["contacts"]!.AsArray());
    }

    [Fact]
    public async Task Create_WithATakenCode_Answers409_AndWritesNothing()
    {
        using var admin = await app.AdminAsync();
        var code = TestData.Unique("C");
        (await admin.PostAsync("/api/customers", new { code, name = "第一家" })).Expect(HttpStatusCode.Created);
        var before = await app.WithDbAsync(db => db.Customers.CountAsync());

        var conflict = (await admin.PostAsync("/api/customers", new { code, name = "第二家" })).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("DuplicateCode", conflict["code"].Str());
        Assert.Equal(before, await app.WithDbAsync(db => db.Customers.CountAsync()));
    }

    [Fact]
    public async Task UnknownIds_Answer404ProblemJson()
    {
        using var admin = await app.AdminAsync();
        var id = Guid.NewGuid();
        (await admin.GetJsonAsync($"/api/customers/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await admin.PutAsync($"/api/customers/{id}", new { code = "X", name = "X" }, "*")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_FiltersByRegionTierOwnerBlockedAndActive()
    {
        using var admin = await app.AdminAsync();
        var region = "区域-" + TestData.Unique("");
        var owner = await NewUserAsync(admin);
        var gold = await CreateAsync(admin, new { code = TestData.Unique("C"), name = "金牌", region, tier = "Gold", ownerUserId = owner });
        var blocked = await CreateAsync(admin, new { code = TestData.Unique("C"), name = "冻结", region, isBlocked = true, ownerUserId = owner });
        var inactive = await CreateAsync(admin, new { code = TestData.Unique("C"), name = "停用", region, tier = "Gold", isActive = false });
        var elsewhere = await CreateAsync(admin, new { code = TestData.Unique("C"), name = "外地", region = region + "-2", tier = "Gold", ownerUserId = owner });

        var r = Uri.EscapeDataString(region);
        Assert.Equal(Sorted(gold, blocked, inactive), Sorted([.. await IdsAsync(admin, $"region={r}")]));
        Assert.Equal(Sorted(gold, inactive), Sorted([.. await IdsAsync(admin, $"region={r}&tier=Gold")]));
        Assert.Equal(Sorted(gold, blocked), Sorted([.. await IdsAsync(admin, $"region={r}&ownerUserId={owner}")]));
        Assert.Equal(Sorted(gold, blocked, elsewhere), Sorted([.. await IdsAsync(admin, $"ownerUserId={owner}")]));
        Assert.Equal([blocked], await IdsAsync(admin, $"region={r}&blocked=true"));
        Assert.Equal(Sorted(gold, inactive), Sorted([.. await IdsAsync(admin, $"region={r}&blocked=false")]));
        Assert.Equal([inactive], await IdsAsync(admin, $"region={r}&active=false"));
    }

    [Fact]
    public async Task List_FiltersByTextOverCodeAndName_IncludingChinese()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("").Trim('-');
        var hualian = await CreateAsync(admin, new { code = $"HL-{tag}", name = $"上海华联贸易有限公司{tag}" });
        var other = await CreateAsync(admin, new { code = $"BJ-{tag}", name = $"北京百货{tag}" });

        Assert.Equal([hualian], await IdsAsync(admin, $"q={Uri.EscapeDataString("华联贸易有限公司" + tag)}"));
        Assert.Equal([other], await IdsAsync(admin, $"q={Uri.EscapeDataString($"bj-{tag}")}"));
        Assert.Equal(Sorted(hualian, other), Sorted([.. await IdsAsync(admin, $"q={tag}")]));
    }

    [Fact]
    public async Task List_PagesWithACursor_ConcatenatingToTheWholeFilteredSet()
    {
        using var admin = await app.AdminAsync();
        var region = "分页-" + TestData.Unique("");
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateAsync(admin, new { code = TestData.Unique("PG"), name = $"分页客户 {i}", region }));
        }

        var r = Uri.EscapeDataString(region);
        var whole = await IdsAsync(admin, $"region={r}&limit=200");
        Assert.Equal(Sorted([.. ids]), Sorted([.. whole]));

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = (await admin.GetJsonAsync($"/api/customers?region={r}&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).Expect(HttpStatusCode.OK);
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(c => c!.Id()));
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(++pages <= 3, "paging does not end");
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(whole, seen);
    }

    [Fact]
    public async Task List_ClampsTheLimitTo200()
    {
        using var admin = await app.AdminAsync();
        var region = "批量-" + TestData.Unique("");
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < 203; i++)
            {
                db.Customers.Add(new Customer(new CustomerDetails(TestData.Unique("B"), $"批量客户 {i}", Region: region), DateTimeOffset.UtcNow));
            }

            return await db.SaveChangesAsync();
        });

        var r = Uri.EscapeDataString(region);
        var first = (await admin.GetJsonAsync($"/api/customers?region={r}&limit=1000000")).Expect(HttpStatusCode.OK);
        Assert.Equal(200, first["items"]!.AsArray().Count);
        var second = (await admin.GetJsonAsync($"/api/customers?region={r}&limit=1000000&cursor={first["nextCursor"].Str()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(3, second["items"]!.AsArray().Count);
        Assert.Null(second["nextCursor"]?.GetValue<string>());
    }

    [Fact]
    public async Task Update_NeedsTheCurrentETag_AndReplacesTheContacts()
    {
        using var admin = await app.AdminAsync();
        var code = TestData.Unique("C");
        var created = await admin.PostAsync("/api/customers", new { code, name = "旧名", contacts = new[] { new { name = "张伟" }, new { name = "李娜" } } });
        var id = created.Expect(HttpStatusCode.Created).Id();
        var etag = created.Response.Headers.ETag!.ToString();
        var change = new { code, name = "新名", creditLimit = 9_000m, region = "华南", contacts = new[] { new { name = "王芳", isPrimary = true } } };

        (await admin.PutAsync($"/api/customers/{id}", change, null)).ExpectProblem(HttpStatusCode.PreconditionRequired);
        (await admin.PutAsync($"/api/customers/{id}", change, "\"12345\"")).ExpectProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal("旧名", (await admin.GetJsonAsync($"/api/customers/{id}")).Expect(HttpStatusCode.OK)["name"].Str());

        var updated = await admin.PutAsync($"/api/customers/{id}", change, etag);
        var body = updated.Expect(HttpStatusCode.OK);
        Assert.NotEqual(etag, updated.Response.Headers.ETag!.ToString());
        var read = (await admin.GetJsonAsync($"/api/customers/{id}")).Expect(HttpStatusCode.OK);
        foreach (var customer in new[] { body, read })
        {
            Assert.Equal("新名", customer["name"].Str());
            Assert.Equal(9_000m, customer["creditLimit"].Dec());
            Assert.Equal("华南", customer["region"].Str());
            Assert.Equal(["王芳"], customer["contacts"]!.AsArray().Select(c => c!["name"].Str()));
        }

        (await admin.PutAsync($"/api/customers/{id}", new { code, name = "再改" }, etag)).ExpectProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal("新名", (await admin.GetJsonAsync($"/api/customers/{id}")).Expect(HttpStatusCode.OK)["name"].Str());
    }

    [Fact]
    public async Task Update_ToATakenCode_Answers409_AndKeepsTheOldCode()
    {
        using var admin = await app.AdminAsync();
        var taken = TestData.Unique("C");
        await CreateAsync(admin, new { code = taken, name = "已有" });
        var mine = TestData.Unique("C");
        var created = await admin.PostAsync("/api/customers", new { code = mine, name = "我的" });
        var id = created.Expect(HttpStatusCode.Created).Id();

        var conflict = (await admin.PutAsync($"/api/customers/{id}", new { code = taken, name = "我的" }, created.Response.Headers.ETag!.ToString()))
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("DuplicateCode", conflict["code"].Str());
        Assert.Equal(mine, (await admin.GetJsonAsync($"/api/customers/{id}")).Expect(HttpStatusCode.OK)["code"].Str());
    }

    [Fact]
    public async Task Get_ShowsOpenExposure_OfSubmittedOrdersOnly()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 125.50m);
        var customer = await data.CustomerAsync(creditLimit: 100_000m);
        Assert.Equal(0m, await ExposureAsync(admin, customer));

        var first = (await data.OrderAsync(customer, (product, 4))).Id();
        Assert.Equal(0m, await ExposureAsync(admin, customer));

        (await admin.PostAsync($"/api/orders/{first}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal(502m, await ExposureAsync(admin, customer));

        var second = (await data.OrderAsync(customer, (product, 2))).Id();
        (await admin.PostAsync($"/api/orders/{second}/submit")).Expect(HttpStatusCode.OK);
        Assert.Equal(753m, await ExposureAsync(admin, customer));

        (await admin.PostAsync($"/api/orders/{first}/cancel", new { reason = "客户取消" })).Expect(HttpStatusCode.OK);
        Assert.Equal(251m, await ExposureAsync(admin, customer));
    }

    [Fact]
    public async Task Create_IsForCustomerRoles_ReadIsForEveryone()
    {
        using var admin = await app.AdminAsync();
        var id = await CreateAsync(admin, new { code = TestData.Unique("C"), name = "读" });
        using var picker = await app.UserAsync("customers-picker@orderly.test", "Warehouse");
        using var rep = await app.UserAsync("customers-rep@orderly.test", "SalesRep");

        Assert.Equal(HttpStatusCode.Forbidden, (await picker.PostAsync("/api/customers", new { code = TestData.Unique("W"), name = "x" })).Status);
        (await picker.GetJsonAsync($"/api/customers/{id}")).Expect(HttpStatusCode.OK);
        (await rep.PostAsync("/api/customers", new { code = TestData.Unique("R"), name = "销售建" })).Expect(HttpStatusCode.Created);
    }

    private static async Task<decimal> ExposureAsync(HttpClient client, Guid customer) =>
        (await client.GetJsonAsync($"/api/customers/{customer}")).Expect(HttpStatusCode.OK)["openExposure"].Dec();

    private static async Task<Guid> NewUserAsync(HttpClient admin) =>
        (await admin.PostAsync("/api/users", new { email = $"{TestData.Unique("owner")}@orderly.test", password = OrderlyApp.AdminPassword, displayName = "负责人", roles = SalesRepRole }))
            .Expect(HttpStatusCode.Created).Id();

    private static async Task<Guid> CreateAsync(HttpClient admin, object body) =>
        (await admin.PostAsync("/api/customers", body)).Expect(HttpStatusCode.Created).Id();

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string query) =>
        [.. (await client.GetJsonAsync($"/api/customers?{query}")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Select(c => c!.Id())];

    private static List<Guid> Sorted(params Guid[] ids) => [.. ids.Order()];
}

public sealed class CustomerApiTests_Sqlite(SqliteApp app) : CustomerApiTests(app), IClassFixture<SqliteApp>;

public sealed class CustomerApiTests_Postgres(PostgresApp app) : CustomerApiTests(app), IClassFixture<PostgresApp>;
