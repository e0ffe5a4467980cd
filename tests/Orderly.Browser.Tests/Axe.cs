using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace Orderly.Browser.Tests;

/// <summary>The two accessibility bars the browser tests hold pages to, with axe-core.</summary>
internal static class Axe
{
    /// <summary>#11's bar: no violation at all of the WCAG 2.0/2.1/2.2 A and AA rules.</summary>
    public static async Task AssertWcag22AaAsync(IPage page, string name)
    {
        var options = new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } };
        Report(name, (await page.RunAxe(options)).Violations);
    }

    /// <summary>No serious or critical violation of any axe rule.</summary>
    public static async Task AssertNoSeriousAsync(IPage page, string name) =>
        Report(name, (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical"));

    private static void Report(string name, IEnumerable<AxeResultItem> violations)
    {
        var bad = violations
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} -> {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")
            .ToList();
        Assert.True(bad.Count == 0, $"axe-core on {name}:\n" + string.Join("\n", bad));
    }
}
