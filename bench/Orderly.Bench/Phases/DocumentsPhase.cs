using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Orderly.Bench.Phases;

/// <summary>
/// P14: the papers a customer receives, rendered on request. One confirmed 10-line order, shipped in full and
/// invoiced; then its order confirmation (English) and its invoice (Chinese, with the CJK font and the amount in
/// words) fetched as PDF by one client in a closed loop: 200 warm-up requests each, then 1,000 timed each,
/// alternating in rounds with the same order as JSON (<c>GET /api/orders/{id}</c>) so the PDF's cost is also reported
/// as a ratio to the plain read measured side by side.
/// </summary>
public sealed class DocumentsPhase : IPhase
{
    public string Name => "documents";

    public bool InSmoke => true;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        await using var server = await run.StartSqliteServerAsync("documents");
        using var api = await BenchApi.ConnectAsync(server.Address, 1);
        var fixture = await Fixture.CreateAsync(api, "D");
        var (outcome, order) = await OrderCalls.PlaceAndConfirmAsync(api.Http, fixture.OrderBodies(1, run.Options.Seed)[0], ct);
        if (order is null || outcome.Kind != OutcomeKind.Ok)
        {
            run.Report.Fail(Name, $"the order to print was not confirmed: {outcome}");
            return;
        }

        var lines = JsonNode.Parse(order.Body)!["lines"]!.AsArray()
            .Select(l => new { lineId = l!["id"]!.GetValue<Guid>(), quantity = l["quantity"]!.GetValue<decimal>() })
            .ToArray();
        await api.PostAsync($"/api/orders/{order.Id}/shipments", new { lines });
        var invoice = (await api.PostAsync("/api/invoices", new { orderId = order.Id }))["id"]!.GetValue<Guid>();
        await api.PostAsync($"/api/invoices/{invoice}/issue", new { });

        (string Name, string Url, string Kind)[] documents =
        [
            ("order confirmation (en)", $"/api/orders/{order.Id}/documents/confirmation.pdf?lang=en", "application/pdf"),
            ("invoice (zh-CN)", $"/api/invoices/{invoice}/document.pdf?lang=zh-CN", "application/pdf"),
        ];
        var json = $"/api/orders/{order.Id}";
        var (warmUp, timed) = run.Options.Smoke ? (20, 100) : (200, 1_000);
        var rounds = run.Options.Smoke ? 1 : 4;
        var worst = 0d;
        foreach (var (name, url, kind) in documents)
        {
            var size = await FetchAsync(api, url, kind, ct);
            for (var i = 0; i < warmUp; i++)
            {
                await FetchAsync(api, url, kind, ct);
                await FetchAsync(api, json, "application/json", ct);
            }

            var pdf = new List<long>(timed);
            var plain = new List<long>(timed);
            var pdfCpu = TimeSpan.Zero;
            for (var round = 0; round < rounds; round++)
            {
                var cpu = server.CpuTime();
                for (var i = 0; i < timed / rounds; i++)
                {
                    pdf.Add(await TimeAsync(api, url, kind, ct));
                }

                pdfCpu += server.CpuTime() - cpu;

                for (var i = 0; i < timed / rounds; i++)
                {
                    plain.Add(await TimeAsync(api, json, "application/json", ct));
                }
            }

            var (p, j) = (new Latency(pdf), new Latency(plain));
            worst = Math.Max(worst, p.P95);
            run.Report.Line(Name, $"{name}: {size / 1024.0:N0} KB, p50 {p.P50:N1} ms, p95 {p.P95:N1} ms, p99 {p.P99:N1} ms over {p.Count:N0} " +
                $"server CPU {pdfCpu.TotalMilliseconds / pdf.Count:N1} ms a document " +
                $"(the order as JSON side by side: p50 {j.P50:N2} ms, p95 {j.P95:N2} ms; **PDF / JSON p95 = {p.P95 / j.P95:N1}x**)");
        }

        run.Report.AtMost("P14", worst, "ms p95", 50, "worst of the order confirmation and invoice PDFs, one client, HTTP, after 200 warm-up requests");
    }

    private static async Task<long> FetchAsync(BenchApi api, string url, string kind, CancellationToken ct)
    {
        using var answer = await api.Http.GetAsync(url, ct);
        await BenchApi.EnsureAsync(answer, "GET " + url);
        if (answer.Content.Headers.ContentType?.MediaType != kind)
        {
            throw new InvalidOperationException($"GET {url} answered {answer.Content.Headers.ContentType}, not {kind}");
        }

        return (await answer.Content.ReadAsByteArrayAsync(ct)).LongLength;
    }

    private static async Task<long> TimeAsync(BenchApi api, string url, string kind, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await FetchAsync(api, url, kind, ct);
        return Latency.MicrosecondsSince(started);
    }
}
