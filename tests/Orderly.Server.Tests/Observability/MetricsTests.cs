using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Inventory;

namespace Orderly.Server.Tests.Observability;

/// <summary>
/// The Prometheus endpoint: closed to anonymous callers, open to an Admin and to the configured scrape key, and its
/// Orderly counters move when orders are placed, submitted and refused.
/// </summary>
public sealed partial class MetricsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task Metrics_WithoutCredentials_Is401_WithTheScrapeKeyOrAsAdmin_Is200()
    {
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(h => h.Add("X-Scrape-Key", "not-the-key-at-all-really"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync(h => h.Add("X-Scrape-Key", MetricsApp.ScrapeKey))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync(h => h.Authorization = new AuthenticationHeaderValue("Bearer", MetricsApp.ScrapeKey))).StatusCode);
        using var admin = await app.AdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/metrics")).StatusCode);
        using var clerk = await app.UserAsync("clerk@metrics.test", "OrderClerk");
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task PlacingSubmittingAndRefusingOrders_MovesTheOrderCounters()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        var warehouse = await data.WarehouseAsync();
        var product = await data.ProductAsync();
        var customer = await data.CustomerAsync();
        await data.ReceiveAsync(warehouse, product, 5);
        var before = Parse(await ScrapeTextAsync());

        var id = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = product, quantity = 8 } } }))
            .Expect(HttpStatusCode.Created).Id();
        (await admin.PostAsync($"/api/orders/{id}/submit")).Expect(HttpStatusCode.OK);
        var refused = (await admin.PostAsync("/api/orders", new { customerId = customer, lines = new[] { new { productId = Guid.NewGuid(), quantity = 1 } } }))
            .Expect(HttpStatusCode.UnprocessableEntity);

        var after = Parse(await ScrapeTextAsync());
        Assert.True(Moved("orderly_orders_placed_total") >= 1, "orders placed did not move");
        Assert.True(Moved("orderly_orders_submitted_total") >= 1, "orders submitted did not move");
        Assert.True(Moved("orderly_reservations_failed_total") >= 1, "a backordered line did not count as a failed reservation");
        var rule = refused.Codes()[0];
        Assert.True(Moved($"orderly_orders_refused_total{{rule=\"{rule}\"}}") >= 1, $"a refusal by {rule} did not count");
        Assert.Matches("^[0-9a-f]{32}$", refused["traceId"].Str());
        Assert.NotEqual(new string('0', 32), refused["traceId"].Str());

        double Moved(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
    }

    [Fact]
    public async Task AScheduledJobRun_IsCountedByJobAndOutcome()
    {
        var before = Parse(await ScrapeTextAsync());

        Assert.True(await app.Services.GetRequiredService<ReplenishmentJob>().RunAsync(CancellationToken.None));

        var after = Parse(await ScrapeTextAsync());
        var series = "orderly_jobs_runs_total{job=\"replenishment\",outcome=\"succeeded\"}";
        Assert.True(after.GetValueOrDefault(series) - before.GetValueOrDefault(series) >= 1, $"{series} did not move");
        Assert.Contains(after.Keys, k => k.StartsWith("orderly_jobs_duration_seconds_count", StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> ScrapeAsync(Action<HttpRequestHeaders> credentials)
    {
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        credentials(request.Headers);
        return await client.SendAsync(request);
    }

    private async Task<string> ScrapeTextAsync()
    {
        using var response = await ScrapeAsync(h => h.Add("X-Scrape-Key", MetricsApp.ScrapeKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// The exposition text as series -> value: each sample under its full name with labels (minus the scope labels the
    /// exporter adds), and each metric name alone with the sum over its label sets.
    /// </summary>
    private static Dictionary<string, double> Parse(string exposition)
    {
        var series = new Dictionary<string, double>();
        foreach (Match sample in Sample().Matches(exposition))
        {
            var name = sample.Groups["name"].Value;
            var value = double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            var labels = Label().Matches(sample.Groups["labels"].Value)
                .Where(l => !l.Groups["key"].Value.StartsWith("otel_scope", StringComparison.Ordinal))
                .Select(l => l.Value);
            series[$"{name}{{{string.Join(',', labels)}}}"] = value;
            series[name] = series.GetValueOrDefault(name) + value;
        }

        return series;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}

/// <summary>A SQLite server with a scrape key configured.</summary>
public sealed class MetricsApp() : OrderlyApp(TestDatabase.For("sqlite"))
{
    public const string ScrapeKey = "scrape-key-for-the-metrics-tests";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orderly:Metrics:ScrapeKey", ScrapeKey);
    }
}
