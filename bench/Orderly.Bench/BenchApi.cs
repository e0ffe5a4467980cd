using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orderly.Bench;

/// <summary>
/// The HTTP side of the bench: one connection pool sized for the clients of a round, a bearer token for the bench
/// administrator, and helpers for the few calls that set up master data.
/// </summary>
public sealed class BenchApi : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private BenchApi(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    public static async Task<BenchApi> ConnectAsync(Uri address, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        var http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        using var login = await http.PostAsJsonAsync("/api/auth/token", new { email = ServerProcess.AdminEmail, password = ServerProcess.AdminPassword });
        await EnsureAsync(login, "log in");
        var token = (await login.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new BenchApi(http);
    }

    public async Task<JsonObject> PostAsync(string path, object body)
    {
        using var answer = await Http.PostAsJsonAsync(path, body, Json);
        await EnsureAsync(answer, "POST " + path);
        return (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<JsonNode> GetAsync(string path)
    {
        using var answer = await Http.GetAsync(path);
        await EnsureAsync(answer, "GET " + path);
        return (await answer.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public static async Task EnsureAsync(HttpResponseMessage answer, string what)
    {
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }
    }

    public void Dispose() => Http.Dispose();
}
