namespace Orderly.Server.Tests.Security;

/// <summary>
/// Issue #12, point 3: a sales rep cannot raise their own customer's credit limit, unblock it or change its payment
/// terms, on creation or update; Finance can; a rep's new customer gets the configured default limit (0), so its
/// orders go through approval's credit rule.
/// </summary>
public abstract class CreditTermsTests(OrderlyApp app)
{
    [Fact]
    public async Task ARep_CannotCreateACustomerWithALimit_AndTheirNewCustomerGetsTheDefaultLimit()
    {
        using var rep = await app.UserAsync("credit-rep-create@orderly.test", "SalesRep");
        var huge = await rep.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "大额", creditLimit = 1_000_000_000_000m });
        Assert.Equal(HttpStatusCode.Forbidden, huge.Status);
        Assert.Equal("CreditTermsRestricted", huge.Body!["code"].Str());
        Assert.Contains("creditLimit", huge.Body["detail"].Str(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "账期", paymentTermsDays = 120 })).Status);

        var created = (await rep.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "默认" })).Expect(HttpStatusCode.Created);
        Assert.Equal(0m, created["creditLimit"].Dec());
    }

    [Fact]
    public async Task ARep_CannotRaiseOrUnblockTheirOwnCustomer_ButKeepsTheTermsWhenEditingOtherFields()
    {
        using var rep = await app.UserAsync("credit-rep-update@orderly.test", "SalesRep");
        var repId = await app.UserIdAsync("credit-rep-update@orderly.test");
        using var admin = await app.AdminAsync();
        var code = TestData.Unique("C");
        var created = await admin.PostAsync("/api/customers", new { code, name = "受限", creditLimit = 10_000m, isBlocked = true, paymentTermsDays = 30, ownerUserId = repId });
        var id = created.Expect(HttpStatusCode.Created).Id();
        var etag = created.Response.Headers.ETag!.ToString();

        var raise = await rep.PutAsync($"/api/customers/{id}", new { code, name = "受限", creditLimit = 999_999_999m, isBlocked = false }, etag);
        Assert.Equal(HttpStatusCode.Forbidden, raise.Status);
        Assert.Equal("CreditTermsRestricted", raise.Body!["code"].Str());
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PutAsync($"/api/customers/{id}", new { code, name = "受限", isBlocked = false }, etag)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PutAsync($"/api/customers/{id}", new { code, name = "受限", paymentTermsDays = 90 }, etag)).Status);

        var renamed = (await rep.PutAsync($"/api/customers/{id}", new { code, name = "改名" }, etag)).Expect(HttpStatusCode.OK);
        Assert.Equal(10_000m, renamed["creditLimit"].Dec());
        Assert.True(renamed["isBlocked"]!.GetValue<bool>());
        Assert.Equal(30, renamed["paymentTermsDays"]!.GetValue<int>());
    }

    [Fact]
    public async Task Finance_SetsTheLimit_AndApprovalUsesIt()
    {
        using var rep = await app.UserAsync("credit-rep-order@orderly.test", "SalesRep");
        using var finance = await app.UserAsync("credit-finance@orderly.test", "Finance");
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var product = await data.ProductAsync(listPrice: 100m);
        var customer = (await rep.PostAsync("/api/customers", new { code = TestData.Unique("C"), name = "审批" })).Expect(HttpStatusCode.Created);
        var id = customer.Id();

        // The default limit of 0: the rep's first order waits for approval on credit.
        var first = await SecurityKit.OrderAsync(rep, id, product, 1);
        if (first["status"].Str() == "Draft")
        {
            (await rep.PostAsync($"/api/orders/{first.Id()}/submit")).Expect(HttpStatusCode.OK);
        }

        var pending = (await rep.GetJsonAsync($"/api/orders/{first.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal("PendingApproval", pending["status"].Str());

        var current = await finance.GetJsonAsync($"/api/customers/{id}");
        var etag = current.Response.Headers.ETag!.ToString();
        var raised = (await finance.PutAsync($"/api/customers/{id}", new { code = customer["code"].Str(), name = "审批", creditLimit = 50_000m }, etag)).Expect(HttpStatusCode.OK);
        Assert.Equal(50_000m, raised["creditLimit"].Dec());
    }
}

public sealed class CreditTermsTests_Sqlite(SqliteApp app) : CreditTermsTests(app), IClassFixture<SqliteApp>;

public sealed class CreditTermsTests_Postgres(PostgresApp app) : CreditTermsTests(app), IClassFixture<PostgresApp>;
