using System.Globalization;

namespace Orderly.Bench.Phases;

/// <summary>
/// The analyses of #17 in the dashboards phase: each endpoint over HTTP (one client, closed loop), p95, and where a
/// column store answers the same question with a plain GROUP BY, the same query in the single-threaded in-memory DuckDB
/// side by side (A B A B); then P15, the all-products forecast and backtest (<c>/api/forecasts/accuracy</c>) against 10 s.
/// </summary>
internal static class AnalysesBench
{
    /// <summary>The statuses that count in sales (Orderly's Rollups.Counted).</summary>
    private const string Counted = "('PendingApproval', 'Confirmed', 'PartiallyShipped', 'Shipped', 'Delivered', 'OnHold')";

    /// <summary>Asia/Shanghai, the data set's business time zone, has no daylight saving.</summary>
    private const int ZoneHours = 8;

    /// <summary>The analyses: name, URL, and the DuckDB statements answering the same question (null when no sensible equivalent).</summary>
    public static (string Name, string Url, string[]? Duck)[] Entries(DateOnly today, Guid product)
    {
        var first = today.AddDays(-29);
        var year = today.AddDays(-364);
        string D(DateOnly d) => $"DATE '{d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";
        string Q(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var period = $"from={Q(first)}&to={Q(today)}&currency=CNY";
        var fromUtc = $"(CAST({D(first)} AS TIMESTAMP) - INTERVAL {ZoneHours} HOUR)";
        var toUtc = $"(CAST({D(today.AddDays(1))} AS TIMESTAMP) - INTERVAL {ZoneHours} HOUR)";
        var perDay = $"""
            SELECT order_date, count(*) AS orders, sum(total_minor) AS value_minor FROM orders
            WHERE order_date BETWEEN {D(first)} AND {D(today)} AND currency = 'CNY' AND status IN {Counted}
            GROUP BY order_date ORDER BY order_date
            """;
        return
        [
            ("orders by product (30 days)", $"/api/analytics/orders?{period}&by=product",
            [
                perDay,
                $"""
                SELECT l.product_id, count(*) AS lines, sum(l.quantity) AS quantity, sum(l.line_total_minor) AS value_minor
                FROM order_lines l JOIN orders o ON o.id = l.order_id
                WHERE o.order_date BETWEEN {D(first)} AND {D(today)} AND o.currency = 'CNY' AND o.status IN {Counted}
                GROUP BY l.product_id ORDER BY value_minor DESC, l.product_id LIMIT 50
                """,
            ]),
            ("orders by customer (30 days)", $"/api/analytics/orders?{period}&by=customer",
            [
                perDay,
                $"""
                SELECT customer_id, count(*) AS orders, sum(total_minor) AS value_minor FROM orders
                WHERE order_date BETWEEN {D(first)} AND {D(today)} AND currency = 'CNY' AND status IN {Counted}
                GROUP BY customer_id ORDER BY value_minor DESC, customer_id LIMIT 50
                """,
            ]),
            ("bottlenecks p50/p90 per stage (30 days)", $"/api/analytics/bottlenecks?from={Q(first)}&to={Q(today)}",
            [
                $"""
                WITH walked AS (
                    SELECT h."from", h.changed_at, lag(h.changed_at) OVER (PARTITION BY h.order_id ORDER BY h.changed_at) AS entered
                    FROM order_status_changes h
                    WHERE h.order_id IN (SELECT order_id FROM order_status_changes
                                         WHERE "from" IS NOT NULL AND changed_at >= {fromUtc} AND changed_at < {toUtc}))
                SELECT "from" AS status, count(*) AS exits,
                       quantile_disc(epoch_ms(changed_at) - epoch_ms(entered), 0.5) AS p50_ms,
                       quantile_disc(epoch_ms(changed_at) - epoch_ms(entered), 0.9) AS p90_ms
                FROM walked
                WHERE "from" IS NOT NULL AND entered IS NOT NULL AND changed_at >= {fromUtc} AND changed_at < {toUtc}
                GROUP BY "from" ORDER BY "from"
                """,
            ]),
            ("customers RFM (365 days)", $"/api/analytics/customers/rfm?asOf={Q(today)}&currency=CNY",
            [
                $"""
                WITH rfm AS (
                    SELECT customer_id, max(order_date) AS last_order, count(*) AS frequency, sum(total_minor) AS monetary FROM orders
                    WHERE order_date BETWEEN {D(year)} AND {D(today)} AND currency = 'CNY' AND status IN {Counted}
                    GROUP BY customer_id)
                SELECT customer_id, ntile(5) OVER (ORDER BY last_order) AS r, ntile(5) OVER (ORDER BY frequency) AS f,
                       ntile(5) OVER (ORDER BY monetary) AS m, monetary
                FROM rfm ORDER BY monetary DESC LIMIT 200
                """,
            ]),
            ("inventory analysis (365 days)", "/api/analytics/inventory", null),
            ("forecast of one product", $"/api/forecasts?productId={product}", null),
        ];
    }

    /// <summary>Measures every entry and reports one line each and the worst p95 and ratio as "P6 analyses".</summary>
    public static async Task MeasureAsync(
        BenchRun run, BenchApi api, DuckDbDashboards duck, (string Name, string Url, string[]? Duck)[] entries, string phase, string scale, CancellationToken ct)
    {
        var repetitions = run.Options.Smoke ? 40 : 200;
        var rounds = run.Options.Smoke ? 1 : 2;
        var perRound = repetitions / rounds;
        var worst = (Name: "", P95: 0d);
        var worstRatio = (Name: "", Ratio: 0d);
        foreach (var (name, url, statements) in entries)
        {
            // The first call on a fresh server may build an in-memory projection: its time is reported, and a client
            // timeout (60 s) is retried a few times, as a person would reload the page, instead of ending the phase.
            var firstBegun = System.Diagnostics.Stopwatch.GetTimestamp();
            var timeouts = 0;
            while (true)
            {
                try
                {
                    using var check = await api.Http.GetAsync(url, ct);
                    await BenchApi.EnsureAsync(check, "GET " + url);
                    break;
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested && timeouts < 4)
                {
                    timeouts++;
                }
            }

            run.Report.Line(phase, $"P6 {name}: first call answered in {System.Diagnostics.Stopwatch.GetElapsedTime(firstBegun).TotalSeconds:N2} s" +
                (timeouts == 0 ? "" : $" after {timeouts} client timeout(s) of {api.Http.Timeout.TotalSeconds:N0} s"));

            var orderly = new List<long>();
            var duckDb = new List<long>();
            var failed = 0L;
            async Task<double> OrderlyAsync()
            {
                var result = await Load.RunAsync(1, TimeSpan.FromMinutes(2), perRound, async (_, _, token) =>
                {
                    using var answer = await api.Http.GetAsync(url, HttpCompletionOption.ResponseContentRead, token);
                    return answer.IsSuccessStatusCode ? Outcome.Ok : Outcome.Failed($"{(int)answer.StatusCode}");
                }, ct);
                failed += result.Failed;
                orderly.AddRange(result.Latency.Samples);
                return result.Latency.P95;
            }

            if (statements is null)
            {
                for (var r = 0; r < rounds; r++)
                {
                    await OrderlyAsync();
                }
            }
            else
            {
                var rows = duck.Run(statements);
                await Comparison.AlternateAsync("Orderly (HTTP)", OrderlyAsync, "DuckDB (in process, threads=1)", () =>
                {
                    var samples = new List<long>(perRound);
                    var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (2 * 60 * System.Diagnostics.Stopwatch.Frequency);
                    for (var i = 0; i < perRound && System.Diagnostics.Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested; i++)
                    {
                        var begun = System.Diagnostics.Stopwatch.GetTimestamp();
                        duck.Run(statements);
                        samples.Add(Latency.MicrosecondsSince(begun));
                    }

                    duckDb.AddRange(samples);
                    return Task.FromResult(new Latency(samples).P95);
                }, rounds);
                run.Report.Line(phase, $"P6 {name}: DuckDB answers with {rows} rows");
            }

            var ours = new Latency(orderly);
            var line = $"P6 {name}: Orderly p50 {ours.P50:N2} ms, p95 {ours.P95:N2} ms ({ours.Count} calls)";
            if (duckDb.Count > 0)
            {
                var theirs = new Latency(duckDb);
                var ratio = ours.P95 / theirs.P95;
                line += $"; DuckDB p50 {theirs.P50:N2} ms, p95 {theirs.P95:N2} ms ({theirs.Count} runs); p95 ratio Orderly/DuckDB {ratio:N3}";
                if (!(ratio <= worstRatio.Ratio))
                {
                    worstRatio = (name, ratio);
                }
            }
            else
            {
                line += "; no DuckDB equivalent (the stock ledger / a per-series forecast are not a GROUP BY over orders)";
            }

            run.Report.Line(phase, line);
            if (failed > 0)
            {
                run.Report.Fail(phase, $"{name}: {failed} failed calls");
            }

            if (ours.P95 > worst.P95)
            {
                worst = (name, ours.P95);
            }
        }

        run.Report.Bar("P6 analyses", worst.P95, "ms", 30, worst.P95 <= 30 && worstRatio.Ratio <= 1,
            $"worst analysis p95 ({worst.Name}) over {scale}, HTTP, one client; worst p95 ratio Orderly/DuckDB {worstRatio.Ratio:N3} " +
            $"({worstRatio.Name}; target <= 1); {repetitions} repetitions each");
    }

    /// <summary>
    /// P15: the first call of <c>/api/forecasts/accuracy</c> on a fresh server forecasts and backtests every product with
    /// demand (nothing cached yet); its wall time over HTTP, and the backtest's own time the answer reports.
    /// </summary>
    public static async Task ForecastAllAsync(BenchRun run, BenchApi api, string phase, string scale, CancellationToken ct)
    {
        var begun = System.Diagnostics.Stopwatch.GetTimestamp();
        using var answer = await api.Http.GetAsync("/api/forecasts/accuracy", HttpCompletionOption.ResponseContentRead, ct);
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(begun).TotalSeconds;
        await BenchApi.EnsureAsync(answer, "GET /api/forecasts/accuracy");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await answer.Content.ReadAsStringAsync(ct))!;
        var products = json["products"]!.GetValue<int>();
        var seconds = json["seconds"]!.GetValue<double>();
        run.Report.Line(phase, $"P15 forecast + backtest of every product: {products:N0} products, {wall:N2} s over HTTP (backtest itself {seconds:N2} s)");
        run.Report.AtMost("P15", wall, "s", 10, $"/api/forecasts/accuracy, first call (nothing cached), {products:N0} products with demand over {scale}");
    }
}
