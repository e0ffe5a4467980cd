namespace Orderly.Server.Infrastructure;

/// <summary>Endpoint metadata: the route reads If-Match; <paramref name="Required"/> when a missing one is refused (428).</summary>
public sealed record IfMatchMetadata(bool Required);
