using System.Globalization;
using Orderly.Bench.DataSet;

namespace Orderly.Bench.Phases;

/// <summary>
/// P6 and P9 over the large data set through HTTP: each dashboard endpoint and each order-list filter called in a
/// closed loop by one client (a person looking at a page), p95 of each. In smoke mode on the small data set.
/// </summary>
public sealed class DashboardsPhase : IPhase
{
    public string Name => "dashboards";

    public bool InSmoke => true;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var size = run.Options.Smoke ? LargeDataSet.SmokeSize : LargeDataSet.Large;
        var data = await LargeDataSet.CopyAsync(run, size, "dashboards", ct);
        await using var server = await ServerProcess.StartAsync(run.Options, data.Database, run.LogFile("dashboards"));
        using var api = await BenchApi.ConnectAsync(server.Address, 4);
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var customer = data.Fixture.Customers[7];
        var someOrder = (await api.GetAsync($"/api/orders?customerId={customer}&limit=1"))["items"]![0]!;
        var number = someOrder["number"]!.GetValue<string>();
        string Day(int back) => today.AddDays(-back).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        (string Name, string Url)[] dashboards =
        [
            ("revenue by day (365 days)", $"/api/analytics/revenue?from={Day(364)}&to={Day(0)}&currency=CNY"),
            ("top products (30 days)", "/api/analytics/top-products?days=30"),
            ("top customers (30 days)", "/api/analytics/top-customers?days=30"),
            ("order funnel and stage times (30 days)", "/api/analytics/funnel?days=30"),
        ];
        (string Name, string Url)[] lists =
        [
            ("newest orders", "/api/orders?limit=50"),
            ("by customer", $"/api/orders?customerId={customer}&limit=50"),
            ("by status", "/api/orders?status=Cancelled&limit=50"),
            ("by period (30 days, 4 months ago)", $"/api/orders?from={Day(150)}&to={Day(120)}&limit=50"),
            ("by customer + status + period", $"/api/orders?customerId={customer}&status=Delivered&from={Day(300)}&to={Day(10)}&limit=50"),
            ("text: customer name", $"/api/orders?q={Uri.EscapeDataString("压测客户 4242 ")}&limit=50"),
            ("text: order number", $"/api/orders?q={number}&limit=50"),
            ("text: no match", "/api/orders?q=nothing-like-this&limit=50"),
        ];

        var worstDashboard = await MeasureAsync(run, api, dashboards, "P6", ct);
        var worstList = await MeasureAsync(run, api, lists, "P9", ct);
        run.Report.Line(Name, $"data set: {data.Orders:N0} orders / {data.Lines:N0} lines");
        var scale = data.Orders >= LargeDataSet.Large ? "1M orders / 10M lines" : $"{data.Orders:N0} orders (smoke, not 1M)";
        run.Report.AtMost("P6", worstDashboard.P95, "ms", 30,
            $"worst dashboard p95 ({worstDashboard.Name}) over {scale}, HTTP, one client; DuckDB comparison not built yet (ratio not measured)");
        run.Report.AtMost("P9", worstList.P95, "ms", 20, $"worst list/search p95 ({worstList.Name}) over {scale}, HTTP, one client");
    }

    private async Task<(string Name, double P95)> MeasureAsync(BenchRun run, BenchApi api, (string Name, string Url)[] calls, string bar, CancellationToken ct)
    {
        var worst = ("", 0d);
        foreach (var (name, url) in calls)
        {
            using (var check = await api.Http.GetAsync(url, ct))
            {
                await BenchApi.EnsureAsync(check, "GET " + url);
            }

            var result = await Load.RunAsync(1, TimeSpan.FromSeconds(run.Options.Smoke ? 1 : 4), long.MaxValue, async (_, _, token) =>
            {
                using var answer = await api.Http.GetAsync(url, HttpCompletionOption.ResponseContentRead, token);
                return answer.IsSuccessStatusCode ? Outcome.Ok : Outcome.Failed($"{(int)answer.StatusCode}");
            }, ct);
            run.Report.Line(Name, $"{bar} {name}: p50 {result.Latency.P50:N1} ms, p95 {result.Latency.P95:N1} ms, p99 {result.Latency.P99:N1} ms ({result.Ok} calls)");
            if (result.Failed > 0)
            {
                run.Report.Fail(Name, $"{name}: {result.Failed} failed calls");
            }

            if (result.Latency.P95 > worst.Item2)
            {
                worst = (name, result.Latency.P95);
            }
        }

        return worst;
    }
}
