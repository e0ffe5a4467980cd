using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Orderly.Browser.Tests;

/// <summary>
/// The real server executable on a free loopback port (a browser cannot reach an in-memory TestServer), on a
/// throwaway SQLite database seeded with the demo data, and one Chromium for all tests of the collection.
/// </summary>
public sealed partial class OrderlyServer : IAsyncLifetime
{
    public const string DemoPassword = "Orderly-Demo-2026";
    public const string AdminPassword = "Browser-Tests-Admin-2026";
    public const string Kuaidi100Salt = "browser-tests-salt";
    public const string WeComCorpId = "ww-browser-tests";
    public const string WeComCallbackToken = "browserTestsToken";
    public const string WeComEncodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"];

    private readonly string _folder = Directory.CreateTempSubdirectory("orderly-browser-").FullName;
    private readonly List<string> _log = [];
    private Process? _server;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The SMTP server the app sends its e-mail to (Orderly:Communication:Smtp).</summary>
    public MailInbox Mail { get; } = MailInbox.Start();

    public static string RepositoryRoot { get; } = FindRoot();

    public static string ResultsFolder { get; } = Path.Combine(RepositoryRoot, "test-results", "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ResultsFolder);
        _server = StartServer();
        BaseUrl = await WaitForAddressAsync(_server, TimeSpan.FromMinutes(4));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ChromiumArgs });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Mail.DisposeAsync();
        lock (_log)
        {
            // The server's warnings and errors, for when a page failed in a way the browser does not show.
            File.WriteAllLines(Path.Combine(ResultsFolder, "..", "server.log"), _log);
        }

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
        catch (IOException)
        {
            // The server may still hold the database file for a moment; the temp cleaner takes it.
        }
    }

    /// <summary>A fresh browser context (own cookies) whose pages speak <paramref name="language"/>.</summary>
    public async Task<IPage> NewPageAsync(string language = "en-US")
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl,
            Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
            ViewportSize = new() { Width = 1366, Height = 900 },
            TimezoneId = "Asia/Shanghai",
        });
        // Generous: CI runs the server tests beside these on two cores.
        context.SetDefaultTimeout(45_000);
        return await context.NewPageAsync();
    }

    public async Task<IPage> LoginAsync(string email, string? password = null, string language = "en-US")
    {
        var page = await NewPageAsync(language);
        await page.GotoAsync("/login");
        await page.GetByLabel(language.StartsWith("zh", StringComparison.Ordinal) ? "电子邮箱" : "E-mail").FillAsync(email);
        await page.Locator("#password").FillAsync(password ?? DemoPassword);
        await page.Locator("form button[type=submit]").ClickAsync();
        try
        {
            // What the user needs is the page and its live circuit, not the load event of every font and image.
            await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
            await page.Locator("h1").First.WaitForAsync();
            // The page is prerendered: a click on a button (the language switch) before the circuit attached is lost.
            await Ui.InteractiveAsync(page);
        }
        catch (TimeoutException e)
        {
            // Says where the browser was and what the server logged (slow requests among it), so a failure in CI names its cause.
            throw new TimeoutException($"log in as {email} ({language}): the browser is at {page.Url} after the wait; the server's last log lines:\n{ServerLog()}", e);
        }

        return page;
    }

    /// <summary>An HTTP client of the server's API with a bearer token of <paramref name="email"/>, for setting up data.</summary>
    public async Task<HttpClient> ApiAsync(string email, string? password = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        using var login = await http.PostAsync("/api/auth/token", System.Net.Http.Json.JsonContent.Create(new { email, password = password ?? DemoPassword }));
        var body = await login.Content.ReadAsStringAsync();
        Assert.True(login.IsSuccessStatusCode, $"log in as {email}: {(int)login.StatusCode} {body}");
        http.DefaultRequestHeaders.Authorization = new("Bearer", (string)System.Text.Json.Nodes.JsonNode.Parse(body)!["accessToken"]!);
        return http;
    }

    /// <summary>Saves a screenshot under test-results/screenshots; with ORDERLY_DOC_SCREENSHOTS=1 also the README's copy in docs/screenshots.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ResultsFolder, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = false });
        if (Environment.GetEnvironmentVariable("ORDERLY_DOC_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(RepositoryRoot, "docs", "screenshots");
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
        }
    }

    public string ServerLog()
    {
        lock (_log)
        {
            return string.Join('\n', _log.TakeLast(80));
        }
    }

    private Process StartServer()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var bin = Path.Combine(RepositoryRoot, "src", "Orderly.Server", "bin", configuration, "net10.0");
        var dll = Path.Combine(bin, "Orderly.Server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the server first.", dll);
        }

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = bin, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        // No ASPNETCORE_ENVIRONMENT: Production, like the README's command, so assets that only Development serves show up here.
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["Database__Provider"] = "sqlite";
        start.Environment["ConnectionStrings__Orderly"] = $"Data Source={Path.Combine(_folder, "orderly.db")}";
        start.Environment["Orderly__AdminPassword"] = AdminPassword;
        start.Environment["Orderly__SeedDemoData"] = "true";
        start.Environment["Orderly__RateLimits__LoginsPerMinute"] = "1000";
        // The salt Kuaidi100 signs its pushes with, so a test can deliver tracking events as the carrier would.
        start.Environment["Orderly__Logistics__Kuaidi100Salt"] = Kuaidi100Salt;
        // WeCom's callback (receiving only: no secret, so nothing is sent), so a test can deliver a message as WeCom would.
        start.Environment["Orderly__Communication__WeCom__CorpId"] = WeComCorpId;
        start.Environment["Orderly__Communication__WeCom__CallbackToken"] = WeComCallbackToken;
        start.Environment["Orderly__Communication__WeCom__EncodingAesKey"] = WeComEncodingAesKey;
        start.Environment["Orderly__Communication__Smtp__Host"] = "127.0.0.1";
        start.Environment["Orderly__Communication__Smtp__Port"] = Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server did not start.");
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<string> WaitForAddressAsync(Process server, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (await server.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
        {
            Remember(line);
            if (ListeningOn().Match(line) is { Success: true } match)
            {
                // Keep draining stdout so the server never blocks on a full pipe.
                _ = Task.Run(async () =>
                {
                    while (await server.StandardOutput.ReadLineAsync() is { } more)
                    {
                        Remember(more);
                    }
                });
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException("The server exited before listening:\n" + ServerLog());
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
        }
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

        throw new InvalidOperationException("Orderly.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}

[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<OrderlyServer>
{
    public const string Name = "Browser";
}
