using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Orderly.Server.Tests.Architecture;

/// <summary>
/// Every label a page names literally (<c>L["Save"]</c>, <c>B["Entry_Refund"]</c>) exists in English and in Chinese.
/// A missing key is not an error at run time: the page shows the key itself, in English, in the Chinese UI.
/// </summary>
public sealed partial class LabelTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public void EveryLiteralLabelOfEveryPage_ExistsInEnglishAndChinese()
    {
        var components = Path.Combine(LayerRulesTests.RepositoryRoot(), "src", "Orderly.Server", "Components");
        var factory = app.Services.GetRequiredService<IStringLocalizerFactory>();
        var types = typeof(Program).Assembly.GetTypes().Where(t => t.Name.EndsWith("Labels", StringComparison.Ordinal)).ToLookup(t => t.Name);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var checkedKeys = 0;
        foreach (var file in Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories))
        {
            var localizers = Injections(file, components);
            var text = File.ReadAllText(file);
            foreach (var (variable, typeName) in localizers)
            {
                var type = Assert.Single(types[typeName]);
                var localizer = factory.Create(type);
                foreach (var key in LiteralKeys(text, variable))
                {
                    checkedKeys++;
                    foreach (var culture in new[] { "en", "zh-CN" })
                    {
                        var previous = CultureInfo.CurrentUICulture;
                        CultureInfo.CurrentUICulture = new CultureInfo(culture);
                        try
                        {
                            if (localizer[key].ResourceNotFound)
                            {
                                missing.Add($"{Path.GetRelativePath(components, file)}: {typeName}[\"{key}\"] has no {culture} text");
                            }
                        }
                        finally
                        {
                            CultureInfo.CurrentUICulture = previous;
                        }
                    }
                }
            }
        }

        Assert.True(checkedKeys > 500, $"only {checkedKeys} literal labels found: the scan is broken");
        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    /// <summary>The localizers a page can use: its own injections and those of every _Imports.razor above it.</summary>
    private static Dictionary<string, string> Injections(string file, string components)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new List<string> { file };
        for (var dir = Path.GetDirectoryName(file)!; dir.Length >= components.Length; dir = Path.GetDirectoryName(dir)!)
        {
            sources.Add(Path.Combine(dir, "_Imports.razor"));
        }

        foreach (var source in sources.Where(File.Exists))
        {
            foreach (Match m in Inject().Matches(File.ReadAllText(source)))
            {
                found.TryAdd(m.Groups["name"].Value, m.Groups["type"].Value.Split('.')[^1]);
            }
        }

        return found;
    }

    private static IEnumerable<string> LiteralKeys(string text, string variable) =>
        Regex.Matches(text, @"(?<![\w.])" + Regex.Escape(variable) + @"\[""(?<key>[A-Za-z0-9_]+)""\]").Select(m => m.Groups["key"].Value).Distinct();

    [GeneratedRegex(@"@inject\s+IStringLocalizer<(?<type>[\w.]+)>\s+(?<name>\w+)")]
    private static partial Regex Inject();
}
