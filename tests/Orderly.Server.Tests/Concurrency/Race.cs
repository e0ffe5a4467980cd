namespace Orderly.Server.Tests.Concurrency;

/// <summary>The answer to one request made during a race, with what was asked.</summary>
public sealed record Outcome(string Operation, HttpStatusCode Status, JsonNode? Body, string? MediaType = null)
{
    public bool IsProblem => MediaType == "application/problem+json";

    public string? Code => Body?["code"]?.GetValue<string>();

    public override string ToString() => $"{Operation} -> {(int)Status} {Body?.ToJsonString()}";
}

/// <summary>Runs many clients at once: each body runs on its own task, all released together.</summary>
public static class Race
{
    public static async Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> body)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await body(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    /// <summary>Admin clients, one HttpClient each; the first call logs in, so the rest only read the cached token.</summary>
    public static async Task<HttpClient[]> AdminClientsAsync(OrderlyApp app, int count)
    {
        var clients = new HttpClient[count];
        for (var i = 0; i < count; i++)
        {
            clients[i] = await app.AdminAsync();
        }

        return clients;
    }

    public static void DisposeAll(IEnumerable<HttpClient> clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    public static async Task<Outcome> CallAsync(this HttpClient client, string operation, HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        var (status, json, response) = await client.SendAsync(method, url, body, r =>
        {
            if (ifMatch is not null)
            {
                r.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
        });
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        response.Dispose();
        return new Outcome(operation, status, json, mediaType);
    }
}
