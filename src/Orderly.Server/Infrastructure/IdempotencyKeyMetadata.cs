namespace Orderly.Server.Infrastructure;

/// <summary>Endpoint metadata: the route honours an Idempotency-Key header.</summary>
public sealed record IdempotencyKeyMetadata;
