using System.Diagnostics;
using Orderly.Bench;
using Orderly.Bench.Phases;

var options = BenchOptions.Parse(args);
var report = new Report(options);
var work = Path.Combine(Path.GetTempPath(), $"orderly-bench-{Environment.ProcessId}");
Directory.CreateDirectory(work);
var run = new BenchRun(options, report, work);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

IPhase[] phases =
[
    new HttpCeilingPhase(),
    new OrderEntryPhase(),
    new HotProductPhase(),
    new CrashRecoveryPhase(),
    new StartAndMemoryPhase(),
    new DashboardsPhase(),
    new GrowthPhase(),
    new DesignChoicesPhase(),
    new EventsPhase(),
    new DocumentsPhase(),
    new ImportsPhase(),
    new PostgresPhase(),
    new NotificationStormPhase(),
    new RowVariantsPhase(),
];

Console.WriteLine($"Orderly bench ({(options.Smoke ? "smoke" : "full")}{(options.Postgres ? ", PostgreSQL" : "")}); scratch folder {work}");
var started = Stopwatch.GetTimestamp();
foreach (var phase in phases)
{
    // A phase named with --phase runs even in smoke mode (with smoke-sized rounds), so that it can be tried quickly.
    var named = options.OnlyPhases.Contains(phase.Name);
    if ((options.Smoke && !phase.InSmoke && !named) || (options.OnlyPhases.Count > 0 && !named))
    {
        continue;
    }

    Console.WriteLine($"== {phase.Name}");
    var phaseStarted = Stopwatch.GetTimestamp();
    try
    {
        await phase.RunAsync(run, cancel.Token);
    }
    catch (Exception e) when (!cancel.IsCancellationRequested)
    {
        report.Fail(phase.Name, $"the phase stopped: {e.GetType().Name}: {e.Message}");
        Console.WriteLine(e);
    }

    Console.WriteLine($"   ({Stopwatch.GetElapsedTime(phaseStarted).TotalSeconds:N0} s)");
}

var commit = Git.Head(options.Root);
await report.WriteAsync(Machine.Read(), commit, Stopwatch.GetElapsedTime(started));
Console.WriteLine($"Report: {Path.Combine(options.ResultsDirectory, options.Smoke ? "smoke.md" : "latest.md")}");
if (report.Failures.Count > 0)
{
    Console.WriteLine($"{report.Failures.Count} failure(s):");
    foreach (var failure in report.Failures)
    {
        Console.WriteLine("  " + failure);
    }

    return 1;
}

if (Environment.GetEnvironmentVariable("ORDERLY_BENCH_KEEP") is null)
{
    Directory.Delete(work, recursive: true);
}

return 0;

internal static class Git
{
    public static string Head(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short=12", "HEAD"]) { RedirectStandardOutput = true })!;
            var head = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            using var status = Process.Start(new ProcessStartInfo("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"]) { RedirectStandardOutput = true })!;
            var dirty = status.StandardOutput.ReadToEnd().Trim().Length > 0;
            status.WaitForExit();
            return dirty ? head + "+changes" : head;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
