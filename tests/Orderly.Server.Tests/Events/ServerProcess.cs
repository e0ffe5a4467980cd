using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Orderly.Server.Tests.Events;

/// <summary>
/// The real server executable as its own process on a free loopback port, for tests that must kill it
/// (<c>kill -9</c>) or run several nodes on one database.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];

    private ServerProcess(Process process) => _process = process;

    public string BaseUrl { get; private set; } = "";

    public static async Task<ServerProcess> StartAsync(string provider, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var bin = Path.Combine(RepositoryRoot(), "src", "Orderly.Server", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = bin, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(bin, "Orderly.Server.dll"), "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Database__Provider"] = provider;
        start.Environment["ConnectionStrings__Orderly"] = connectionString;
        start.Environment["Orderly__AdminEmail"] = OrderlyApp.AdminEmail;
        start.Environment["Orderly__AdminPassword"] = OrderlyApp.AdminPassword;
        start.Environment["Orderly__SeedDemoData"] = "false";
        start.Environment["Orderly__RateLimits__LoginsPerMinute"] = "100000";
        start.Environment["Orderly__RateLimits__OrdersPerMinutePerUser"] = "100000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("The server did not start."));
        server._process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        server._process.BeginErrorReadLine();
        server.BaseUrl = await server.WaitForAddressAsync(TimeSpan.FromMinutes(2));
        return server;
    }

    public async Task<HttpClient> AdminAsync()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = OrderlyApp.AdminEmail, password = OrderlyApp.AdminPassword });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["accessToken"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown, no flush, claimed events stay claimed until their lease expires.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public string Log()
    {
        lock (_log)
        {
            return string.Join('\n', _log.TakeLast(60));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task<string> WaitForAddressAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (await _process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
        {
            Remember(line);
            if (ListeningOn().Match(line) is { Success: true } match)
            {
                _ = Task.Run(async () =>
                {
                    while (await _process.StandardOutput.ReadLineAsync() is { } more)
                    {
                        Remember(more);
                    }
                });
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException("The server exited before listening:\n" + Log());
    }

    private void Remember(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Add(line);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orderly.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
