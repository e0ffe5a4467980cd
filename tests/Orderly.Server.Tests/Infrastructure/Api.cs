using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orderly.Server.Tests.Infrastructure;

/// <summary>Short helpers for JSON over HTTP; responses are read as JsonNode so tests see exactly what clients see.</summary>
public static class Api
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(
        this HttpClient client, HttpMethod method, string url, object? body = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is string raw)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false))
        {
            json = JsonNode.Parse(text);
        }

        return (response.StatusCode, json, response);
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(this HttpClient client, string url, object? body = null, Action<HttpRequestMessage>? configure = null) =>
        client.SendAsync(HttpMethod.Post, url, body, configure);

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> GetJsonAsync(this HttpClient client, string url) =>
        client.SendAsync(HttpMethod.Get, url);

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PutAsync(this HttpClient client, string url, object body, string? ifMatch) =>
        client.SendAsync(HttpMethod.Put, url, body, r =>
        {
            if (ifMatch is not null)
            {
                r.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
        });

    /// <summary>Asserts the status, showing the body when it differs, and returns the body.</summary>
    public static JsonNode Expect(this (HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) result, HttpStatusCode status)
    {
        Assert.True(result.Status == status, $"Expected {(int)status} but got {(int)result.Status}: {result.Body?.ToJsonString()}");
        return result.Body ?? new JsonObject();
    }

    public static Guid Id(this JsonNode node) => node["id"]!.GetValue<Guid>();

    public static decimal Dec(this JsonNode? node) => node!.GetValue<decimal>();

    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    public static IReadOnlyList<string> Codes(this JsonNode problem, string key = "violations") =>
        problem[key] is JsonArray items ? [.. items.Select(i => i!["code"]!.GetValue<string>())] : [];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
