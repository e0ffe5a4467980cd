using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Orderly.Server.Platform;

namespace Orderly.Server.Tests.Architecture;

/// <summary>
/// The capability modules (issue #10, item 5): each declared once, their navigation behind declared policies and
/// labelled in both languages, and the host free of capability names, so a new capability is one module line.
/// </summary>
public sealed class ModuleTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public void Modules_HaveUniqueNames_AndTheirFoldersExist()
    {
        var names = OrderlyModules.All.Select(m => m.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(OrderlyModules.All, m => Assert.StartsWith("Orderly.Server.", m.GetType().Namespace, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryNavigationEntry_NamesADeclaredPolicy_AndHasALabelInEnglishAndChinese()
    {
        var table = app.Services.GetRequiredService<PermissionTable>();
        var entries = app.Services.GetRequiredService<IReadOnlyList<NavigationEntry>>();
        Assert.True(entries.Count >= 10, $"only {entries.Count} navigation entries");
        Assert.Equal(entries.Count, entries.Select(e => e.Href).Distinct().Count());
        var labels = app.Services.GetRequiredService<IStringLocalizer<Ui.Labels>>();
        foreach (var entry in entries)
        {
            Assert.NotNull(table[entry.Policy]);
            Assert.True(entry.Group is null || NavigationGroups.All.Any(g => g.Key == entry.Group), $"{entry.Href}: unknown group {entry.Group}");
            foreach (var culture in new[] { "en", "zh-CN" })
            {
                var previous = CultureInfo.CurrentUICulture;
                CultureInfo.CurrentUICulture = new CultureInfo(culture);
                try
                {
                    Assert.False(labels[entry.Label].ResourceNotFound, $"{entry.Href}: no {culture} label {entry.Label}");
                }
                finally
                {
                    CultureInfo.CurrentUICulture = previous;
                }
            }
        }
    }

    [Fact]
    public void TheHost_NamesNoCapability()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Orderly.slnx")))
        {
            root = root.Parent!;
        }

        var host = File.ReadAllText(Path.Combine(root.FullName, "src", "Orderly.Server", "OrderlyHost.cs"));
        var capabilities = OrderlyModules.All.Select(m => m.Name).Except(["Platform", "Events", "Identity", "Audit", "Demo", "Analytics"]).ToList();
        var named = capabilities.Where(c => host.Contains($"Map{c}", StringComparison.Ordinal) || host.Contains($"using Orderly.Server.{c};", StringComparison.Ordinal)).ToList();
        Assert.True(named.Count == 0, "OrderlyHost names capabilities: " + string.Join(", ", named));
        Assert.DoesNotContain("services.AddScoped<", host, StringComparison.Ordinal);
        Assert.DoesNotContain("app.Map", host, StringComparison.Ordinal);
    }
}
