using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Orderly.Server.Tests.Security;

/// <summary>
/// Issue #12, point 10: the policy table of docs/security.md names what each policy covers. Every endpoint that
/// needs more than <c>Read</c> is named in the row of its policy (by its resource or its action), and a read
/// guarded by another policy is mentioned as a read there, so the table never claims that <c>Read</c> covers it.
/// </summary>
public sealed class SecurityDocTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static readonly string[] Containers = ["api", "inventory", "allocation"];

    [Fact]
    public void EveryEndpointBeyondRead_IsNamedInTheRowOfItsPolicy()
    {
        var rows = PolicyRows();
        var wrong = new List<string>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = endpoint.RoutePattern.RawText ?? "";
            if (!route.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }

            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods[0] : "GET";
            var literals = route.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => !s.StartsWith('{') && !Containers.Contains(s)).ToList();
            if (literals.Count == 0)
            {
                continue;
            }

            foreach (var policy in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().Where(p => p != "Read"))
            {
                if (!rows.TryGetValue(policy, out var row))
                {
                    wrong.Add($"{method} {route}: policy {policy} has no row");
                    continue;
                }

                if (!Mentions(row, literals[0]) && !Mentions(row, literals[^1]))
                {
                    wrong.Add($"{method} {route}: the {policy} row names neither '{literals[0]}' nor '{literals[^1]}'");
                }

                if (method == "GET" && !row.Contains("get", StringComparison.Ordinal) && !row.Contains("read", StringComparison.Ordinal))
                {
                    wrong.Add($"{method} {route}: a read under {policy}, but its row does not mention reads");
                }
            }
        }

        Assert.True(wrong.Count == 0, "docs/security.md's policy table differs from the endpoints:\n" + string.Join("\n", wrong));
    }

    private static bool Mentions(string row, string word)
    {
        var stem = Squash(word);
        stem = stem.EndsWith('s') ? stem[..^1] : stem;
        return Squash(row).Contains(stem, StringComparison.Ordinal);
    }

    private static string Squash(string text) => new([.. text.ToLowerInvariant().Where(char.IsLetterOrDigit)]);

    /// <summary>Policy name to what its row says it allows, lower-cased, the policy name included.</summary>
    private static Dictionary<string, string> PolicyRows()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "security.md")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var lines = File.ReadAllLines(Path.Combine(directory.FullName, "docs", "security.md"));
        var header = Array.FindIndex(lines, l => l.StartsWith("| policy |", StringComparison.Ordinal));
        Assert.True(header >= 0, "docs/security.md has no '| policy |' table");
        return lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|'))
            .ToDictionary(row => row.Split('`')[1], row => row.Trim().Trim('|').Split('|')[^1].ToLowerInvariant() + " " + row.Split('`')[1].ToLowerInvariant());
    }
}
