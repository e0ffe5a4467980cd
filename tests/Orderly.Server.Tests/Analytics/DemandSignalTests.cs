using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Analytics;
using Orderly.Server.Analytics;
using Orderly.Server.Platform.Events;
using Orderly.Server.Tests.Inventory;

namespace Orderly.Server.Tests.Analytics;

/// <summary>
/// The weekly demand-signal job on known weekly series: a spike in the last closed week is recorded once with one
/// outbox event however often and however concurrently the job runs; flat noisy demand and small volumes raise nothing.
/// </summary>
public abstract class DemandSignalTests(AnalysisApp app)
{
    /// <summary>Flat demand around 100 with deterministic noise of at most +-6.</summary>
    private static decimal Noisy(int week) => 100 + ((week * 7) % 13) - 6;

    private DateOnly Monday => WeeklyDemand.WeekStart(app.Today);

    private async Task OrderedAsync(Guid product, Func<int, decimal> quantityInWeeksAgo, int weeks)
    {
        await app.WithDbAsync(async db =>
        {
            for (var ago = 1; ago <= weeks; ago++)
            {
                var day = Monday.AddDays((-7 * ago) + 2);
                var quantity = (long)(quantityInWeeksAgo(ago) * 1000);
                await db.Database.ExecuteSqlAsync($"INSERT INTO analytics_daily_products (day, product_id, currency, quantity_thousandths, value_minor) VALUES ({day}, {product}, 'CNY', {quantity}, {quantity * 10})");
            }

            return true;
        });
    }

    /// <summary>Waits (the dispatcher delivers in the background) until the user has <paramref name="count"/> matching notifications.</summary>
    private static async Task<List<System.Text.Json.Nodes.JsonNode>> NotificationsAsync(HttpClient user, Func<System.Text.Json.Nodes.JsonNode, bool> match, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var items = (await user.GetJsonAsync("/api/notifications")).Expect(HttpStatusCode.OK)["items"]!.AsArray().Select(n => n!).Where(match).ToList();
            if (items.Count >= count || DateTime.UtcNow > until)
            {
                Assert.Equal(count, items.Count);
                return items;
            }

            await Task.Delay(100);
        }
    }

    private Task<bool> RunJobAsync()
    {
        var job = ActivatorUtilities.CreateInstance<DemandSignalJob>(app.Services);
        return job.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SpikeInTheLastClosedWeek_IsOneSignalAndOneEvent_AcrossRerunsAndConcurrentRuns()
    {
        using var admin = await app.AdminNowAsync();
        using var buyer = await app.UserNowAsync("buyer@signals.test", "Purchasing");
        var data = new TestData(admin);
        var spiky = await data.ProductAsync(listPrice: 10m);
        var flat = await data.ProductAsync(listPrice: 10m);
        var small = await data.ProductAsync(listPrice: 10m);
        var shipped = await data.ProductAsync(listPrice: 10m);
        var warehouse = await data.WarehouseAsync();
        await OrderedAsync(spiky, ago => ago == 1 ? 260m : Noisy(ago), 40);
        await OrderedAsync(flat, Noisy, 40);
        await OrderedAsync(small, ago => ago == 1 ? 3m : 1m, 40);
        var shipments = Enumerable.Range(1, 30).Select(ago => (ClockedApp.Local(Monday.AddDays((-7 * ago) + 3), 15), ago == 1 ? 40m : 7m)).ToArray();
        await app.SeedAsync(shipped, warehouse, ClockedApp.Local(Monday.AddDays(-250), 9), 10_000m, shipments);

        // Two nodes at once, then a rerun.
        var runs = await Task.WhenAll(RunJobAsync(), RunJobAsync());
        Assert.All(runs, Assert.True);
        Assert.True(await RunJobAsync());

        var ours = new[] { spiky, flat, small, shipped };
        var signals = await app.WithDbAsync(db => db.Set<DemandSignal>().AsNoTracking().Where(s => ours.Contains(s.ProductId)).ToListAsync());
        var lastWeek = Monday.AddDays(-7);
        Assert.Equal(2, signals.Count);
        var company = Assert.Single(signals, s => s.ProductId == spiky);
        Assert.Equal((DemandSignalKind.Spike, DemandSignal.AllWarehouses, lastWeek, 260m), (company.Kind, company.WarehouseId, company.WeekStart, company.Actual));
        Assert.InRange(company.Expected, 94m, 106m);
        Assert.InRange(company.High, company.Expected, 140m);
        var perWarehouse = Assert.Single(signals, s => s.ProductId == shipped);
        Assert.Equal((DemandSignalKind.Spike, warehouse, lastWeek, 40m, 7m), (perWarehouse.Kind, perWarehouse.WarehouseId, perWarehouse.WeekStart, perWarehouse.Actual, perWarehouse.Expected));

        var ids = signals.Select(s => s.Id.ToString()).ToList();
        var events = await app.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().Where(m => ids.Contains(m.AggregateId)).ToListAsync());
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("DemandSpikeDetected", "DemandSignal", (Guid?)null), (e.Type, e.AggregateType, e.CustomerId)));
        Assert.Contains(events, e => e.AggregateId == company.Id.ToString() && e.Payload.Contains("\"actual\":260", StringComparison.Ordinal));

        // The weeks before, checked one by one as the job would have: nothing in the flat, spiky or small series.
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<Orderly.Server.Identity.Caller>().ActAsSystem("test");
            var service = scope.ServiceProvider.GetRequiredService<DemandSignalService>();
            for (var ago = 2; ago <= 12; ago++)
            {
                await service.DetectAsync(Monday.AddDays(-7 * ago), CancellationToken.None);
            }

            // The current week has not closed.
            var open = await Assert.ThrowsAsync<Orderly.Domain.Common.RuleViolationException>(() => service.DetectAsync(Monday, CancellationToken.None));
            Assert.Equal("WeekNotClosed", open.Code);
        }

        Assert.Equal(2, await app.WithDbAsync(db => db.Set<DemandSignal>().CountAsync(s => ours.Contains(s.ProductId))));

        // The API: spikes of the last weeks, product-level, for a rep too.
        var list = (await admin.GetJsonAsync($"/api/analytics/demand-signals?from={lastWeek:yyyy-MM-dd}&to={lastWeek:yyyy-MM-dd}&kind=spike")).Expect(HttpStatusCode.OK);
        var items = list["items"]!.AsArray().Where(i => ours.Contains(i!["productId"]!.GetValue<Guid>())).ToList();
        Assert.Equal(2, items.Count);
        var row = items.Single(i => i!["productId"]!.GetValue<Guid>() == spiky)!;
        Assert.Equal(("Spike", (string?)null, 260m), (row["kind"].Str(), row["warehouseId"]?.GetValue<string>(), row["actual"].Dec()));
        Assert.False(string.IsNullOrEmpty(row["sku"].Str()));
        Assert.Equal(warehouse, items.Single(i => i!["productId"]!.GetValue<Guid>() == shipped)!["warehouseId"]!.GetValue<Guid>());
        var drops = (await admin.GetJsonAsync("/api/analytics/demand-signals?kind=drop")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(drops["items"]!.AsArray(), i => ours.Contains(i!["productId"]!.GetValue<Guid>()));
        var before = (await admin.GetJsonAsync($"/api/analytics/demand-signals?to={lastWeek.AddDays(-1):yyyy-MM-dd}")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(before["items"]!.AsArray(), i => ours.Contains(i!["productId"]!.GetValue<Guid>()));

        using var rep = await app.UserNowAsync("rep@signals.test", "SalesRep");
        var seen = (await rep.GetJsonAsync($"/api/analytics/demand-signals?productId={spiky}")).Expect(HttpStatusCode.OK);
        var only = Assert.Single(seen["items"]!.AsArray())!.AsObject();
        Assert.DoesNotContain(only, p => p.Key.Contains("customer", StringComparison.OrdinalIgnoreCase));

        // The purchasers are told once per signal (the events are delivered through the outbox), a rep is not.
        var spikySku = row["sku"].Str();
        var told = await NotificationsAsync(buyer, n => n["kind"].Str() == "DemandSignal" && ours.Any(p => n["link"]!.GetValue<string>().EndsWith(p.ToString(), StringComparison.Ordinal)), 2);
        var aboutSpiky = Assert.Single(told, n => n["link"].Str() == $"/analytics/demand?productId={spiky}");
        Assert.StartsWith($"Demand spike: {spikySku}", aboutSpiky["title"].Str(), StringComparison.Ordinal);
        Assert.Contains($"Week of {lastWeek:yyyy-MM-dd}: 260 ordered", aboutSpiky["body"].Str(), StringComparison.Ordinal);
        Assert.Contains("one warehouse's shipments", Assert.Single(told, n => n["link"].Str() == $"/analytics/demand?productId={shipped}")["body"].Str(), StringComparison.Ordinal);
        Assert.DoesNotContain((await rep.GetJsonAsync("/api/notifications")).Expect(HttpStatusCode.OK)["items"]!.AsArray(), n => n!["kind"].Str() == "DemandSignal");
    }

    [Theory]
    [InlineData("from=2026-02-30", HttpStatusCode.BadRequest, null)]
    [InlineData("to=2026-13-01", HttpStatusCode.BadRequest, null)]
    [InlineData("from=0001-01-01", HttpStatusCode.BadRequest, null)]
    [InlineData("to=0001-01-01", HttpStatusCode.BadRequest, null)]
    [InlineData("from=9999-12-31&to=9999-12-31", HttpStatusCode.BadRequest, null)]
    [InlineData("from=1950-01-01", (HttpStatusCode)422, "OutOfRange")]
    [InlineData("to=1999-12-31", (HttpStatusCode)422, "OutOfRange")]
    [InlineData("from=2026-03-10&to=2026-03-01", (HttpStatusCode)422, "InvalidPeriod")]
    [InlineData("kind=surge", (HttpStatusCode)422, "UnknownValue")]
    [InlineData("kind=1", (HttpStatusCode)422, "UnknownValue")]
    public async Task BadQueries_AreProblemsNamingTheField(string query, HttpStatusCode status, string? code)
    {
        using var admin = await app.AdminNowAsync();

        var (actual, body, response) = await admin.GetJsonAsync($"/api/analytics/demand-signals?{query}");

        Assert.Equal(status, actual);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (code is not null)
        {
            Assert.Contains(code, body!.Codes());
        }
    }

    [Fact]
    public async Task Signals_NeedTheReadDemandSignalsPolicy()
    {
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetJsonAsync("/api/analytics/demand-signals")).Status);
        using var warehouse = await app.UserNowAsync("warehouse@signals.test", "Warehouse");
        (await warehouse.GetJsonAsync("/api/analytics/demand-signals")).Expect(HttpStatusCode.OK);
    }
}

public sealed class DemandSignalTests_Sqlite(AnalysisSqliteApp app) : DemandSignalTests(app), IClassFixture<AnalysisSqliteApp>;

public sealed class DemandSignalTests_Postgres(AnalysisPostgresApp app) : DemandSignalTests(app), IClassFixture<AnalysisPostgresApp>;
