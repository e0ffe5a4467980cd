using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.OpenApi;

/// <summary>
/// The OpenAPI document tells a client everything that can go wrong: every operation has a summary and declares
/// its failures as problem+json, and no schema hides what an array holds (issue #12, point 9).
/// </summary>
public abstract class OpenApiDocumentTests(OrderlyApp app)
{
    private const string ProblemRef = "#/components/schemas/ProblemDetails";
    private const string RuleProblemRef = "#/components/schemas/RuleViolationProblemDetails";
    private static readonly string[] ViolationMembers = ["field", "code", "message"];
    private static readonly string[] ProblemMembers = ["type", "title", "status", "detail", "code", "traceId"];

    [Fact]
    public async Task EveryOperation_HasAHumanSummary()
    {
        var missing = (await OperationsAsync())
            .Where(o => string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>()))
            .Select(o => o.Label)
            .ToList();
        Assert.True(missing.Count == 0, "Operations without a summary:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task EveryOperation_DeclaresItsFailuresAsProblemJson()
    {
        var wrong = new List<string>();
        foreach (var (label, method, path, operation) in await OperationsAsync())
        {
            var responses = operation["responses"]!.AsObject();
            var parameters = operation["parameters"]?.AsArray() ?? [];
            var hasBody = operation["requestBody"] is not null;
            var hasQuery = parameters.Any(p => p!["in"]!.GetValue<string>() == "query");
            var anonymous = operation["security"] is JsonArray { Count: 0 };
            var expected = new List<int>();
            if (hasBody || hasQuery)
            {
                expected.AddRange([400, 422]);
            }

            if (!anonymous)
            {
                expected.Add(401);
            }

            if (path.Contains('{', StringComparison.Ordinal))
            {
                expected.Add(404);
                if (method != "get")
                {
                    expected.Add(409);
                }
            }

            if (parameters.Any(p => p!["name"]!.GetValue<string>() == "If-Match"))
            {
                expected.Add(412);
            }

            wrong.AddRange(expected.Where(s => responses[s.ToString(System.Globalization.CultureInfo.InvariantCulture)] is null).Select(s => $"{label}: no {s}"));
            foreach (var (code, response) in responses)
            {
                if (int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) < 400)
                {
                    continue;
                }

                var schema = response!["content"]?[Problems.MediaType]?["schema"]?["$ref"]?.GetValue<string>();
                var wanted = code == "422" ? RuleProblemRef : ProblemRef;
                if (schema != wanted || response["content"]!.AsObject().Count != 1)
                {
                    wrong.Add($"{label}: {code} is {response["content"]?.ToJsonString() ?? "without content"}, not {Problems.MediaType} {wanted}");
                }
            }
        }

        Assert.True(wrong.Count == 0, "Undeclared or non-problem failures:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task RateLimitedRoutes_Declare429_AndRoleRestrictedRoutes_Declare403()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();
        var policies = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var wrong = new List<string>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true))
        {
            var path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!, @"\{(\w+)(:[^}]*)?\}", "{$1}").TrimEnd('/');
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var responses = paths[path]?[method.ToLowerInvariant()]?["responses"];
                var needsRole = false;
                foreach (var data in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
                {
                    var policy = data.Policy is { } name ? await policies.GetPolicyAsync(name) : null;
                    needsRole |= policy?.Requirements.Any(r => r is Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement) == true;
                }

                if (needsRole && responses?["403"] is null)
                {
                    wrong.Add($"{method} {path}: needs a role but declares no 403");
                }

                if (endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not null && responses?["429"] is null)
                {
                    wrong.Add($"{method} {path}: rate-limited but declares no 429");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task ProblemSchemas_DescribeWhatTheServerWrites()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        var problem = schemas["ProblemDetails"]!["properties"]!.AsObject();
        Assert.All(ProblemMembers, p => Assert.True(problem.ContainsKey(p), $"ProblemDetails lacks {p}"));
        var rules = schemas["RuleViolationProblemDetails"]!;
        Assert.Equal("#/components/schemas/ProblemViolation", rules["properties"]!["violations"]!["items"]!["$ref"]!.GetValue<string>());
        var violation = schemas["ProblemViolation"]!["properties"]!.AsObject();
        Assert.Equal(ViolationMembers, violation.Select(p => p.Key));

        // The 422 the API really answers carries what the schema says.
        using var admin = await app.AdminAsync();
        var body = (await admin.PostAsync("/api/customers", new { code = TestData.Unique("OA"), name = "客户", creditLimit = -1m }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.All(rules["required"]!.AsArray().Select(r => r!.GetValue<string>()), r => Assert.NotNull(body[r]));
        Assert.All(body["violations"]!.AsArray(), v => Assert.All(violation.Select(p => p.Key), p => Assert.NotNull(v![p])));
    }

    [Fact]
    public async Task NoSchema_IsEmpty_AndEveryArrayNamesItsItems()
    {
        var wrong = new List<string>();
        Walk((await DocumentAsync())["components"]!["schemas"]!, "#/components/schemas", wrong);
        foreach (var (label, _, _, operation) in await OperationsAsync())
        {
            Walk(operation, label, wrong);
        }

        Assert.True(wrong.Count == 0, "Schemas that say nothing:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task RequestArrays_HaveTheirElementSchemas()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        Assert.Equal("#/components/schemas/OrderLineInput", schemas["OrderInput"]!["properties"]!["lines"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/ContactDto", schemas["CustomerRequest"]!["properties"]!["contacts"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal("string", schemas["CreateUserRequest"]!["properties"]!["roles"]!["items"]!["type"]!.GetValue<string>());
        Assert.Equal("decimal", schemas["OrderLineInput"]!["properties"]!["quantity"]!["format"]!.GetValue<string>());
    }

    /// <summary>Every schema that is a property, an array's items or a body: not <c>{}</c>, and an array has items.</summary>
    private static void Walk(JsonNode? node, string path, List<string> wrong)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (key is "properties" && child is JsonObject properties)
                    {
                        foreach (var (name, property) in properties)
                        {
                            CheckSchema(property, $"{path}.{name}", wrong);
                        }
                    }
                    else if (key is "items" or "schema" or "additionalProperties" && child is JsonObject)
                    {
                        CheckSchema(child, $"{path}.{key}", wrong);
                    }

                    Walk(child, $"{path}/{key}", wrong);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}[{i}]", wrong);
                }

                break;
        }
    }

    private static void CheckSchema(JsonNode? schema, string path, List<string> wrong)
    {
        if (schema is not JsonObject obj || obj.Count == 0)
        {
            wrong.Add($"{path}: empty schema");
            return;
        }

        var types = obj["type"] switch
        {
            JsonValue single => [single.GetValue<string>()],
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToArray(),
            _ => Array.Empty<string>(),
        };
        if (types.Contains("array") && obj["items"] is not JsonObject { Count: > 0 })
        {
            wrong.Add($"{path}: an array without item schema");
        }
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var anonymous = app.Anonymous();
        return JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
    }

    private async Task<List<(string Label, string Method, string Path, JsonNode Operation)>> OperationsAsync()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();
        var operations = paths
            .Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => ($"{o.Key.ToUpperInvariant()} {p.Key}", o.Key, p.Key, o.Value!)))
            .ToList();
        Assert.True(operations.Count >= 70, $"only {operations.Count} /api operations in the document");
        return operations;
    }
}

public sealed class OpenApiDocumentTests_Sqlite(SqliteApp app) : OpenApiDocumentTests(app), IClassFixture<SqliteApp>;

public sealed class OpenApiDocumentTests_Postgres(PostgresApp app) : OpenApiDocumentTests(app), IClassFixture<PostgresApp>;
