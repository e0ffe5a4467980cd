using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orderly.Bench;

/// <summary>One QUALITY.md bar as measured: the value, its unit, the target and whether it is met.</summary>
public sealed record Bar(double Value, string Unit, double Target, bool Met, string Note);

/// <summary>
/// What a bench run found: the bars, a section of measurements per phase, and correctness failures (oversold units,
/// lost or duplicated orders, ratios far below target) that make the run fail.
/// </summary>
public sealed class Report(BenchOptions options)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly SortedDictionary<string, Bar> _bars = new(Comparer<string>.Create(ByBarId));
    private readonly List<(string Phase, List<string> Lines)> _sections = [];
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    public void Bar(string id, double value, string unit, double target, bool met, string note)
    {
        lock (_bars)
        {
            _bars[id] = new Bar(Math.Round(value, 4), unit, target, met, note);
        }

        Console.WriteLine($"    {id}: {Format(value)} {unit} (target {Format(target)}) {(met ? "met" : "NOT met")} - {note}");
    }

    /// <summary>A bar that must be at least its target.</summary>
    public void AtLeast(string id, double value, string unit, double target, string note) => Bar(id, value, unit, target, value >= target, note);

    /// <summary>A bar that must be at most its target.</summary>
    public void AtMost(string id, double value, string unit, double target, string note) => Bar(id, value, unit, target, value <= target, note);

    public void Line(string phase, string text)
    {
        Console.WriteLine($"  [{phase}] {text}");
        lock (_sections)
        {
            var section = _sections.Find(s => s.Phase == phase);
            if (section.Lines is null)
            {
                section = (phase, []);
                _sections.Add(section);
            }

            section.Lines.Add(text);
        }
    }

    public void Fail(string phase, string what)
    {
        Console.WriteLine($"  [{phase}] FAILURE: {what}");
        lock (_failures)
        {
            _failures.Add($"{phase}: {what}");
        }

        Line(phase, "**FAILURE**: " + what);
    }

    /// <summary>In smoke mode a ratio far below its target is a failure; in a full run it is only reported.</summary>
    public void FailIfFarBelow(string phase, string what, double ratio, double floor)
    {
        if (options.Smoke && ratio < floor)
        {
            Fail(phase, $"{what} is {ratio:N3}, far below target (smoke floor {floor:N3})");
        }
    }

    public async Task WriteAsync(Machine machine, string commit, TimeSpan took)
    {
        Directory.CreateDirectory(options.ResultsDirectory);
        var name = options.Smoke ? "smoke" : "latest";
        var json = new
        {
            machine,
            commit,
            server = Path.GetRelativePath(options.Root, options.ServerDll),
            mode = options.Smoke ? "smoke" : options.Postgres ? "full+postgres" : "full",
            startedAt = DateTimeOffset.UtcNow - took,
            seconds = Math.Round(took.TotalSeconds, 1),
            bars = _bars,
            failures = _failures,
        };
        await File.WriteAllTextAsync(Path.Combine(options.ResultsDirectory, name + ".json"), JsonSerializer.Serialize(json, Json) + "\n");
        await File.WriteAllTextAsync(Path.Combine(options.ResultsDirectory, name + ".md"), Markdown(machine, commit, took));
    }

    private string Markdown(Machine machine, string commit, TimeSpan took)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Orderly bench: {(options.Smoke ? "smoke" : "full")} run{(options.Postgres ? " with PostgreSQL" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Commit `{commit}`, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {took.TotalMinutes:N1} min. Machine: {machine.Describe()}. Server: `{Path.GetRelativePath(options.Root, options.ServerDll)}`.");
        md.AppendLine();
        md.AppendLine("| bar | measured | target | met | how |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var (id, bar) in _bars)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {id} | {Format(bar.Value)} {bar.Unit} | {Format(bar.Target)} | {(bar.Met ? "yes" : "**no**")} | {bar.Note} |");
        }

        md.AppendLine();
        md.AppendLine(_failures.Count == 0 ? "Correctness: no failure (nothing oversold, no order lost or duplicated)." : "## Failures");
        foreach (var failure in _failures)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {failure}");
        }

        foreach (var (phase, lines) in _sections)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {phase}");
            md.AppendLine();
            foreach (var line in lines)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
            }
        }

        return md.ToString();
    }

    public static string Format(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 or <= -100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 1 or <= -1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    private static int ByBarId(string a, string b)
    {
        static (string, int) Key(string id) => (id[..1], int.TryParse(id[1..], out var n) ? n : int.MaxValue);
        var (ka, kb) = (Key(a), Key(b));
        var c = string.CompareOrdinal(ka.Item1, kb.Item1);
        return c != 0 ? c : ka.Item2 != kb.Item2 ? ka.Item2.CompareTo(kb.Item2) : string.CompareOrdinal(a, b);
    }
}

/// <summary>The machine a run was measured on.</summary>
public sealed record Machine(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime)
{
    public string Describe() => $"{Cpu}, {Cores} cores, {MemoryGiB:N0} GiB, {Os}, {Runtime}";

    public static Machine Read()
    {
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? "unknown CPU";
        var memKb = ReadField("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var memory = double.TryParse(memKb, CultureInfo.InvariantCulture, out var kb) ? kb / 1024 / 1024 : double.NaN;
        return new Machine(cpu, Environment.ProcessorCount, Math.Round(memory, 1), System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    }

    private static string? ReadField(string file, string name) => File.Exists(file)
        ? File.ReadLines(file).Where(l => l.StartsWith(name, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
        : null;
}
