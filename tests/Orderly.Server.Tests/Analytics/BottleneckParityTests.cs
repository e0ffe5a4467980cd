using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Orders;
using Orderly.Server.Analytics;
using Orderly.Server.Tests.Inventory;
using Orderly.Server.Tests.Security;

namespace Orderly.Server.Tests.Analytics;

/// <summary>
/// The bottleneck figures read from the stays indexed by the day they ended equal nearest-rank percentiles computed here
/// from the raw status history, for orders moving around midnight in Shanghai: after the first load, after a refresh
/// that replaces the stays of the reloaded order days (older orders shipped and delivered, new ones entered), after a
/// reload from nothing, and for a rep (their customers' stays only).
/// </summary>
public abstract class BottleneckParityTests(AnalysisApp app)
{
    [Fact]
    public async Task StageFigures_EqualTheRawStatusHistory_AfterRefreshAndReload_AndForARep()
    {
        var day = app.Today.AddDays(3);
        app.Clock.SetUtcNow(ClockedApp.Local(day, 22, 10));
        using var admin = await app.AdminNowAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 10m);
        await data.ReceiveAsync(warehouse, product, 10_000);
        (await app.UserNowAsync("stages@analysis.test", "SalesRep")).Dispose();
        var repId = await app.UserIdAsync("stages@analysis.test");
        var owned = (await SecurityKit.CustomerAsync(admin, "阶段客户", repId)).Id();
        var other = await data.CustomerAsync();

        // Orders entered every 13 minutes across midnight, each submitted a little later (entry), half of them shipped; the
        // phases stay shorter than a bearer token lives on the test clock (8 hours).
        var orders = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(13));
            var id = (await data.OrderAsync(i % 3 == 0 ? owned : other, (product, 1 + i))).Id();
            orders.Add(id);
            app.Clock.Advance(TimeSpan.FromMinutes(3 + (2 * i)));
            (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
            if (i % 2 == 0)
            {
                app.Clock.Advance(TimeSpan.FromMinutes(7 * (i + 1)));
                await ShipAsync(admin, id);
            }
        }

        var period = $"from={day:yyyy-MM-dd}&to={day.AddDays(2):yyyy-MM-dd}&groupBy=day";
        Assert.Equal(await RawAsync(day, null), Figures((await admin.GetJsonAsync($"/api/analytics/bottlenecks?{period}")).Expect(HttpStatusCode.OK)));

        // Later: the shipped orders delivered, the others shipped, two more entered; the refresh replaces the stays of those days.
        app.Clock.Advance(TimeSpan.FromHours(2));
        using var later = await app.AdminNowAsync();
        for (var i = 0; i < orders.Count; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(9 * (i + 1)));
            if (i % 2 == 0)
            {
                (await later.PostAsync($"/api/orders/{orders[i]}/deliver")).Expect(HttpStatusCode.OK);
            }
            else
            {
                await ShipAsync(later, orders[i]);
            }
        }

        for (var i = 0; i < 2; i++)
        {
            var id = (await new TestData(later).OrderAsync(owned, (product, 2))).Id();
            app.Clock.Advance(TimeSpan.FromMinutes(40));
            (await later.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        }

        using var manager = await app.AdminNowAsync();
        using var rep = await LoginAsync("stages@analysis.test");

        var expected = await RawAsync(day, null);
        Assert.Contains(expected, line => line.StartsWith("delivery", StringComparison.Ordinal) && !line.StartsWith("delivery 0 ", StringComparison.Ordinal));
        Assert.Equal(expected, Figures((await manager.GetJsonAsync($"/api/analytics/bottlenecks?{period}")).Expect(HttpStatusCode.OK)));
        Assert.Equal(await RawAsync(day, owned), Figures((await rep.GetJsonAsync($"/api/analytics/bottlenecks?{period}")).Expect(HttpStatusCode.OK)));

        app.Services.GetRequiredService<OrderFacts>().Reset();
        Assert.Equal(expected, Figures((await manager.GetJsonAsync($"/api/analytics/bottlenecks?{period}")).Expect(HttpStatusCode.OK)));
    }

    /// <summary>A user created earlier, logged in by the current clock.</summary>
    private async Task<HttpClient> LoginAsync(string email)
    {
        using var anonymous = app.Anonymous();
        var token = (await anonymous.PostAsync("/api/auth/token", new { email, password = OrderlyApp.AdminPassword })).Expect(HttpStatusCode.OK)["accessToken"].Str();
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task ShipAsync(HttpClient admin, Guid order)
    {
        var line = (await admin.GetJsonAsync($"/api/orders/{order}")).Expect(HttpStatusCode.OK)["lines"]!.AsArray()[0]!;
        (await admin.PostAsync($"/api/orders/{order}/shipments", new { lines = new[] { new { lineId = line.Id(), quantity = line["quantity"].Dec() } } }))
            .Expect(HttpStatusCode.Created);
    }

    /// <summary>Per stage, then per day: the count and the p50 / p90 hours as the API rounds them.</summary>
    private static List<string> Figures(JsonNode analysis) =>
    [
        .. analysis["stages"]!.AsArray().Select(s => $"{s!["stage"].Str()} {s["orders"]} {s["p50Hours"]} {s["p90Hours"]}"),
        .. analysis["periods"]!.AsArray().SelectMany(p => p!["stages"]!.AsArray().Select(s => $"{p["start"].Str()} {s!["stage"].Str()} {s["orders"]} {s["p50Hours"]} {s["p90Hours"]}")),
    ];

    /// <summary>The same figures from the raw status history: each stage's stays by the Shanghai day they ended, nearest rank.</summary>
    private Task<List<string>> RawAsync(DateOnly first, Guid? onlyCustomer) => app.WithDbAsync(async db =>
    {
        var orders = await db.SalesOrders.AsNoTracking().Where(o => onlyCustomer == null || o.CustomerId == onlyCustomer)
            .Select(o => new { o.Id, o.CreatedAt }).ToListAsync();
        var ids = orders.Select(o => o.Id).ToList();
        var history = (await db.OrderStatusChanges.AsNoTracking().Where(h => ids.Contains(h.OrderId)).Select(h => new { h.OrderId, h.From, h.To, h.At }).ToListAsync())
            .ToLookup(h => h.OrderId);
        var stays = new List<(int Stage, DateOnly Day, double Hours)>();
        foreach (var order in orders)
        {
            var changes = history[order.Id].OrderBy(h => h.At).ToList();
            DateTimeOffset? FirstTo(Func<OrderStatus?, OrderStatus, bool> matches) => changes.FirstOrDefault(h => matches(h.From, h.To))?.At;
            var submitted = FirstTo((from, _) => from == OrderStatus.Draft);
            var approved = FirstTo((from, to) => from == OrderStatus.PendingApproval && to == OrderStatus.Confirmed);
            var confirmed = FirstTo((_, to) => to == OrderStatus.Confirmed);
            var shipped = FirstTo((_, to) => to is OrderStatus.Shipped or OrderStatus.PartiallyShipped);
            var delivered = FirstTo((_, to) => to == OrderStatus.Delivered);
            (DateTimeOffset? Start, DateTimeOffset? End)[] stages =
                [(order.CreatedAt, submitted), (submitted, approved), (approved ?? submitted, confirmed), (confirmed, shipped), (shipped, delivered)];
            for (var stage = 0; stage < stages.Length; stage++)
            {
                if (stages[stage] is ({ } start, { } end) && end >= start)
                {
                    var seconds = end.ToUnixTimeSeconds() - start.ToUnixTimeSeconds();
                    stays.Add((stage, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(end, ClockedApp.Shanghai).DateTime), seconds / 3600d));
                }
            }
        }

        var inPeriod = stays.Where(s => s.Day >= first && s.Day <= first.AddDays(2)).ToList();
        static string Stats(IEnumerable<double> hours)
        {
            var sorted = hours.Order().ToList();
            string At(double p) => Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count), 1, sorted.Count) - 1], 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return sorted.Count == 0 ? "0  " : $"{sorted.Count} {At(0.5)} {At(0.9)}";
        }

        return (List<string>)
        [
            .. Bottlenecks.Stages.Select((name, i) => $"{name} {Stats(inPeriod.Where(s => s.Stage == i).Select(s => s.Hours))}"),
            .. inPeriod.GroupBy(s => s.Day).OrderBy(g => g.Key).SelectMany(g => Bottlenecks.Stages.Select((name, i) => (name, Hours: g.Where(s => s.Stage == i).Select(s => s.Hours).ToList()))
                .Where(x => x.Hours.Count > 0).Select(x => $"{g.Key:yyyy-MM-dd} {x.name} {Stats(x.Hours)}")),
        ];
    });
}

public sealed class BottleneckParityTests_Sqlite(AnalysisSqliteApp app) : BottleneckParityTests(app), IClassFixture<AnalysisSqliteApp>;

public sealed class BottleneckParityTests_Postgres(AnalysisPostgresApp app) : BottleneckParityTests(app), IClassFixture<AnalysisPostgresApp>;
