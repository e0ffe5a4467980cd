using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orderly.Domain.Inventory;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Tests.Inventory;

/// <summary>Safety stock and reorder points: manual and computed policies, recomputation, its lease and schedule, reorder suggestions.</summary>
public abstract class ReplenishmentTests(ClockedApp app)
{
    [Fact]
    public async Task Policy_WithoutARow_IsComputedVersionZero_AndAManualChangeNeedsIfMatch()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        await data.ReceiveAsync(warehouse, product, 40);
        var url = $"/api/inventory/policies/{product}/{warehouse}";

        var implicitPolicy = await admin.GetJsonAsync(url);
        var body = implicitPolicy.Expect(HttpStatusCode.OK);
        Assert.Equal(("Computed", "\"0\""), (body["mode"].Str(), implicitPolicy.Response.Headers.ETag?.Tag));
        Assert.Null(body["id"]);
        Assert.Null(body["lastComputation"]);

        var manual = new { mode = "Manual", safetyStock = 10m, reorderPoint = 30m, maxCoverDays = 60 };
        Assert.Equal("IfMatchRequired", (await admin.PutAsync(url, manual, ifMatch: null)).Expect((HttpStatusCode)428)["code"].Str());
        var saved = await admin.PutAsync(url, manual, ifMatch: "\"0\"");
        body = saved.Expect(HttpStatusCode.OK);
        Assert.Equal("\"1\"", saved.Response.Headers.ETag?.Tag);
        Assert.Equal(("Manual", 10m, 30m, 60, 1), (body["mode"].Str(), body["safetyStock"].Dec(), body["reorderPoint"].Dec(), body["maxCoverDays"]!.GetValue<int>(), body["version"]!.GetValue<int>()));
        Assert.NotNull(body["id"]);

        Assert.Equal("StaleETag", (await admin.PutAsync(url, manual with { safetyStock = 11m }, ifMatch: "\"0\"")).Expect(HttpStatusCode.PreconditionFailed)["code"].Str());
        var back = (await admin.PutAsync(url, new { mode = "Computed", serviceLevel = 0.98m }, ifMatch: "\"1\"")).Expect(HttpStatusCode.OK);
        Assert.Equal(("Computed", 2), (back["mode"].Str(), back["version"]!.GetValue<int>()));
        Assert.Null(back["manualSafetyStock"]);
        Assert.Equal(0.98m, back["serviceLevel"].Dec());

        var policyId = body["id"]!.GetValue<Guid>().ToString();
        var audited = await app.WithDbAsync(db => Task.FromResult(db.AuditRecords.Count(a => a.EntityType == "StockPolicy" && a.EntityId == policyId)));
        Assert.Equal(2, audited);
    }

    [Fact]
    public async Task Put_BadPolicies_AreRefusedWithTheRule()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(isWholeUnit: true);
        var url = $"/api/inventory/policies/{product}/{warehouse}";

        Assert.Contains("Required", (await admin.PutAsync(url, new { mode = "Manual", safetyStock = 1m }, "*")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Contains("FractionalQuantity", (await admin.PutAsync(url, new { mode = "Manual", safetyStock = 1.5m, reorderPoint = 4m }, "*")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Contains("ReorderPointBelowSafetyStock", (await admin.PutAsync(url, new { mode = "Manual", safetyStock = 5m, reorderPoint = 4m }, "*")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Contains("NotSetInComputedMode", (await admin.PutAsync(url, new { mode = "Computed", reorderPoint = 4m }, "*")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        Assert.Contains("OutOfRange", (await admin.PutAsync(url, new { mode = "Computed", serviceLevel = 1.5m }, "*")).Expect(HttpStatusCode.UnprocessableEntity).Codes());
        (await admin.PutAsync(url, new { mode = "Sometimes" }, "*")).Expect(HttpStatusCode.BadRequest);
        (await admin.PutAsync($"/api/inventory/policies/{Guid.NewGuid()}/{warehouse}", new { mode = "Computed" }, "*")).Expect(HttpStatusCode.NotFound);
        (await admin.GetJsonAsync($"/api/inventory/policies/{product}/{Guid.NewGuid()}")).Expect(HttpStatusCode.NotFound);

        using var viewer = await app.UserNowAsync("viewer@replenishment.test", "Viewer");
        (await viewer.GetJsonAsync(url)).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsync(url, new { mode = "Computed" }, "*")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/inventory/policies/recompute")).Status);
    }

    [Fact]
    public async Task Recompute_ComputedPolicy_EqualsTheHandCalculation()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(isWholeUnit: true);
        var other = await data.ProductAsync();
        var today = app.Today;
        // Business days in Asia/Shanghai: 23:30 and 00:30 fall on two days. Today and day -91 are outside the 90-day window.
        await app.SeedAsync(product, warehouse, ClockedApp.Local(today.AddDays(-120), 9), 1000m,
            (ClockedApp.Local(today.AddDays(-91), 12), 100m),
            (ClockedApp.Local(today.AddDays(-90), 8), 6m),
            (ClockedApp.Local(today.AddDays(-30), 14), 8m),
            (ClockedApp.Local(today.AddDays(-30), 15), 4m),
            (ClockedApp.Local(today.AddDays(-10), 9), 20m),
            (ClockedApp.Local(today.AddDays(-2), 23, 30), 5m),
            (ClockedApp.Local(today.AddDays(-1), 0, 30), 3m),
            (ClockedApp.Local(today.AddDays(-1), 10), 12m),
            (ClockedApp.Local(today, 9), 50m));
        var slow = await SupplierAsync(admin, "慢供应商", 12, product);
        var fast = await SupplierAsync(admin, "快供应商", 20, product, productLeadTime: 9);
        var inactive = await SupplierAsync(admin, "停用供应商", 2, product);
        (await admin.PutAsync($"/api/suppliers/{inactive}", new { code = TestData.Unique("SUP"), name = "停用供应商", leadTimeDays = 2, products = new[] { new { productId = product, dropShip = false } }, isActive = false }, "*"))
            .Expect(HttpStatusCode.OK);
        await SupplierAsync(admin, "别的产品", 1, other);
        var url = $"/api/inventory/policies/{product}/{warehouse}";
        (await admin.PutAsync(url, new { mode = "Computed", serviceLevel = 0.99m }, "\"0\"")).Expect(HttpStatusCode.OK);

        var run = (await admin.PostAsync("/api/inventory/policies/recompute", new { items = new[] { new { productId = product, warehouseId = warehouse } } }))
            .Expect(HttpStatusCode.OK);
        Assert.Equal((1, 90, today.AddDays(-90), today.AddDays(-1)),
            (run["computed"]!.GetValue<int>(), run["windowDays"]!.GetValue<int>(), DateOnly.Parse(run["windowFrom"].Str(), System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(run["windowTo"].Str(), System.Globalization.CultureInfo.InvariantCulture)));

        // Daily demand 15, 5, 20, 12, 6 on five of 90 days: mean 58 / 90 = 0.6444, sample sigma sqrt((830 - 90 x 0.6444^2) / 89) = 2.9843,
        // z(99%) = 2.3263, lead time 9 (the fastest active supplier that lists the product):
        // safety stock = 2.3263 x 2.9843 x 3 = 20.83 -> 21; reorder point = 0.6444 x 9 + 21 = 26.8 -> 27.
        var policy = await admin.GetJsonAsync(url);
        var body = policy.Expect(HttpStatusCode.OK);
        var computation = body["lastComputation"]!;
        Assert.Equal((90, 5, 0.6444m, 2.9843m, 9, 0.99m, 2.3263m, 21m, 27m),
            (computation["windowDays"]!.GetValue<int>(), computation["daysWithDemand"]!.GetValue<int>(), computation["meanDailyDemand"].Dec(),
             computation["demandStdDev"].Dec(), computation["leadTimeDays"]!.GetValue<int>(), computation["serviceLevel"].Dec(), computation["z"].Dec(),
             computation["safetyStock"].Dec(), computation["reorderPoint"].Dec()));
        Assert.Equal(fast, computation["leadTimeSupplierId"]!.GetValue<Guid>());
        Assert.Equal(app.Clock.GetUtcNow(), computation["computedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal((21m, 27m, "\"1\""), (body["safetyStock"].Dec(), body["reorderPoint"].Dec(), policy.Response.Headers.ETag?.Tag));
        Assert.NotEqual(slow, fast);
    }

    [Fact]
    public async Task Recompute_All_CoversStockedProductsWithoutAPolicy_KeepsManualNumbers_AndCountsShipmentsMadeThroughTheApi()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync("East");
        var shipped = await data.ProductAsync();
        var manual = await data.ProductAsync();
        var customer = await data.CustomerAsync(region: "East");
        await data.ReceiveAsync(warehouse, shipped, 100);
        await data.ReceiveAsync(warehouse, manual, 100);
        var manualUrl = $"/api/inventory/policies/{manual}/{warehouse}";
        (await admin.PutAsync(manualUrl, new { mode = "Manual", safetyStock = 5m, reorderPoint = 25m }, "\"0\"")).Expect(HttpStatusCode.OK);
        var order = (await data.OrderAsync(customer, (shipped, 45))).Id();
        var line = (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK)["lines"]![0]!.Id();
        (await admin.PostAsync($"/api/orders/{order}/shipments", new { lines = new[] { new { lineId = line, quantity = 45 } } })).Expect(HttpStatusCode.Created);

        app.Clock.Advance(TimeSpan.FromDays(1));
        using var later = await app.AdminNowAsync();
        var run = (await later.PostAsync("/api/inventory/policies/recompute")).Expect(HttpStatusCode.OK);
        Assert.True(run["computed"]!.GetValue<int>() >= 2);

        var computed = await later.GetJsonAsync($"/api/inventory/policies/{shipped}/{warehouse}");
        var body = computed.Expect(HttpStatusCode.OK);
        Assert.Equal(("Computed", "\"0\""), (body["mode"].Str(), computed.Response.Headers.ETag?.Tag));
        Assert.NotNull(body["id"]);
        var c = body["lastComputation"]!;
        Assert.Equal((1, 0.5m, 14, 0.95m, 1.6449m), (c["daysWithDemand"]!.GetValue<int>(), c["meanDailyDemand"].Dec(), c["leadTimeDays"]!.GetValue<int>(), c["serviceLevel"].Dec(), c["z"].Dec()));
        // sigma = sqrt((45^2 - 90 x 0.5^2) / 89) = 4.7434; safety stock 1.6449 x 4.7434 x sqrt(14) = 29.19 -> 30; 0.5 x 14 + 30 = 37.
        Assert.Equal((4.7434m, 30m, 37m), (c["demandStdDev"].Dec(), body["safetyStock"].Dec(), body["reorderPoint"].Dec()));

        var kept = await later.GetJsonAsync(manualUrl);
        body = kept.Expect(HttpStatusCode.OK);
        Assert.Equal(("Manual", 5m, 25m, "\"1\""), (body["mode"].Str(), body["safetyStock"].Dec(), body["reorderPoint"].Dec(), kept.Response.Headers.ETag?.Tag));
        Assert.Equal(0m, body["lastComputation"]!["meanDailyDemand"].Dec());
        var manualId = body["id"]!.GetValue<Guid>().ToString();
        var audits = await app.WithDbAsync(db => Task.FromResult(db.AuditRecords.Count(a => a.EntityType == "StockPolicy" && a.EntityId == manualId)));
        Assert.Equal(1, audits);

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await later.GetJsonAsync($"/api/inventory/policies?warehouseId={warehouse}&limit=1{(cursor is null ? "" : $"&cursor={cursor}")}")).Expect(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(p => p!["productId"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(new[] { shipped, manual }.Order(), seen.Order());
        var manualOnly = (await later.GetJsonAsync($"/api/inventory/policies?warehouseId={warehouse}&mode=Manual")).Expect(HttpStatusCode.OK);
        Assert.Equal(manual, manualOnly["items"]!.AsArray().Single()!["productId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Recompute_WhileAnotherNodeHoldsTheLease_IsSkipped_AndRunsOnceItIsReleasedOrExpired()
    {
        using var admin = await app.AdminNowAsync();

        await using (var held = await app.TakeLeaseAsync(ReplenishmentService.LeaseName, TimeSpan.FromMinutes(10)))
        {
            Assert.NotNull(held);
            var skipped = (await admin.PostAsync("/api/inventory/policies/recompute")).Expect(HttpStatusCode.Conflict);
            Assert.Equal("JobAlreadyRunning", skipped["code"].Str());
        }

        (await admin.PostAsync("/api/inventory/policies/recompute")).Expect(HttpStatusCode.OK);

        var crashed = await app.TakeLeaseAsync(ReplenishmentService.LeaseName, TimeSpan.FromMinutes(10));
        Assert.NotNull(crashed);
        (await admin.PostAsync("/api/inventory/policies/recompute")).Expect(HttpStatusCode.Conflict);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        using var later = await app.AdminNowAsync();
        (await later.PostAsync("/api/inventory/policies/recompute")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Lease_ManyNodesRacing_ExactlyOneTakesIt_UntilItIsReleased()
    {
        var name = TestData.Unique("race");

        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => app.TakeLeaseAsync(name, TimeSpan.FromMinutes(5)))));

        var winners = taken.Where(l => l is not null).ToList();
        Assert.Single(winners);
        Assert.Null(await app.TakeLeaseAsync(name, TimeSpan.FromMinutes(5)));
        Assert.True(await winners[0]!.RenewAsync(TimeSpan.FromMinutes(5), CancellationToken.None));
        winners[0]!.Complete();
        await winners[0]!.DisposeAsync();
        var lease = await app.WithDbAsync(db => Task.FromResult(db.JobLeases.Single(l => l.Name == name)));
        Assert.Equal(app.Clock.GetUtcNow(), lease.LastCompletedAt);
        var next = await app.TakeLeaseAsync(name, TimeSpan.FromMinutes(5));
        Assert.NotNull(next);
        Assert.False(await winners[0]!.RenewAsync(TimeSpan.FromMinutes(5), CancellationToken.None));
        await next.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentRecomputes_EachRunsOrReportsItWasSkipped()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        for (var i = 0; i < 3; i++)
        {
            await data.ReceiveAsync(warehouse, await data.ProductAsync(), 10);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => admin.PostAsync("/api/inventory/policies/recompute")));

        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)r.Status}: {r.Body?.ToJsonString()}"));
        Assert.Contains(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status == HttpStatusCode.Conflict), r => Assert.Equal("JobAlreadyRunning", r.Body!["code"].Str()));
    }

    [Fact]
    // Once per firing across nodes is Quartz's clustering (SchedulingTests.TwoNodesOnOneDatabase_RunEachFiringOnce);
    // the lease only keeps runs from overlapping, so two direct calls may both run one after the other.
    public async Task ScheduledJob_RunDirectlyOnTwoNodes_RunsAndCompletesTheLease()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        await data.ReceiveAsync(warehouse, product, 10);
        var job = app.Services.GetRequiredService<ReplenishmentJob>();
        var otherNode = app.Services.GetRequiredService<ReplenishmentJob>();
        app.Clock.Advance(TimeSpan.FromDays(1));

        var nodes = await Task.WhenAll(Task.Run(() => job.RunAsync(CancellationToken.None)), Task.Run(() => otherNode.RunAsync(CancellationToken.None)));

        Assert.Contains(true, nodes);
        using var later = await app.AdminNowAsync();
        var policy = (await later.GetJsonAsync($"/api/inventory/policies/{product}/{warehouse}")).Expect(HttpStatusCode.OK);
        Assert.Equal(app.Clock.GetUtcNow(), policy["lastComputation"]!["computedAt"]!.GetValue<DateTimeOffset>());
        var lease = await app.WithDbAsync(db => Task.FromResult(db.JobLeases.Single(l => l.Name == ReplenishmentService.LeaseName)));
        Assert.Equal(app.Clock.GetUtcNow(), lease.LastCompletedAt);
        Assert.True(await job.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReorderSuggestions_ListWhatIsBelowTheReorderPoint_WithQuantitySupplierAndLeadTime()
    {
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var low = await data.ProductAsync(isWholeUnit: true);
        var fine = await data.ProductAsync(isWholeUnit: true);
        var today = app.Today;
        // 45 days with 4 shipped: mean daily demand 180 / 90 = 2.
        var shipments = Enumerable.Range(1, 45).Select(d => (ClockedApp.Local(today.AddDays(-2 * d), 11), 4m)).ToArray();
        await app.SeedAsync(low, warehouse, ClockedApp.Local(today.AddDays(-100), 9), 200m, shipments);
        await app.SeedAsync(fine, warehouse, ClockedApp.Local(today.AddDays(-100), 9), 300m, shipments);
        var supplier = await SupplierAsync(admin, "华东供应商", 7, low);
        (await admin.PutAsync($"/api/inventory/policies/{low}/{warehouse}", new { mode = "Manual", safetyStock = 10m, reorderPoint = 50m }, "\"0\"")).Expect(HttpStatusCode.OK);
        (await admin.PutAsync($"/api/inventory/policies/{fine}/{warehouse}", new { mode = "Manual", safetyStock = 10m, reorderPoint = 50m }, "\"0\"")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync("/api/inventory/policies/recompute", new { items = new[] { new { productId = low, warehouseId = warehouse }, new { productId = fine, warehouseId = warehouse } } }))
            .Expect(HttpStatusCode.OK);

        var suggestions = (await admin.GetJsonAsync($"/api/inventory/reorder-suggestions?warehouseId={warehouse}")).Expect(HttpStatusCode.OK)["items"]!.AsArray();

        // available 20 (200 received - 180 shipped) < 50; order 50 + 2 x 14 - (20 + 0) = 58.
        var s = Assert.Single(suggestions)!;
        Assert.Equal((low, 20m, 0m, 50m, 2m, 14, 58m), (s["productId"]!.GetValue<Guid>(), s["available"].Dec(), s["incoming"].Dec(), s["reorderPoint"].Dec(),
            s["meanDailyDemand"].Dec(), s["reviewPeriodDays"]!.GetValue<int>(), s["suggestedQuantity"].Dec()));
        Assert.Equal((supplier, 7), (s["supplierId"]!.GetValue<Guid>(), s["leadTimeDays"]!.GetValue<int>()));
        Assert.False(string.IsNullOrEmpty(s["sku"].Str()));
        Assert.False(string.IsNullOrEmpty(s["warehouseCode"].Str()));
    }

    private static async Task<Guid> SupplierAsync(HttpClient admin, string name, int leadTimeDays, Guid productId, int? productLeadTime = null) =>
        (await admin.PostAsync("/api/suppliers", new
        {
            code = TestData.Unique("SUP"), name, leadTimeDays, products = new[] { new { productId, dropShip = false, leadTimeDays = productLeadTime } },
        })).Expect(HttpStatusCode.Created).Id();
}

public sealed class ReplenishmentTests_Sqlite(ClockedSqliteApp app) : ReplenishmentTests(app), IClassFixture<ClockedSqliteApp>;

public sealed class ReplenishmentTests_Postgres(ClockedPostgresApp app) : ReplenishmentTests(app), IClassFixture<ClockedPostgresApp>;

/// <summary>
/// The real server with a clock the test drives (10:00 in Shanghai on the first day) and the scheduler
/// off, so that only the test runs jobs. Tokens expire by that clock: log in again after moving it.
/// </summary>
public abstract class ClockedApp(TestDatabase database) : OrderlyApp(database)
{
    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(2), TimeSpan.Zero));

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), Shanghai).DateTime);

    /// <summary>A wall-clock time in Shanghai on a business date.</summary>
    public static DateTimeOffset Local(DateOnly date, int hour, int minute = 0) =>
        new DateTimeOffset(date.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(8)).ToUniversalTime();

    public async Task<HttpClient> AdminNowAsync() => await LoginAsync(AdminEmail);

    /// <summary>A user with one role, created (once) and logged in by the current clock.</summary>
    public async Task<HttpClient> UserNowAsync(string email, string role)
    {
        using var admin = await AdminNowAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new { email, password = AdminPassword, displayName = email, roles = new[] { role } });
        if (created.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"Creating {email} failed: {await created.Content.ReadAsStringAsync()}");
        }

        return await LoginAsync(email);
    }

    /// <summary>Takes a job lease as another node would.</summary>
    public async Task<JobLeaseHandle?> TakeLeaseAsync(string name, TimeSpan duration)
    {
        var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<JobLeases>().TryAcquireAsync(name, duration, CancellationToken.None);
    }

    /// <summary>
    /// Writes history straight into the ledger: a receipt, then per shipment the reservation it consumed and the
    /// shipment, with the balance they add up to, so the stock invariants hold.
    /// </summary>
    public Task SeedAsync(Guid productId, Guid warehouseId, DateTimeOffset receivedAt, decimal received, params (DateTimeOffset At, decimal Quantity)[] shipments) =>
        WithDbAsync(async db =>
        {
            db.StockLedger.Add(new StockLedgerEntry(productId, warehouseId, StockMovementKind.Receipt, received, 0m, "Receipt", Guid.NewGuid(), receivedAt, null));
            foreach (var (at, quantity) in shipments)
            {
                var order = Guid.NewGuid();
                db.StockLedger.Add(new StockLedgerEntry(productId, warehouseId, StockMovementKind.Reservation, 0m, quantity, "SalesOrder", order, at, null));
                db.StockLedger.Add(new StockLedgerEntry(productId, warehouseId, StockMovementKind.Shipment, -quantity, -quantity, "SalesOrder", order, at, null));
            }

            db.StockBalances.Add(new StockBalance(productId, warehouseId, received - shipments.Sum(s => s.Quantity), 0m));
            await db.SaveChangesAsync();
            return true;
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orderly:Scheduling:Enabled", "false");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
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

public sealed class ClockedSqliteApp() : ClockedApp(TestDatabase.For("sqlite"));

public sealed class ClockedPostgresApp() : ClockedApp(TestDatabase.For("postgres"));
