using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Catalog;

/// <summary>The product catalog through HTTP: the contract fields, filters, keyset pages, ETag updates and natural-key conflicts.</summary>
public abstract class ProductApiTests(OrderlyApp app)
{
    [Fact]
    public async Task Create_ReturnsTheContractFields_AndGetReturnsTheSame()
    {
        using var admin = await app.AdminAsync();
        var sku = TestData.Unique("SKU");
        var created = await admin.PostAsync("/api/products", new
        {
            sku, name = "不锈钢螺丝 M6", unit = "box", listPrice = 12.50m, currency = "CNY", category = "五金", minPrice = 10m, cost = 6.2m,
        });
        var body = created.Expect(HttpStatusCode.Created);
        Assert.Equal($"/api/products/{body.Id()}", created.Response.Headers.Location?.OriginalString);
        Assert.NotNull(created.Response.Headers.ETag);

        var read = (await admin.GetJsonAsync($"/api/products/{body.Id()}")).Expect(HttpStatusCode.OK);
        foreach (var product in new[] { body, read })
        {
            Assert.Equal(body.Id(), product.Id());
            Assert.Equal(sku, product["sku"].Str());
            Assert.Equal("不锈钢螺丝 M6", product["name"].Str());
            Assert.Equal("box", product["unit"].Str());
            Assert.Equal(12.50m, product["listPrice"].Dec());
            Assert.Equal("CNY", product["currency"].Str());
            Assert.Equal("五金", product["category"].Str());
            Assert.Equal(10m, product["minPrice"].Dec());
            Assert.True(product["isActive"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task AnEnglishName_IsKeptBesideTheName_SearchedBoth_AndCheckedLikeIt()
    {
        using var admin = await app.AdminAsync();
        var sku = TestData.Unique("SKU");
        var word = TestData.Unique("Widget");
        var body = (await admin.PostAsync("/api/products", new { sku, name = "不锈钢垫圈 M6", nameEn = $"Stainless washer M6 {word}", unit = "box", listPrice = 3m }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("不锈钢垫圈 M6", body["name"].Str());
        Assert.Equal($"Stainless washer M6 {word}", body["nameEn"].Str());
        var found = (await admin.GetJsonAsync($"/api/products?q={Uri.EscapeDataString(word.ToLowerInvariant())}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal(body.Id(), Assert.Single(found)!.Id());

        var tooLong = (await admin.PostAsync("/api/products", new { sku = TestData.Unique("SKU"), name = "长", nameEn = new string('x', 201), unit = "pcs", listPrice = 1m }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("nameEn", tooLong.ToJsonString(), StringComparison.Ordinal);
        var customer = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "北京京城商贸", nameEn = "Beijing Jingcheng Trading" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("Beijing Jingcheng Trading", customer["nameEn"].Str());
        var warehouse = (await admin.PostAsync("/api/warehouses", new { code = TestData.Unique("W"), name = "成都仓", nameEn = "Chengdu Warehouse" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("Chengdu Warehouse", warehouse["nameEn"].Str());
    }

    [Fact]
    public async Task Create_WithoutCurrency_DefaultsToCny_AndMinPriceToListPrice()
    {
        using var admin = await app.AdminAsync();
        var body = (await admin.PostAsync("/api/products", new { sku = TestData.Unique("SKU"), name = "默认", unit = "pcs", listPrice = 8m }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("CNY", body["currency"].Str());
        Assert.Equal(8m, body["minPrice"].Dec());
        Assert.Null(body["category"]?.GetValue<string>());
    }

    [Fact]
    public async Task Create_WithATakenSku_Answers409_AndWritesNothing()
    {
        using var admin = await app.AdminAsync();
        var sku = TestData.Unique("SKU");
        (await admin.PostAsync("/api/products", new { sku, name = "第一", unit = "pcs", listPrice = 1m })).Expect(HttpStatusCode.Created);
        var before = await app.WithDbAsync(db => db.Products.CountAsync());

        var conflict = (await admin.PostAsync("/api/products", new { sku, name = "第二", unit = "pcs", listPrice = 2m })).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("DuplicateSku", conflict["code"].Str());
        var padded = (await admin.PostAsync("/api/products", new { sku = $"  {sku} ", name = "第三", unit = "pcs", listPrice = 2m })).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("DuplicateSku", padded["code"].Str());
        Assert.Equal(before, await app.WithDbAsync(db => db.Products.CountAsync()));
    }

    [Fact]
    public async Task UnknownIds_Answer404ProblemJson()
    {
        using var admin = await app.AdminAsync();
        var id = Guid.NewGuid();
        (await admin.GetJsonAsync($"/api/products/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await admin.PutAsync($"/api/products/{id}", new { sku = "X", name = "X", unit = "pcs", listPrice = 1m }, "*")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_FiltersByTextOverSkuAndName_IncludingChinese()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("").Trim('-');
        var screw = await CreateAsync(admin, $"SCREW-{tag}", $"十字螺丝刀{tag}", "工具");
        var drill = await CreateAsync(admin, $"DRILL-{tag}", $"电钻 Bosch {tag}", "工具");
        var tape = await CreateAsync(admin, $"TAPE-{tag}", $"胶带 {tag}", "耗材");

        Assert.Equal([screw], await IdsAsync(admin, $"q={Uri.EscapeDataString("螺丝刀" + tag)}"));
        Assert.Equal([drill], await IdsAsync(admin, $"q={Uri.EscapeDataString($"drill-{tag}")}"));
        Assert.Equal([drill], await IdsAsync(admin, $"q={Uri.EscapeDataString($"BOSCH {tag}")}"));
        Assert.Equal(new[] { screw, drill, tape }.Order(), (await IdsAsync(admin, $"q={tag}")).Order());
        Assert.Empty(await IdsAsync(admin, $"q={Uri.EscapeDataString("不存在" + tag)}"));
    }

    [Fact]
    public async Task List_FiltersByCategoryAndActive()
    {
        using var admin = await app.AdminAsync();
        var category = "类目-" + TestData.Unique("");
        var on = await CreateAsync(admin, TestData.Unique("A"), "在售", category);
        var off = await CreateAsync(admin, TestData.Unique("B"), "停售", category, isActive: false);
        await CreateAsync(admin, TestData.Unique("C"), "别的", category + "x");

        var c = Uri.EscapeDataString(category);
        Assert.Equal(new[] { on, off }.Order(), (await IdsAsync(admin, $"category={c}")).Order());
        Assert.Equal([on], await IdsAsync(admin, $"category={c}&active=true"));
        Assert.Equal([off], await IdsAsync(admin, $"category={c}&active=false"));
    }

    [Fact]
    public async Task List_PagesWithACursor_ConcatenatingToTheWholeFilteredSet()
    {
        using var admin = await app.AdminAsync();
        var category = "分页-" + TestData.Unique("");
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await CreateAsync(admin, TestData.Unique("PG"), $"分页产品 {i}", category));
        }

        var c = Uri.EscapeDataString(category);
        var whole = await IdsAsync(admin, $"category={c}&limit=200");
        Assert.Equal(ids.Order(), whole.Order());

        var pages = new List<List<Guid>>();
        string? cursor = null;
        do
        {
            var page = (await admin.GetJsonAsync($"/api/products?category={c}&limit=3{(cursor is null ? "" : $"&cursor={cursor}")}")).Expect(HttpStatusCode.OK);
            pages.Add([.. page["items"]!.AsArray().Select(p => p!.Id())]);
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(pages.Count <= 3, "paging does not end");
        }
        while (cursor is not null);

        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        Assert.Equal(whole, pages.SelectMany(p => p));
    }

    [Fact]
    public async Task List_ClampsTheLimitTo200()
    {
        using var admin = await app.AdminAsync();
        var category = "批量-" + TestData.Unique("");
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < 205; i++)
            {
                db.Products.Add(new Product(new ProductDetails(TestData.Unique("BULK"), $"批量 {i}", "pcs", 1m, Category: category), DateTimeOffset.UtcNow));
            }

            return await db.SaveChangesAsync();
        });

        var c = Uri.EscapeDataString(category);
        var first = (await admin.GetJsonAsync($"/api/products?category={c}&limit=1000000")).Expect(HttpStatusCode.OK);
        Assert.Equal(200, first["items"]!.AsArray().Count);
        var cursor = first["nextCursor"].Str();
        var second = (await admin.GetJsonAsync($"/api/products?category={c}&limit=1000000&cursor={cursor}")).Expect(HttpStatusCode.OK);
        Assert.Equal(5, second["items"]!.AsArray().Count);
        Assert.Null(second["nextCursor"]?.GetValue<string>());
        Assert.Empty(first["items"]!.AsArray().Select(p => p!.Id()).Intersect(second["items"]!.AsArray().Select(p => p!.Id())));

        var defaultPage = (await admin.GetJsonAsync($"/api/products?category={c}")).Expect(HttpStatusCode.OK);
        Assert.InRange(defaultPage["items"]!.AsArray().Count, 1, 200);
    }

    [Fact]
    public async Task List_WithAForeignCursor_Answers422()
    {
        using var admin = await app.AdminAsync();
        (await admin.GetJsonAsync("/api/products?cursor=abc")).ExpectProblem(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Update_NeedsTheCurrentETag()
    {
        using var admin = await app.AdminAsync();
        var sku = TestData.Unique("SKU");
        var created = await admin.PostAsync("/api/products", new { sku, name = "旧名", unit = "pcs", listPrice = 10m });
        var id = created.Expect(HttpStatusCode.Created).Id();
        var etag = created.Response.Headers.ETag!.ToString();
        var change = new { sku, name = "新名", unit = "pcs", listPrice = 11m, category = "新类" };

        (await admin.PutAsync($"/api/products/{id}", change, null)).ExpectProblem(HttpStatusCode.PreconditionRequired);
        (await admin.PutAsync($"/api/products/{id}", change, "\"999\"")).ExpectProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal("旧名", (await admin.GetJsonAsync($"/api/products/{id}")).Expect(HttpStatusCode.OK)["name"].Str());

        var updated = await admin.PutAsync($"/api/products/{id}", change, etag);
        var body = updated.Expect(HttpStatusCode.OK);
        Assert.Equal("新名", body["name"].Str());
        Assert.Equal(11m, body["listPrice"].Dec());
        Assert.Equal("新类", body["category"].Str());
        var newEtag = updated.Response.Headers.ETag!.ToString();
        Assert.NotEqual(etag, newEtag);

        (await admin.PutAsync($"/api/products/{id}", change, etag)).ExpectProblem(HttpStatusCode.PreconditionFailed);
        var read = await admin.GetJsonAsync($"/api/products/{id}");
        Assert.Equal("新名", read.Expect(HttpStatusCode.OK)["name"].Str());
        Assert.Equal(newEtag, read.Response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Update_ToATakenSku_Answers409_AndKeepsTheOldSku()
    {
        using var admin = await app.AdminAsync();
        var taken = TestData.Unique("SKU");
        await CreateAsync(admin, taken, "已有", null);
        var mine = TestData.Unique("SKU");
        var created = await admin.PostAsync("/api/products", new { sku = mine, name = "我的", unit = "pcs", listPrice = 1m });
        var id = created.Expect(HttpStatusCode.Created).Id();

        var conflict = (await admin.PutAsync($"/api/products/{id}", new { sku = taken, name = "我的", unit = "pcs", listPrice = 1m }, created.Response.Headers.ETag!.ToString()))
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("DuplicateSku", conflict["code"].Str());
        Assert.Equal(mine, (await admin.GetJsonAsync($"/api/products/{id}")).Expect(HttpStatusCode.OK)["sku"].Str());
    }

    [Fact]
    public async Task Create_IsForCatalogRoles_ReadIsForEveryone()
    {
        using var admin = await app.AdminAsync();
        var id = await CreateAsync(admin, TestData.Unique("SKU"), "读", null);
        using var rep = await app.UserAsync("catalog-rep@orderly.test", "SalesRep");
        using var buyer = await app.UserAsync("catalog-buyer@orderly.test", "Purchasing");

        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync("/api/products", new { sku = TestData.Unique("R"), name = "x", unit = "pcs", listPrice = 1m })).Status);
        (await rep.GetJsonAsync($"/api/products/{id}")).Expect(HttpStatusCode.OK);
        (await buyer.PostAsync("/api/products", new { sku = TestData.Unique("P"), name = "采购建", unit = "pcs", listPrice = 1m })).Expect(HttpStatusCode.Created);
    }

    private static async Task<Guid> CreateAsync(HttpClient admin, string sku, string name, string? category, bool isActive = true) =>
        (await admin.PostAsync("/api/products", new { sku, name, unit = "pcs", listPrice = 5m, category, isActive })).Expect(HttpStatusCode.Created).Id();

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string query) =>
        [.. (await client.GetJsonAsync($"/api/products?{query}")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Select(p => p!.Id())];
}

public sealed class ProductApiTests_Sqlite(SqliteApp app) : ProductApiTests(app), IClassFixture<SqliteApp>;

public sealed class ProductApiTests_Postgres(PostgresApp app) : ProductApiTests(app), IClassFixture<PostgresApp>;
