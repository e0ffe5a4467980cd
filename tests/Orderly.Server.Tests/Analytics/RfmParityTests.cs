using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Analytics;
using Orderly.Server.Analytics;
using Orderly.Server.Tests.Inventory;

namespace Orderly.Server.Tests.Analytics;

/// <summary>
/// RFM read from blocks of customer sums (four weeks each, kept while their days are unchanged) equals a GROUP BY over
/// the raw orders: frequency, value, last order, mean buying interval and the churn warning of customers buying on
/// many days over four months; and still does after an order inside a kept block is cancelled. The movement between
/// segments (from the scored windows kept per as-of day) equals the segments scored from the raw orders, before and after
/// orders of the comparison window are cancelled.
/// </summary>
public abstract class RfmParityTests(AnalysisApp app)
{
    [Fact]
    public async Task Rfm_EqualsTheRawOrders_AcrossBlocks_AndAfterAnOldOrderIsCancelled()
    {
        var start = app.Today.AddDays(1);
        app.Clock.SetUtcNow(ClockedApp.Local(start, 10));
        var setup = await app.AdminNowAsync();
        var data = new TestData(setup);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync(listPrice: 10m);
        await data.ReceiveAsync(warehouse, product, 100_000);
        var (often, monthly, rare) = (await data.CustomerAsync(), await data.CustomerAsync(), await data.CustomerAsync());
        setup.Dispose();

        // Every 3 days up to day 90 (then silent: a churn warning), every 10 days (twice on day 40), and on days 0, 5 and 100; each day's order just before midnight in Shanghai.
        var placed = new List<(int Day, Guid Order)>();
        var rareOrders = new List<(int Day, Guid Order)>();
        for (var d = 0; d <= 120; d++)
        {
            var buyers = new List<Guid>();
            if (d % 3 == 0 && d <= 90)
            {
                buyers.Add(often);
            }

            if (d % 10 == 0)
            {
                buyers.Add(monthly);
                if (d == 40)
                {
                    buyers.Add(monthly);
                }
            }

            if (d is 0 or 5 or 100)
            {
                buyers.Add(rare);
            }

            if (buyers.Count == 0)
            {
                continue;
            }

            app.Clock.SetUtcNow(ClockedApp.Local(start.AddDays(d), 23, 50));
            using var admin = await app.AdminNowAsync();
            var orders = new TestData(admin);
            foreach (var (customer, n) in buyers.Select((c, n) => (c, n)))
            {
                var order = (await orders.OrderAsync(customer, (product, 1 + (d % 7) + n))).Id();
                (await admin.PostAsync($"/api/orders/{order}/submit")).Expect(HttpStatusCode.OK);
                placed.Add((d, order));
                if (customer == rare)
                {
                    rareOrders.Add((d, order));
                }
            }
        }

        var asOf = start.AddDays(121);
        app.Clock.SetUtcNow(ClockedApp.Local(asOf, 9));
        using var manager = await app.AdminNowAsync();
        var url = $"/api/analytics/customers/rfm?asOf={asOf:yyyy-MM-dd}&limit=1000";
        var expected = await RawAsync(asOf);
        Assert.Equal(3, expected.Count);
        Assert.Contains(expected, e => e.EndsWith("true", StringComparison.Ordinal));
        Assert.Equal(expected, Items((await manager.GetJsonAsync(url)).Expect(HttpStatusCode.OK)));
        Assert.Equal(expected, Items((await manager.GetJsonAsync(url)).Expect(HttpStatusCode.OK)));

        // An order of day 57 (inside a block summed by the calls above) cancelled: its day is a new slice, the block is summed again.
        var old = placed.First(p => p.Day == 57).Order;
        (await manager.PostAsync($"/api/orders/{old}/cancel", new { reason = "退货" })).Expect(HttpStatusCode.OK);
        var afterCancel = await RawAsync(asOf);
        Assert.NotEqual(expected, afterCancel);
        Assert.Equal(afterCancel, Items((await manager.GetJsonAsync(url)).Expect(HttpStatusCode.OK)));

        // The movement since 30 days back (day 91) from the windows kept per as-of day, then after the rare customer's
        // orders of days 0 and 5 are cancelled: they leave the comparison window (no segment then), so a window kept
        // across the change would still show them moving from a segment.
        var moved = $"/api/analytics/customers/rfm?asOf={asOf:yyyy-MM-dd}&compareDays=30&limit=1000";
        var movement = await RawMovementAsync(asOf, asOf.AddDays(-30));
        Assert.Equal(movement, Movement((await manager.GetJsonAsync(moved)).Expect(HttpStatusCode.OK)));
        Assert.Equal(movement, Movement((await manager.GetJsonAsync(moved)).Expect(HttpStatusCode.OK)));
        foreach (var (_, order) in rareOrders.Where(o => o.Day is 0 or 5))
        {
            (await manager.PostAsync($"/api/orders/{order}/cancel", new { reason = "退货" })).Expect(HttpStatusCode.OK);
        }

        var movementAfter = await RawMovementAsync(asOf, asOf.AddDays(-30));
        Assert.NotEqual(movement, movementAfter);
        Assert.Contains(movementAfter, m => m.StartsWith("(none)>", StringComparison.Ordinal));
        Assert.Equal(movementAfter, Movement((await manager.GetJsonAsync(moved)).Expect(HttpStatusCode.OK)));
    }

    private static List<string> Movement(JsonNode rfm) =>
        [.. rfm["movement"]!.AsArray().Select(m => $"{m!["from"].Str()}>{m["to"].Str()}:{m["customers"]}").Order(StringComparer.Ordinal)];

    /// <summary>The movement between the segments scored from the raw counted orders of the year up to each day.</summary>
    private async Task<List<string>> RawMovementAsync(DateOnly asOf, DateOnly earlier)
    {
        var now = await RawSegmentsAsync(asOf);
        var then = await RawSegmentsAsync(earlier);
        return [.. now.Keys.Union(then.Keys)
            .Select(c => $"{(then.TryGetValue(c, out var was) ? was.ToString() : "(none)")}>{(now.TryGetValue(c, out var @is) ? @is.ToString() : "(none)")}")
            .GroupBy(m => m).Select(g => $"{g.Key}:{g.Count()}").Order(StringComparer.Ordinal)];
    }

    private Task<Dictionary<Guid, RfmSegment>> RawSegmentsAsync(DateOnly asOf) => app.WithDbAsync(async db =>
    {
        var counted = Rollups.Counted;
        var first = asOf.AddDays(1 - CustomerAnalysis.WindowDays);
        var orders = await db.SalesOrders.AsNoTracking()
            .Where(o => counted.Contains(o.Status) && o.Currency == "CNY" && o.OrderDate >= first && o.OrderDate <= asOf)
            .Select(o => new { o.CustomerId, o.OrderDate, o.TotalMinor }).ToListAsync();
        var customers = orders.GroupBy(o => o.CustomerId).ToList();
        var scores = Rfm.Score([.. customers.Select(g => new RfmInput(asOf.DayNumber - g.Max(o => o.OrderDate).DayNumber, g.Count(), g.Sum(o => o.TotalMinor)))]);
        return customers.Select((g, i) => (g.Key, scores[i].Segment)).ToDictionary(x => x.Key, x => x.Segment);
    });

    private static List<string> Items(JsonNode rfm) =>
        [.. rfm["items"]!.AsArray().Select(i => $"{i!["customerId"].Str()} {i["frequency"]} {i["monetary"].Dec():0.00} {i["lastOrder"].Str()} {i["meanIntervalDays"]} {i["churnWarning"]}")
            .Order(StringComparer.Ordinal)];

    /// <summary>The same per customer from the counted orders of the year up to the day, with the domain's churn rule.</summary>
    private Task<List<string>> RawAsync(DateOnly asOf) => app.WithDbAsync(async db =>
    {
        var counted = Rollups.Counted;
        var first = asOf.AddDays(1 - CustomerAnalysis.WindowDays);
        var orders = await db.SalesOrders.AsNoTracking()
            .Where(o => counted.Contains(o.Status) && o.Currency == "CNY" && o.OrderDate >= first && o.OrderDate <= asOf)
            .Select(o => new { o.CustomerId, o.OrderDate, o.TotalMinor }).ToListAsync();
        return orders.GroupBy(o => o.CustomerId).Select(g =>
        {
            var days = g.Select(o => o.OrderDate).Distinct().Order().ToList();
            var intervals = days.Zip(days.Skip(1), (a, b) => b.DayNumber - a.DayNumber).ToList();
            var mean = intervals.Count == 0 ? "" : Math.Round(intervals.Average(), 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var churn = Rfm.ChurnWarning(intervals, asOf.DayNumber - days[^1].DayNumber) ? "true" : "false";
            return $"{g.Key} {g.Count()} {g.Sum(o => o.TotalMinor) / 100m:0.00} {days[^1]:yyyy-MM-dd} {mean} {churn}";
        }).Order(StringComparer.Ordinal).ToList();
    });
}

public sealed class RfmParityTests_Sqlite(AnalysisSqliteApp app) : RfmParityTests(app), IClassFixture<AnalysisSqliteApp>;

public sealed class RfmParityTests_Postgres(AnalysisPostgresApp app) : RfmParityTests(app), IClassFixture<AnalysisPostgresApp>;
