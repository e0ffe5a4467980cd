using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Orderly.Bench;

/// <summary>
/// Placing and confirming one order through the API: by default the place path, one <c>POST /api/orders</c> with
/// <c>"submit": true</c> (one request, one transaction); with <c>oneRequest: false</c> the two-request road,
/// <c>POST /api/orders</c> then <c>POST /api/orders/{id}/submit</c>.
/// </summary>
public static class OrderCalls
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly byte[] SubmitPrefix = "{\"submit\":true,"u8.ToArray();

    public sealed record Placed(Guid Id, string Number, string Status, string Body);

    /// <summary>Returns the confirmed order, a refusal (422/409 with its rule code), or a failure for anything else.</summary>
    public static async Task<(Outcome Outcome, Placed? Order)> PlaceAndConfirmAsync(HttpClient http, byte[] body, CancellationToken ct, bool oneRequest = true)
    {
        if (oneRequest)
        {
            return await PlaceSubmittedAsync(http, body, ct);
        }

        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonType;
        using var created = await http.PostAsync("/api/orders", content, ct);
        var createdBody = await created.Content.ReadAsStringAsync(ct);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            return (Classify(created.StatusCode, createdBody, "create"), null);
        }

        var id = ReadString(createdBody, "id");
        using var submitted = await http.PostAsync($"/api/orders/{id}/submit", null, ct);
        var submittedBody = await submitted.Content.ReadAsStringAsync(ct);
        if (submitted.StatusCode != HttpStatusCode.OK)
        {
            return (Classify(submitted.StatusCode, submittedBody, "submit"), null);
        }

        var status = ReadString(submittedBody, "status");
        var order = new Placed(Guid.Parse(id), ReadString(submittedBody, "number"), status, submittedBody);
        return status == "Confirmed" ? (Outcome.Ok, order) : (Outcome.Failed($"submit answered status {status}"), order);
    }

    private static async Task<(Outcome Outcome, Placed? Order)> PlaceSubmittedAsync(HttpClient http, byte[] body, CancellationToken ct)
    {
        // The generated bodies are JSON objects: the flag goes in front of their first property.
        var submitting = new byte[SubmitPrefix.Length + body.Length - 1];
        SubmitPrefix.CopyTo(submitting, 0);
        body.AsSpan(1).CopyTo(submitting.AsSpan(SubmitPrefix.Length));
        using var content = new ByteArrayContent(submitting);
        content.Headers.ContentType = JsonType;
        using var placed = await http.PostAsync("/api/orders", content, ct);
        var placedBody = await placed.Content.ReadAsStringAsync(ct);
        if (placed.StatusCode != HttpStatusCode.Created)
        {
            return (Classify(placed.StatusCode, placedBody, "place"), null);
        }

        var status = ReadString(placedBody, "status");
        var order = new Placed(Guid.Parse(ReadString(placedBody, "id")), ReadString(placedBody, "number"), status, placedBody);
        return status == "Confirmed" ? (Outcome.Ok, order) : (Outcome.Failed($"place answered status {status}"), order);
    }

    private static Outcome Classify(HttpStatusCode status, string body, string step)
    {
        if (status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict && body.Contains("InsufficientStock", StringComparison.Ordinal))
        {
            return Outcome.Refused("InsufficientStock");
        }

        return Outcome.Failed($"{step}: {(int)status} {(body.Length > 200 ? body[..200] : body)}");
    }

    /// <summary>A top-level string property of a JSON body.</summary>
    public static string ReadString(string json, string property)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray: depth++; break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray: depth--; break;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals(property):
                    reader.Read();
                    return reader.GetString()!;
            }
        }

        throw new InvalidOperationException($"The answer has no '{property}': {json[..Math.Min(json.Length, 200)]}");
    }
}
