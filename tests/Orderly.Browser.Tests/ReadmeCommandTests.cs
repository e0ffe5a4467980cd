using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>
/// The README's first command on a fresh clone, exactly as a newcomer types it (no environment of ours, so the host
/// runs as Production), and the UI it serves in Chromium: every stylesheet, script and font loads, MudBlazor's layout
/// applies, the console stays clean. The other browser tests start a built server and could not see a blank UI.
/// </summary>
public sealed partial class ReadmeCommandTests : IAsyncLifetime
{
    private static readonly string[] OurEnvironment = ["ASPNETCORE_", "DOTNET_ENVIRONMENT", "Orderly__", "ConnectionStrings__", "Database__", "Logging__", "MSBUILD", "VSTEST"];

    private readonly string _folder = Directory.CreateTempSubdirectory("orderly-readme-").FullName;
    private readonly List<string> _output = [];
    private Process? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A build server may still hold a file of the clone for a moment; the temp cleaner takes it.
        }
    }

    [Fact]
    public async Task ReadmeRunCommand_OnAFreshClone_ServesAStyledUi()
    {
        var clone = Path.Combine(_folder, "repo");
        await RunToEndAsync("git", ["clone", "--quiet", OrderlyServer.RepositoryRoot, clone], _folder);
        var command = ReadmeRunCommand(File.ReadAllText(Path.Combine(clone, "README.md")));
        Assert.Equal(["dotnet", "run", "--project", "src/Orderly.Server"], command);

        var port = FreePort();
        _server = Start(command, ["--", "--urls", $"http://127.0.0.1:{port}"], clone);
        var (email, password) = await WaitForAdminLoginAsync(TimeSpan.FromMinutes(10));
        var baseUrl = $"http://127.0.0.1:{port}";
        await WaitForOutputAsync($"Now listening on: {baseUrl}", TimeSpan.FromMinutes(2));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ["--no-sandbox", "--disable-gpu"] });
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = "en-US", ViewportSize = new() { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        var assets = new List<IResponse>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType is "stylesheet" or "script" or "font")
            {
                lock (assets)
                {
                    assets.Add(response);
                }
            }
        };

        await page.GotoAsync("/login");
        await Assertions.Expect(page.GetByLabel("E-mail")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>(MudBlazorStylesLoaded), "MudBlazor's stylesheet did not load on the login page");
        Assert.Equal("rgb(255, 255, 255)", await page.Locator(".login-card").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        await OrderlyServer.ScreenshotAsync(page, "readme-login");

        await page.GetByLabel("E-mail").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        // The dashboard arrives over the live circuit; on a loaded machine its first render of a Debug `dotnet run` took
        // over 5 s twice this session (the other browser tests wait up to 60 s for a page after login).
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard", new() { Timeout = 60_000 });
        await AssertMudLayoutAsync(page);
        await OrderlyServer.ScreenshotAsync(page, "readme-home");

        await page.GotoAsync("/orders/new");
        await page.GetByTestId("new-line").WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AssertMudLayoutAsync(page);
        await OrderlyServer.ScreenshotAsync(page, "readme-order-entry");

        List<IResponse> loaded;
        lock (assets)
        {
            loaded = [.. assets];
        }

        Assert.Contains(loaded, r => r.Url.Contains("_content/MudBlazor/MudBlazor.min.", StringComparison.Ordinal) && r.Url.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(loaded, r => r.Url.Contains("_framework/blazor.web", StringComparison.Ordinal));
        // A reload may revalidate (304) what the first load fetched with a 200.
        foreach (var responses in loaded.GroupBy(r => r.Url))
        {
            var first = responses.First();
            Assert.True(first.Status == 200, $"{first.Url} answered {first.Status}\n{Output()}");
            Assert.All(responses.Skip(1), r => Assert.True(r.Status is 200 or 304, $"{r.Url} answered {r.Status}"));
            var type = (await first.AllHeadersAsync()).GetValueOrDefault("content-type", "");
            var expected = first.Request.ResourceType switch
            {
                "stylesheet" => "text/css",
                "script" => "javascript",
                _ => "font/",
            };
            Assert.True(type.Contains(expected, StringComparison.Ordinal), $"{first.Url} has content type '{type}', expected {expected}");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await context.CloseAsync();

        // The same first minutes in Chinese: a browser set to zh-CN gets the Chinese login, dashboard and entry page.
        var zh = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = "zh-CN", ViewportSize = new() { Width = 1366, Height = 900 } });
        zh.SetDefaultTimeout(60_000);
        var zhPage = await zh.NewPageAsync();
        var zhProblems = new List<string>();
        zhPage.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                zhProblems.Add("console: " + message.Text);
            }
        };
        await zhPage.GotoAsync("/login");
        await zhPage.GetByLabel("电子邮箱").FillAsync(email);
        await zhPage.Locator("#password").FillAsync(password);
        await zhPage.Locator("form button[type=submit]").ClickAsync();
        await zhPage.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await Assertions.Expect(zhPage.Locator("h1")).ToHaveTextAsync("工作台", new() { Timeout = 60_000 });
        await AssertMudLayoutAsync(zhPage);
        await zhPage.GotoAsync("/orders/new");
        await Assertions.Expect(zhPage.Locator("h1")).ToHaveTextAsync("新建销售订单");
        await AssertMudLayoutAsync(zhPage);
        Assert.True(zhProblems.Count == 0, string.Join("\n", zhProblems));
        await zh.CloseAsync();
    }

    [Fact]
    public async Task PublishedServer_StartedFromAnotherDirectory_ServesItsAssets()
    {
        var clone = Path.Combine(_folder, "repo");
        await RunToEndAsync("git", ["clone", "--quiet", OrderlyServer.RepositoryRoot, clone], _folder);
        var published = Path.Combine(_folder, "published");
        await RunToEndAsync("dotnet", ["publish", "src/Orderly.Server", "-c", "Release", "-o", published, "--nologo", "-v", "q"], clone);
        var elsewhere = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere")).FullName;

        var port = FreePort();
        _server = Start(["dotnet", Path.Combine(published, "Orderly.Server.dll")], ["--urls", $"http://127.0.0.1:{port}"], elsewhere,
            new() { ["Orderly__SeedDemoData"] = "false" });
        await WaitForOutputAsync($"Now listening on: http://127.0.0.1:{port}", TimeSpan.FromMinutes(3));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var login = await http.GetStringAsync("/login");
        var assets = AssetLink().Matches(login).Select(m => m.Groups[1].Value).Append("_framework/blazor.web.js").Distinct().ToList();
        Assert.Contains(assets, a => a.StartsWith("_content/MudBlazor/", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            using var response = await http.GetAsync(asset);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK && body.Length > 100, $"{asset}: {(int)response.StatusCode}, {body.Length} bytes\n{Output()}");
            var type = response.Content.Headers.ContentType?.MediaType ?? "";
            Assert.True(type is "text/css" or "text/javascript" or "application/javascript" or "image/svg+xml", $"{asset}: content type '{type}'");
        }
    }

    /// <summary>Computed styles that only MudBlazor's stylesheet and theme give: a fixed, coloured app bar and a drawer.</summary>
    private static async Task AssertMudLayoutAsync(IPage page)
    {
        var appBar = page.Locator("header.mud-appbar");
        await Assertions.Expect(appBar).ToBeVisibleAsync();
        Assert.Equal("fixed", await appBar.EvaluateAsync<string>("e => getComputedStyle(e).position"));
        Assert.Equal("rgb(23, 64, 111)", await appBar.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("flex", await page.Locator(".mud-toolbar").First.EvaluateAsync<string>("e => getComputedStyle(e).display"));
        Assert.True(await page.EvaluateAsync<bool>(MudBlazorStylesLoaded), "MudBlazor's stylesheet did not load");
    }

    private const string MudBlazorStylesLoaded =
        "() => [...document.styleSheets].some(s => { try { return (s.href || '').includes('MudBlazor') && s.cssRules.length > 100; } catch { return false; } })";

    /// <summary>The run command from the README's "two commands" block, split into words, without its comment.</summary>
    private static string[] ReadmeRunCommand(string readme)
    {
        var line = readme.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("dotnet run ", StringComparison.Ordinal));
        return line.Split('#')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private Process Start(string[] command, string[] extra, string folder, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command[0]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1).Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }

        Isolate(start);
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet run did not start");
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<(string Email, string Password)> WaitForAdminLoginAsync(TimeSpan timeout)
    {
        var line = await WaitForOutputAsync("Orderly admin login: ", timeout);
        var match = AdminLogin().Match(line);
        Assert.True(match.Success, "Unexpected admin login line: " + line);
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    private async Task<string> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            lock (_output)
            {
                if (_output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
                {
                    return line;
                }
            }

            if (_server is { HasExited: true })
            {
                break;
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException($"No '{text}' from the README command:\n{Output()}");
    }

    private void Remember(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output.TakeLast(60));
        }
    }

    private static async Task RunToEndAsync(string file, string[] args, string folder)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Isolate(start);
        using var process = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {error}");
    }

    /// <summary>A newcomer's shell: none of the settings this test run may have in its environment.</summary>
    private static void Isolate(ProcessStartInfo start)
    {
        foreach (var key in start.Environment.Keys.Where(k => OurEnvironment.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(key);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"(?:href|src)=""([^""]+\.(?:css|js|svg))""")]
    private static partial Regex AssetLink();

    [GeneratedRegex(@"Orderly admin login: (\S+) / (\S+)")]
    private static partial Regex AdminLogin();
}
