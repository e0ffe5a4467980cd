using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Orderly.Server.Tests.Maintenance;

/// <summary>
/// The settings files still reload on change, but by polling them: the default SQLite database lives under the
/// content root, and .NET's inotify watcher on that root (recursive) woke up for every page the database wrote.
/// (A file provider reports <c>UsePollingFileWatcher</c> false once its watcher exists, so the switch itself is
/// what is checked; docs/performance.md has the thread list and the profile.)
/// </summary>
public sealed class ConfigurationWatchTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public void TheSettingsFiles_ReloadOnChange_AndFileProvidersPoll()
    {
        var root = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();
        var settings = root.Providers.OfType<JsonConfigurationProvider>()
            .Where(p => p.Source.Path is { } path && path.StartsWith("appsettings", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, p => Assert.True(p.Source.ReloadOnChange, $"{p.Source.Path} no longer reloads on change"));
        Assert.Equal("true", Environment.GetEnvironmentVariable(OrderlyHost.PollingWatcherVariable));
    }
}
