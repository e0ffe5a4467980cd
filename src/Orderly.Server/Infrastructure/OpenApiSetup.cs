namespace Orderly.Server.Infrastructure;

/// <summary>The OpenAPI document at /openapi/v1.json: its description, real schemas and every failure of every route.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddOrderlyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => o
            .AddDocumentTransformer<OrderlyDocumentTransformer>()
            .AddSchemaTransformer<OrderlySchemaTransformer>()
            .AddOperationTransformer<ProblemResponsesTransformer>());
}
