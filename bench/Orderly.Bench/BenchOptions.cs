namespace Orderly.Bench;

/// <summary>What one bench run does; parsed from the command line that bench.sh passes through.</summary>
public sealed record BenchOptions(
    bool Smoke, bool Postgres, string Root, string ServerDll, string ResultsDirectory, int Seed, IReadOnlySet<string> OnlyPhases)
{
    /// <summary>
    /// With --growth-sizes SMALL,LARGE the growth phase compares these data set sizes instead of 10k and 1M (a quick
    /// check of the phase itself; the report then says the bar was not measured at its sizes).
    /// </summary>
    public (int Small, int Large)? GrowthSizes { get; init; }

    /// <summary>With --choice TEXT (repeatable) the design-choices phase measures only the choices whose name contains one of them.</summary>
    public IReadOnlyList<string> OnlyChoices { get; init; } = [];

    /// <summary>--round SECONDS sets every measured round's length (default 6 s, 2 s with --smoke).</summary>
    public TimeSpan? RoundOverride { get; init; }

    /// <summary>How long each measured round runs: short in smoke mode, where only correctness and gross ratios count.</summary>
    public TimeSpan Round => RoundOverride ?? (Smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(6));

    /// <summary>How many A/B pairs a comparison takes.</summary>
    public int Pairs => Smoke ? 1 : 3;

    public static BenchOptions Parse(string[] args)
    {
        var smoke = false;
        var postgres = false;
        var seed = 20261127;
        string? root = null;
        string? results = null;
        string? server = null;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        (int, int)? growthSizes = null;
        var choices = new List<string>();
        TimeSpan? round = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke": smoke = true; break;
                case "--postgres": postgres = true; break;
                case "--seed": seed = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--root": root = args[++i]; break;
                case "--results": results = args[++i]; break;
                case "--server": server = Path.GetFullPath(args[++i]); break;
                case "--phase": only.Add(args[++i]); break;
                case "--choice": choices.Add(args[++i]); break;
                case "--round":
                    var seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    round = seconds is >= 1 and <= 600 ? TimeSpan.FromSeconds(seconds) : throw new ArgumentException("--round takes 1 to 600 seconds");
                    break;
                case "--growth-sizes":
                    var sizes = args[++i].Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    growthSizes = sizes.Length == 2 && sizes[0] > 0 && sizes[1] > 0 ? (sizes[0], sizes[1]) : throw new ArgumentException("--growth-sizes takes SMALL,LARGE");
                    break;
                default: throw new ArgumentException(
                    $"Unknown argument '{args[i]}'. Usage: bench [--smoke] [--postgres] [--phase NAME]... [--seed N] [--root DIR] [--server DLL] [--results DIR] [--growth-sizes SMALL,LARGE] [--choice TEXT]... [--round SECONDS]");
            }
        }

        root = root is null ? FindRoot() : Path.GetFullPath(root);
        // bench.sh passes its ReadyToRun publish; without --server, the root's Release build (A/Bs of worktrees).
        var serverDll = server ?? Path.Combine(root, "src", "Orderly.Server", "bin", "Release", "net10.0", "Orderly.Server.dll");
        if (!File.Exists(serverDll))
        {
            throw new InvalidOperationException($"{serverDll} is missing: build the server in Release first (bench.sh publishes it).");
        }

        return new BenchOptions(smoke, postgres, root, serverDll, results ?? Path.Combine(root, "bench", "results"), seed, only) { GrowthSizes = growthSizes, OnlyChoices = choices, RoundOverride = round };
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Orderly.slnx); pass --root.");
    }
}
