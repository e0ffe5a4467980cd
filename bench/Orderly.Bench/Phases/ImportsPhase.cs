using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Orderly.Bench.Phases;

/// <summary>
/// P13: a 100,000-row product CSV (UTF-8 with BOM, CRLF, Chinese names, quoted commas, 1% rows with a bad number)
/// uploaded as a dry run, then committed valid-only; rows per second of each step from upload to settled state, and
/// the server's resident memory growth over both. Then the same file again (every row unchanged) and a file changing
/// every row's price, so the three kinds of commit are reported side by side.
/// </summary>
public sealed class ImportsPhase : IPhase
{
    public string Name => "imports";

    public bool InSmoke => false;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var rows = run.Options.Smoke ? 10_000 : 100_000;
        await using var server = await run.StartSqliteServerAsync("imports");
        using var api = await BenchApi.ConnectAsync(server.Address, 2);
        // A server that has run an import before: a 2,000-row file of other SKUs, checked and committed, so the timed
        // runs do not pay for compiling the import's code (2-3 CPU-seconds on the first run), and that has then
        // finished re-compiling its hot code at tier 1 in the background, as a server up for a while has.
        var (warm, warmGood) = ProductFile(2_000, "9.90", "WRM-");
        var (warmId, _, _) = await TimedAsync(api, () => UploadAsync(api, "dry-run", warm, ct), ct);
        Expect((await TimedAsync(api, () => CommitAsync(api, warmId, ct), ct)).Settled, "Completed", "inserted", warmGood);
        var (waited, settling) = await server.QuietAsync(TimeSpan.FromSeconds(90), ct);
        run.Report.Line(Name, $"after the warm-up import the idle server settled in {waited.TotalSeconds:N1} s, using {settling.TotalSeconds:N2} CPU-s (tier-1 re-compilation in the background)");
        var (file, good) = ProductFile(rows, "12.50");
        var before = server.Memory().Current;

        var cpu0 = server.CpuTime();
        var (dryId, dryTime, dry) = await TimedAsync(api, () => UploadAsync(api, "dry-run", file, ct), ct);
        Expect(dry, "Validated", "valid", good);
        var cpu1 = server.CpuTime();
        var (_, commitTime, committed) = await TimedAsync(api, () => CommitAsync(api, dryId, ct), ct);
        Expect(committed, "Completed", "inserted", good);
        var cpu2 = server.CpuTime();
        var growth = server.Memory().Peak - before;

        var (_, unchangedTime, unchanged) = await TimedAsync(api, () => UploadAsync(api, "valid-only", file, ct), ct);
        Expect(unchanged, "Completed", "unchanged", good);
        var (_, changedTime, changed) = await TimedAsync(api, () => UploadAsync(api, "valid-only", ProductFile(rows, "13.50").File, ct), ct);
        Expect(changed, "Completed", "updated", good);

        double PerSecond(TimeSpan t) => rows / t.TotalSeconds;
        run.Report.Line(Name, $"server CPU time: dry run {(cpu1 - cpu0).TotalSeconds:N2} s, commit of new rows {(cpu2 - cpu1).TotalSeconds:N2} s " +
            $"({rows / (cpu1 - cpu0).TotalSeconds:N0} and {rows / (cpu2 - cpu1).TotalSeconds:N0} rows per CPU-second: what the wall clock would give on an idle core)");
        run.Report.Line(Name, $"{rows:N0} rows ({file.Length / 1e6:N1} MB, {rows - good:N0} bad): dry run {dryTime.TotalSeconds:N1} s, " +
            $"commit of new rows {commitTime.TotalSeconds:N1} s, unchanged {unchangedTime.TotalSeconds:N1} s (upload + check + compare), " +
            $"every price changed {changedTime.TotalSeconds:N1} s (upload + check + update with audit)");
        run.Report.Line(Name, $"rows/s: dry run {PerSecond(dryTime):N0}, new {PerSecond(commitTime):N0}, unchanged {PerSecond(unchangedTime):N0}, changed {PerSecond(changedTime):N0}; " +
            $"**changed / new = {commitTime / changedTime:N2}x**, peak RSS growth {growth:N0} MiB");
        run.Report.AtLeast("P13", Math.Min(PerSecond(dryTime), PerSecond(commitTime)), "rows/s", 20_000,
            $"the slower of the dry run and the commit of new rows, {rows:N0}-row product CSV, SQLite (peak RSS growth {growth:N0} MiB)");
        run.Report.AtMost("P13m", growth, "MiB", 200, "server RSS growth over the dry run and the commit");
    }

    private static void Expect(JsonNode body, string state, string count, int expected)
    {
        if (body["state"]!.GetValue<string>() != state || body[count]!.GetValue<int>() != expected)
        {
            throw new InvalidOperationException($"the import ended {body["state"]} with {count} {body[count]}, expected {state} and {expected}: {body.ToJsonString()[..Math.Min(600, body.ToJsonString().Length)]}");
        }
    }

    private static async Task<(Guid Id, TimeSpan Took, JsonNode Settled)> TimedAsync(BenchApi api, Func<Task<Guid>> start, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var id = await start();
        while (true)
        {
            var body = await api.GetAsync($"/api/imports/{id}");
            if (body["state"]!.GetValue<string>() is not ("Queued" or "Validating" or "Committing"))
            {
                return (id, clock.Elapsed, body);
            }

            await Task.Delay(100, ct);
        }
    }

    private static async Task<Guid> UploadAsync(BenchApi api, string mode, byte[] file, CancellationToken ct)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(part, "file", "products.csv");
        using var answer = await api.Http.PostAsync($"/api/imports?kind=products&mode={mode}", content, ct);
        await BenchApi.EnsureAsync(answer, "upload");
        return (await answer.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> CommitAsync(BenchApi api, Guid id, CancellationToken ct)
    {
        using var answer = await api.Http.PostAsync($"/api/imports/{id}/commit?mode=valid-only", null, ct);
        await BenchApi.EnsureAsync(answer, "commit");
        return id;
    }

    /// <summary>Row i has SKU prefix + i; every hundredth row has a list price that is not a number.</summary>
    private static (byte[] File, int Good) ProductFile(int rows, string price, string prefix = "IMP-")
    {
        var csv = new StringBuilder(rows * 56);
        csv.Append("SKU,名称,Unit,List price,Category\r\n");
        var good = 0;
        for (var i = 0; i < rows; i++)
        {
            var bad = i % 100 == 37;
            good += bad ? 0 : 1;
            csv.Append(prefix).Append(i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)).Append(',')
                .Append("\"导入商品 ").Append(i).Append(", 规格 A\",pcs,").Append(bad ? "十二" : price).Append(",导入\r\n");
        }

        var bom = new UTF8Encoding(true);
        return ([.. bom.GetPreamble(), .. bom.GetBytes(csv.ToString())], good);
    }
}
