namespace Orderly.Server.Infrastructure;

/// <summary>The resource does not exist, or the caller may not know that it does (HTTP 404).</summary>
public sealed class NotFoundException(string entity, object id) : Exception($"{entity} {id} was not found.")
{
    public string Entity { get; } = entity;
}

/// <summary>An If-Match precondition that does not hold (HTTP 412) or is missing (HTTP 428).</summary>
public sealed class PreconditionException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>A conflict that is not a status transition: a duplicate key, an idempotent request still running (HTTP 409).</summary>
public sealed class ConflictException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>The caller may see the resource but not do this to it, e.g. approve their own order (HTTP 403).</summary>
public sealed class ForbiddenException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>Something the server itself lacks (a font, a configured service), not the caller's doing (HTTP 503).</summary>
public sealed class UnavailableException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
