// WebApi, not Api: a namespace Orderly.Server.Tests.Api would hide the Infrastructure.Api helpers from every test file.
namespace Orderly.Server.Tests.WebApi;

/// <summary>Assertions on RFC 9457 problem+json answers, shared by the API tests.</summary>
public static class Problems
{
    public const string MediaType = "application/problem+json";

    /// <summary>Asserts the status and a problem+json body with a title and a detail; returns the body.</summary>
    public static JsonNode ExpectProblem(this (HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) result, HttpStatusCode status)
    {
        var body = result.Expect(status);
        Assert.Equal(MediaType, result.Response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(body["title"]?.GetValue<string>()), $"problem without a title: {body.ToJsonString()}");
        Assert.False(string.IsNullOrWhiteSpace(body["detail"]?.GetValue<string>()), $"problem without a detail: {body.ToJsonString()}");
        return body;
    }

    /// <summary>The (field, code) pairs of a 422 problem's violations.</summary>
    public static IReadOnlyList<(string Field, string Code)> Violations(this JsonNode problem) =>
        problem["violations"] is JsonArray items
            ? [.. items.Select(i => (i!["field"]!.GetValue<string>(), i["code"]!.GetValue<string>()))]
            : [];

    /// <summary>Asserts a 422 whose violations include every expected (field, code) pair.</summary>
    public static JsonNode ExpectViolations(this (HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response) result, params (string Field, string Code)[] expected)
    {
        var problem = result.ExpectProblem(HttpStatusCode.UnprocessableEntity);
        var actual = problem.Violations();
        foreach (var violation in expected)
        {
            Assert.True(actual.Contains(violation), $"Expected violation {violation} in {problem.ToJsonString()}");
        }

        return problem;
    }
}
