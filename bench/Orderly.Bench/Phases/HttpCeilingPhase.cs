namespace Orderly.Bench.Phases;

/// <summary>The HTTP ceiling: the cheapest request the server answers (GET /health/live, no database) at 64 clients; and GET /health, which pings the database.</summary>
public sealed class HttpCeilingPhase : IPhase
{
    public string Name => "http-ceiling";

    public bool InSmoke => true;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        await using var server = await run.StartSqliteServerAsync("ceiling");
        using var api = await BenchApi.ConnectAsync(server.Address, 64);
        foreach (var path in new[] { "/health/live", "/health" })
        {
            async Task<Outcome> Get(int client, long n, CancellationToken token)
            {
                using var answer = await api.Http.GetAsync(path, token);
                return answer.IsSuccessStatusCode ? Outcome.Ok : Outcome.Failed($"{(int)answer.StatusCode}");
            }

            await Load.RunAsync(64, TimeSpan.FromSeconds(1), long.MaxValue, Get, ct);
            var result = await Load.RunAsync(64, run.Options.Round, long.MaxValue, Get, ct);
            run.Report.Line(Name, $"GET {path} {result.Describe()}");
            if (result.Failed > 0)
            {
                run.Report.Fail(Name, $"{result.Failed} failed requests to {path}: {string.Join("; ", result.Failures.Keys)}");
            }
        }
    }
}
