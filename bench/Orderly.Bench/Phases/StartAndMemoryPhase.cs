using Orderly.Bench.DataSet;

namespace Orderly.Bench.Phases;

/// <summary>
/// P11 and P10 on the 1M-order data set: process start to the first served request (median of 3 starts), then the
/// server's peak resident set under the 64-client order-entry load. In smoke mode on the small data set, one start.
/// </summary>
public sealed class StartAndMemoryPhase : IPhase
{
    public string Name => "start";

    public bool InSmoke => true;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var size = run.Options.Smoke ? LargeDataSet.SmokeSize : LargeDataSet.Large;
        var data = await LargeDataSet.CopyAsync(run, size, "start", ct);
        var times = new List<double>();
        for (var i = 0; i < (run.Options.Smoke ? 1 : 3); i++)
        {
            await using var server = await ServerProcess.StartAsync(run.Options, data.Database, run.LogFile("start"));
            times.Add(server.StartTime.TotalSeconds);
        }

        var median = Comparison.Median(times);
        var scale = data.Orders >= LargeDataSet.Large ? "1M orders" : $"{data.Orders:N0} orders (smoke)";
        run.Report.Line(Name, $"start to first answer: {string.Join(", ", times.Select(t => $"{t:N2} s"))} on {data.Orders:N0} orders");
        run.Report.AtMost("P11", median, "s", 2, $"process start to first answered GET /health, median of {times.Count}, database with {scale}");

        await using var loaded = await ServerProcess.StartAsync(run.Options, data.Database, run.LogFile("start"));
        using var api = await BenchApi.ConnectAsync(loaded.Address, 64);
        var bodies = data.Fixture.OrderBodies(20_000, run.Options.Seed);
        var result = await Load.RunAsync(64, run.Options.Round * 2, long.MaxValue, async (_, n, token) =>
            (await OrderCalls.PlaceAndConfirmAsync(api.Http, bodies[n % bodies.Length], token)).Outcome, ct);
        var memory = loaded.Memory();
        run.Report.Line(Name, $"order entry on {data.Orders:N0} orders: {result.Describe()}; RSS now {memory.Current:N0} MiB, peak {memory.Peak:N0} MiB");
        if (result.Failed > 0)
        {
            run.Report.Fail(Name, $"{result.Failed} orders failed on the large data set");
        }

        run.Report.AtMost("P10", memory.Peak, "MiB", 400, $"server peak RSS under 64-client order entry on {scale}");
    }
}
