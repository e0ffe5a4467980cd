using System.Security.Claims;
using Orderly.Server.Identity;

namespace Orderly.Server.Audit;

/// <summary>Who is acting in this scope: the logged-in user of the HTTP request, or a named system actor.</summary>
public sealed class AuditActor(IHttpContextAccessor http)
{
    private string? _systemName;

    public Guid? Id => User is { } user ? CurrentUser.IdOf(user) : null;

    public string? Name => _systemName ?? User?.FindFirstValue(ClaimTypes.Email) ?? User?.Identity?.Name;

    public Guid? OnBehalfOf => User?.FindFirstValue("on_behalf_of") is { } value && Guid.TryParse(value, out var id) ? id : null;

    public string? SourceAddress => http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    public string? CorrelationId => http.HttpContext?.TraceIdentifier;

    public string? IdempotencyKey => http.HttpContext?.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null;

    public string? Operation => http.HttpContext?.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;

    /// <summary>Names the actor of work done outside a request (admin verbs, demo seed, background jobs).</summary>
    public void ActAsSystem(string name) => _systemName = name;

    private ClaimsPrincipal? User => http.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user : null;
}
