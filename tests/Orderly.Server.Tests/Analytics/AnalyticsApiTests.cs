using Orderly.Server.Tests.Security;

namespace Orderly.Server.Tests.Analytics;

/// <summary>The dashboard endpoints: what they answer, and that a sales rep sees only the sums of their own customers.</summary>
public abstract class AnalyticsApiTests(OrderlyApp app)
{
    [Fact]
    public async Task Dashboards_AnswerFromRollups_AndRepSeesOnlyOwnCustomers()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 40m);
        await data.ReceiveAsync(warehouse, product, 10_000);
        using var rep = await app.UserAsync("rep@analytics.test", "SalesRep");
        var repId = await app.UserIdAsync("rep@analytics.test");
        var mine = (await SecurityKit.CustomerAsync(admin, "代表的客户", repId)).Id();
        var others = (await SecurityKit.CustomerAsync(admin, "别人的客户")).Id();
        foreach (var (customer, quantity) in new[] { (mine, 5m), (others, 100m), (others, 50m) })
        {
            var id = (await data.OrderAsync(customer, (product, quantity))).Id();
            (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        }

        var all = (await admin.GetJsonAsync("/api/analytics/revenue")).Expect(HttpStatusCode.OK);
        Assert.Equal(30, all["days"]!.AsArray().Count);
        Assert.True(all["orders"]!.GetValue<long>() >= 3);
        var repRevenue = (await rep.GetJsonAsync("/api/analytics/revenue?currency=cny")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, repRevenue["orders"]!.GetValue<long>());
        Assert.Equal(200m, repRevenue["value"].Dec());

        var topCustomers = (await admin.GetJsonAsync("/api/analytics/top-customers?days=7&limit=2")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal(others, topCustomers[0]!["customerId"]!.GetValue<Guid>());
        Assert.Equal(6000m, topCustomers[0]!["value"].Dec());
        Assert.Equal(2, topCustomers[0]!["orders"]!.GetValue<long>());
        var repCustomers = (await rep.GetJsonAsync("/api/analytics/top-customers")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal([mine], repCustomers.Select(c => c!["customerId"]!.GetValue<Guid>()));
        Assert.Equal("代表的客户", repCustomers[0]!["name"].Str());

        var topProducts = (await admin.GetJsonAsync("/api/analytics/top-products")).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var row = topProducts.Single(p => p!["productId"]!.GetValue<Guid>() == product)!;
        Assert.Equal(155m, row["quantity"].Dec());
        Assert.Equal(6200m, row["value"].Dec());
        (await rep.GetJsonAsync("/api/analytics/top-products")).Expect(HttpStatusCode.Forbidden);
        (await rep.GetJsonAsync("/api/analytics/funnel")).Expect(HttpStatusCode.Forbidden);

        var funnel = (await admin.GetJsonAsync("/api/analytics/funnel?days=1")).Expect(HttpStatusCode.OK);
        var confirmed = funnel["statuses"]!.AsArray().Single(s => s!["status"].Str() == "Confirmed")!;
        Assert.True(confirmed["orders"]!.GetValue<long>() >= 3);
        Assert.Contains(funnel["stageTimes"]!.AsArray(), s => s!["status"].Str() == "Draft" && s["exits"]!.GetValue<long>() >= 3);
    }

    [Fact]
    public async Task Dashboards_RefuseBadPeriodsAndCurrencies()
    {
        using var admin = await app.AdminAsync();
        (await admin.GetJsonAsync("/api/analytics/revenue?from=2026-03-02&to=2026-03-01")).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync("/api/analytics/revenue?from=2024-01-01&to=2026-03-01")).Expect(HttpStatusCode.UnprocessableEntity);
        (await admin.GetJsonAsync("/api/analytics/revenue?currency=XXX")).Expect(HttpStatusCode.UnprocessableEntity);
        var clamped = (await admin.GetJsonAsync("/api/analytics/top-products?days=100000&limit=100000")).Expect(HttpStatusCode.OK);
        Assert.True(clamped["items"]!.AsArray().Count <= 100);
    }
}

public sealed class AnalyticsApiTests_Sqlite(SqliteApp app) : AnalyticsApiTests(app), IClassFixture<SqliteApp>;

public sealed class AnalyticsApiTests_Postgres(PostgresApp app) : AnalyticsApiTests(app), IClassFixture<PostgresApp>;
