namespace Orderly.Server.Infrastructure;

/// <summary>
/// What a route does with the If-Match and Idempotency-Key headers, declared beside the route so the OpenAPI
/// document (<see cref="ProblemResponsesTransformer"/>) lists the header and the 412/428 answers it can cause.
/// </summary>
public static class OpenApiConventions
{
    /// <summary>The update must name the version it was made from: no If-Match is 428, a stale one 412.</summary>
    public static TBuilder RequiresIfMatch<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IfMatchMetadata(Required: true));

    /// <summary>An If-Match is checked when sent (412 when stale); without one the transition table guards the change.</summary>
    public static TBuilder HonoursIfMatch<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IfMatchMetadata(Required: false));

    /// <summary>Same key and body -> the first response again; same key, other body -> 422; a retry while the first runs -> 409.</summary>
    public static TBuilder AcceptsIdempotencyKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotencyKeyMetadata());
}
