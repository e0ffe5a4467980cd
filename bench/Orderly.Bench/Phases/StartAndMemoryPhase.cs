namespace Orderly.Bench.Phases;

/// <summary>P11: from process start to the first served request, on the largest database the run built.</summary>
public sealed class StartAndMemoryPhase : IPhase
{
    public string Name => "start";

    public bool InSmoke => true;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var database = run.NewSqlite("entry");
        var orders = OrderEntryPhase.OrderCount(database);
        var times = new List<double>();
        for (var i = 0; i < (run.Options.Smoke ? 1 : 3); i++)
        {
            await using var server = await ServerProcess.StartAsync(run.Options, database, run.LogFile("start"));
            times.Add(server.StartTime.TotalSeconds);
        }

        var median = Comparison.Median(times);
        run.Report.Line(Name, $"start to first answer: {string.Join(", ", times.Select(t => $"{t:N2} s"))} on {orders:N0} orders");
        run.Report.AtMost("P11", median, "s", 2, $"process start to first answered GET /health, median of {times.Count}, database with {orders:N0} orders (not yet 1M)");
    }
}
