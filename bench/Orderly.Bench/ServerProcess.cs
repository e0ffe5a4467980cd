using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Orderly.Bench;

/// <summary>Where a server keeps its data: the provider name Orderly understands and the connection string.</summary>
public sealed record DatabaseTarget(string Provider, string ConnectionString)
{
    public bool IsSqlite => Provider == "sqlite";
}

/// <summary>
/// The real server binary (Release build) as its own process on a loopback port, with production settings: the
/// Production environment, warnings-only logging, no demo data. Order-entry rate limits are raised for the bench
/// user, as an operator would for an integration account.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    public const string AdminEmail = "bench-admin@orderly.local";
    public const string AdminPassword = "Bench-Admin-2026!";

    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerProcess(Process process, StreamWriter log, Uri address, TimeSpan startTime)
    {
        _process = process;
        _log = log;
        Address = address;
        StartTime = startTime;
    }

    public Uri Address { get; }

    /// <summary>From process start to the first answered request (GET /health).</summary>
    public TimeSpan StartTime { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    private const string ServerEnvironmentPrefix = "ORDERLY_BENCH_SERVER_";

    public static async Task<ServerProcess> StartAsync(BenchOptions options, DatabaseTarget database, string logFile, IDictionary<string, string>? settings = null, int? port = null)
    {
        port ??= FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(options.ServerDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(options.ServerDll);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/'),
            ["Database__Provider"] = database.Provider,
            ["ConnectionStrings__Orderly"] = database.ConnectionString,
            ["Orderly__AdminEmail"] = AdminEmail,
            ["Orderly__AdminPassword"] = AdminPassword,
            ["Orderly__SeedDemoData"] = "false",
            ["Orderly__RateLimits__OrdersPerMinutePerUser"] = "100000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        // ORDERLY_BENCH_SERVER_X=v reaches the server alone as X=v: runtime knobs (DOTNET_TieredPGO=0, ...) for an A/B
        // without changing the bench client's own runtime.
        foreach (var (key, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value ?? "")).Where(e => e.Item1.StartsWith(ServerEnvironmentPrefix, StringComparison.Ordinal)))
        {
            environment[key[ServerEnvironmentPrefix.Length..]] = value;
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Cannot start the server.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} while starting; see {logFile}.");
            }

            try
            {
                using var answer = await http.GetAsync(new Uri(address, "/health"));
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The server did not answer /health within 3 minutes; see {logFile}.");
            }

            await Task.Delay(5);
        }

        return new ServerProcess(process, log, address, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Runs the server's <c>migrate</c> verb on a database: the schema exactly as the server makes it.</summary>
    public static async Task MigrateAsync(BenchOptions options, DatabaseTarget database, string logFile, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(options.ServerDll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(options.ServerDll);
        info.ArgumentList.Add("migrate");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Database__Provider"] = database.Provider;
        info.Environment["ConnectionStrings__Orderly"] = database.ConnectionString;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Cannot start the server's migrate verb.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await File.AppendAllTextAsync(logFile, await output + await errors, ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"migrate exited with {process.ExitCode}; see {logFile}.");
        }
    }

    /// <summary>Resident set size now and at its peak, in MiB, from /proc.</summary>
    public (double Current, double Peak) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        return (Kib(status, "VmRSS:") / 1024.0, Kib(status, "VmHWM:") / 1024.0);
    }

    /// <summary>CPU time the process has used so far (user + system), from /proc.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>
    /// Waits until the idle server has stopped working on its own: its CPU use under 5% over two half-second looks
    /// in a row, or <paramref name="longest"/>. What a just-started server does then is mostly the runtime compiling its
    /// hot code again at tier 1 (with profile-guided optimisation) in the background, 10-20 CPU-seconds after a first
    /// import on this machine (docs/performance.md): a one-time start cost that a server up for a while has paid.
    /// Returns how long it waited and the CPU it used meanwhile.
    /// </summary>
    public async Task<(TimeSpan Waited, TimeSpan Cpu)> QuietAsync(TimeSpan longest, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var cpu0 = CpuTime();
        var last = cpu0;
        var quiet = 0;
        while (quiet < 2 && started.Elapsed < longest)
        {
            await Task.Delay(500, ct);
            var now = CpuTime();
            quiet = now - last < TimeSpan.FromMilliseconds(25) ? quiet + 1 : 0;
            last = now;
        }

        return (started.Elapsed, last - cpu0);
    }

    /// <summary>Freezes the process (SIGSTOP), so a server measured beside it has the machine to itself: its timers
    /// and background work stop until <see cref="Resume"/>; connections stay open.</summary>
    public void Pause() => _ = Kill(_process.Id, 19);

    /// <summary>Lets a paused process run again (SIGCONT).</summary>
    public void Resume() => _ = Kill(_process.Id, 18);

    /// <summary>The crash a power cut or OOM killer would cause: SIGKILL, no shutdown code runs.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>A graceful stop: SIGTERM, then wait; returns how long the process took to exit.</summary>
    public async Task<TimeSpan> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return TimeSpan.Zero;
        }

        var started = Stopwatch.GetTimestamp();
        _ = Kill(_process.Id, 15);
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        return Stopwatch.GetElapsedTime(started);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(20));
        _process.Dispose();
        await _log.DisposeAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static long Kib(string[] status, string field) =>
        status.Where(l => l.StartsWith(field, StringComparison.Ordinal))
            .Select(l => long.Parse(l[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)).FirstOrDefault();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
