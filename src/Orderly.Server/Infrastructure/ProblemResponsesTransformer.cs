using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Declares every failure an operation can answer, as problem+json, derived from what the endpoint is: a body or
/// query can be malformed (400, 413, 415) or break a rule (422); an authorised route answers 401, and 403 when its
/// policy needs more than a login; a route with an id answers 404; a change to an existing resource can conflict
/// (409); If-Match routes answer 412/428; rate-limited routes 429; PDF routes 503 (no font). Routes add what only they know with
/// <c>.ProducesProblem(...)</c>; every 4xx in the document then gets the same problem schema.
/// </summary>
public sealed class ProblemResponsesTransformer : IOpenApiOperationTransformer
{
    public const string ProblemSchema = "ProblemDetails";
    public const string RuleProblemSchema = "RuleViolationProblemDetails";
    public const string ViolationSchema = "ProblemViolation";
    public const string ProblemMediaType = "application/problem+json";

    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [400] = "Malformed request: the body or a query parameter cannot be read (code MalformedJson or BadRequest).",
        [401] = "Not logged in, or the token has expired.",
        [403] = "Logged in, but the caller's roles (or separation of duties) do not allow this.",
        [404] = "No such resource, or the caller may not see it.",
        [409] = "Conflict: an illegal status transition, a concurrent change, a duplicate, or an idempotent request still running.",
        [412] = "The If-Match ETag is stale: someone changed the record since it was read (code StaleETag).",
        [413] = "The request body is too large (code BodyTooLarge).",
        [415] = "The body is not application/json.",
        [422] = "A business rule is violated: `violations` lists each field, rule code and message.",
        [428] = "The update needs the ETag it was made from in an If-Match header (code IfMatchRequired).",
        [429] = "Too many requests; retry after the seconds in the Retry-After header (code RateLimited or LockedOut).",
        [503] = "The server lacks what this needs, e.g. a font for PDF documents; the detail says what (code DocumentFontMissing).",
    };

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        if (description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) != true)
        {
            return;
        }

        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod ?? "GET";
        var parameters = description.ParameterDescriptions;
        var hasBody = parameters.Any(p => p.Source == BindingSource.Body);
        var hasQuery = parameters.Any(p => p.Source == BindingSource.Query);
        var hasRouteId = parameters.Any(p => p.Source == BindingSource.Path);
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var ifMatch = metadata.OfType<IfMatchMetadata>().LastOrDefault();
        var changesExisting = hasRouteId && method is "POST" or "PUT" or "PATCH" or "DELETE";

        if (anonymous)
        {
            // The document requires the bearer token everywhere; logging in is the exception.
            operation.Security = [];
        }

        var statuses = new SortedSet<int>();
        AddIf(statuses, hasBody || hasQuery, 400, 422);
        AddIf(statuses, hasBody, 413, 415);
        AddIf(statuses, !anonymous, 401);
        AddIf(statuses, !anonymous && await NeedsMoreThanLoginAsync(metadata, context.ApplicationServices), 403);
        AddIf(statuses, hasRouteId, 404);
        AddIf(statuses, changesExisting, 409);
        AddIf(statuses, ifMatch is not null, 412);
        AddIf(statuses, ifMatch?.Required == true, 428);
        AddIf(statuses, metadata.OfType<EnableRateLimitingAttribute>().Any(), 429);
        AddIf(statuses, metadata.OfType<Documents.DocumentRoute>().Any(), 503);
        if (metadata.OfType<IdempotencyKeyMetadata>().Any())
        {
            statuses.UnionWith([409, 422]);
            AddHeader(operation, "Idempotency-Key", required: false,
                "Makes a retry safe: the same key and body return the first response; the same key with another body is a 422.");
        }

        if (ifMatch is not null)
        {
            AddHeader(operation, "If-Match", ifMatch.Required,
                ifMatch.Required ? "The ETag of the version this update was made from." : "When sent, the change is refused with 412 unless the record is still at this ETag.");
        }

        operation.Responses ??= [];
        foreach (var status in statuses)
        {
            operation.Responses.TryAdd(status.ToString(CultureInfo.InvariantCulture), new OpenApiResponse());
        }

        var document = context.Document!;
        EnsureProblemSchemas(document);
        var responses = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (code, response) in responses)
        {
            operation.Responses[code] = response;
            if (int.TryParse(code, CultureInfo.InvariantCulture, out var status) && status >= 400)
            {
                operation.Responses[code] = new OpenApiResponse
                {
                    Description = Descriptions.GetValueOrDefault(status) ?? response.Description ?? "A problem.",
                    Headers = status == 429 ? RetryAfter() : null,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(status == 422 ? RuleProblemSchema : ProblemSchema, document) },
                    },
                };
            }
        }
    }

    private static void AddIf(SortedSet<int> statuses, bool condition, params int[] codes)
    {
        if (condition)
        {
            statuses.UnionWith(codes);
        }
    }

    /// <summary>A policy that asks for a role (anything beyond an authenticated user) can answer 403.</summary>
    private static async Task<bool> NeedsMoreThanLoginAsync(IList<object> metadata, IServiceProvider services)
    {
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        foreach (var data in metadata.OfType<IAuthorizeData>())
        {
            if (data.Roles is { Length: > 0 })
            {
                return true;
            }

            var policy = data.Policy is { } name ? await provider.GetPolicyAsync(name) : await provider.GetDefaultPolicyAsync();
            if (policy?.Requirements.Any(r => r is not DenyAnonymousAuthorizationRequirement) == true)
            {
                return true;
            }
        }

        return false;
    }

    private static void AddHeader(OpenApiOperation operation, string name, bool required, string description)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => p.In == ParameterLocation.Header && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = required,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private static Dictionary<string, IOpenApiHeader> RetryAfter() => new()
    {
        ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
    };

    /// <summary>The RFC 9457 shape ProblemExceptionHandler writes, and its 422 form with the rule violations.</summary>
    private static void EnsureProblemSchemas(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var schemas = document.Components.Schemas;
        if (schemas.ContainsKey(RuleProblemSchema))
        {
            return;
        }

        schemas[ProblemSchema] = Problem("An RFC 9457 problem: `code` names the rule or failure, `traceId` finds it in the server log.");
        var rules = Problem("A 422 problem: `violations` lists every broken rule; `errors` groups their messages by field.");
        rules.Required = new HashSet<string> { "violations" };
        schemas[ViolationSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "One broken rule.",
            Required = new HashSet<string> { "field", "code", "message" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["field"] = Text("The request field, e.g. lines[0].quantity."),
                ["code"] = Text("The rule, e.g. WholeUnitQuantity."),
                ["message"] = Text("What is wrong, for people."),
            },
        };
        rules.Properties!["violations"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(ViolationSchema, document) };
        rules.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        schemas[RuleProblemSchema] = rules;
    }

    private static OpenApiSchema Problem(string description) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("A URI naming the kind of problem."),
            ["title"] = Text("A short summary of the kind of problem."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = Text("What went wrong with this request."),
            ["instance"] = Text(null),
            ["code"] = Text("A stable code for the failure, e.g. IllegalTransition, StaleETag, MalformedJson."),
            ["traceId"] = Text(null),
        },
    };

    private static OpenApiSchema Text(string? description) => new() { Type = JsonSchemaType.String, Description = description };
}
