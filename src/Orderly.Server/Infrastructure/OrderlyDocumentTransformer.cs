using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orderly.Server.Infrastructure;

/// <summary>Describes the API and its bearer-token login in the OpenAPI document.</summary>
public sealed class OrderlyDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Orderly API",
            Version = "v1",
            Description = "Sales order management (销售订单管理系统): master data, stock, order entry with error checking, approval and "
                + "the order lifecycle. Log in with POST /api/auth/token and send `Authorization: Bearer <accessToken>`. "
                + "Errors are RFC 9457 problem+json with a `code`; 422 responses list `violations` per field.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The accessToken from POST /api/auth/token.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
