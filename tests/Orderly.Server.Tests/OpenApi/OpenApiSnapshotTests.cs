using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orderly.Server.Tests.OpenApi;

/// <summary>
/// docs/openapi.json is what the generated client (tests/Orderly.Client) is built from, so it must be the document
/// the server serves. After an intended API change, run this test with ORDERLY_UPDATE_OPENAPI=1 to rewrite the file
/// and commit it with the change.
/// </summary>
public abstract class OpenApiSnapshotTests(OrderlyApp app)
{
    public const string UpdateVariable = "ORDERLY_UPDATE_OPENAPI";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task CheckedInDocument_EqualsTheLiveDocument()
    {
        using var anonymous = app.Anonymous();
        var live = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!.AsObject();
        // The server list names whichever host answered; a client is given its base address instead.
        live.Remove("servers");
        var path = Path.Combine(RepositoryRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, live.ToJsonString(Indented) + "\n");
        }

        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(path));
        Assert.True(JsonNode.DeepEquals(live, checkedIn),
            $"docs/openapi.json differs from /openapi/v1.json; if the API change is intended, run this test with {UpdateVariable}=1 and commit the file. "
            + FirstDifference(live, checkedIn, "$"));
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orderly.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Orderly.slnx not found above " + AppContext.BaseDirectory);
    }

    private static string FirstDifference(JsonNode? live, JsonNode? file, string path)
    {
        switch (live, file)
        {
            case (JsonObject a, JsonObject b):
                foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                {
                    if (!JsonNode.DeepEquals(a[key], b[key]))
                    {
                        return FirstDifference(a[key], b[key], $"{path}.{key}");
                    }
                }

                break;
            case (JsonArray a, JsonArray b) when a.Count == b.Count:
                for (var i = 0; i < a.Count; i++)
                {
                    if (!JsonNode.DeepEquals(a[i], b[i]))
                    {
                        return FirstDifference(a[i], b[i], $"{path}[{i}]");
                    }
                }

                break;
        }

        return $"First difference at {path}: live {Shorten(live)}, file {Shorten(file)}";
    }

    private static string Shorten(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "(absent)";
        return text.Length > 300 ? text[..300] + "..." : text;
    }
}

public sealed class OpenApiSnapshotTests_Sqlite(SqliteApp app) : OpenApiSnapshotTests(app), IClassFixture<SqliteApp>;

public sealed class OpenApiSnapshotTests_Postgres(PostgresApp app) : OpenApiSnapshotTests(app), IClassFixture<PostgresApp>;
