using System.Security.Claims;

namespace Orderly.Server.Identity;

/// <summary>
/// Who the work of this DI scope is done for: set once by the HTTP pipeline (<see cref="CallerMiddleware"/>), by the UI
/// for each call it makes (<see cref="Ui.UiApi"/>), or as a named system actor by background work. Services read it
/// instead of an ambient HttpContext. An unset caller is nobody: scopes refuse it rather than grant everything.
/// </summary>
public sealed class Caller
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    public ClaimsPrincipal Principal { get; private set; } = Anonymous;

    /// <summary>The authenticated user (for an API key, the key's own identity).</summary>
    public Guid? UserId { get; private set; }

    /// <summary>For an API key, the person who issued it.</summary>
    public Guid? OnBehalfOf { get; private set; }

    /// <summary>The person acting: separation of duties and ownership follow people, not keys.</summary>
    public Guid? PersonId => OnBehalfOf ?? UserId;

    public string? Name { get; private set; }

    /// <summary>A named system actor (a job, the event dispatcher, an admin verb, the demo seed).</summary>
    public bool IsSystem { get; private set; }

    public bool IsUser => UserId is not null;

    public string? SourceAddress { get; private set; }

    public string? CorrelationId { get; private set; }

    public string? IdempotencyKey { get; private set; }

    public string? Operation { get; private set; }

    public bool IsInRole(string role) => !IsSystem && Principal.IsInRole(role);

    public void ActAs(ClaimsPrincipal user, string? correlationId = null)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return;
        }

        Principal = user;
        UserId = CurrentUser.IdOf(user);
        OnBehalfOf = Guid.TryParse(user.FindFirstValue("on_behalf_of"), out var person) ? person : null;
        Name = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name;
        CorrelationId = correlationId;
        IsSystem = false;
    }

    /// <summary>Work done outside a request: the audit trail and the events name it.</summary>
    public void ActAsSystem(string name)
    {
        Principal = Anonymous;
        UserId = null;
        OnBehalfOf = null;
        Name = name;
        IsSystem = true;
    }

    public void FromRequest(HttpContext http)
    {
        ActAs(http.User, System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
        SourceAddress = http.Connection.RemoteIpAddress?.ToString();
        IdempotencyKey = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null;
        Operation = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        CorrelationId ??= http.TraceIdentifier;
    }
}

/// <summary>Sets the request's <see cref="Caller"/> once authentication has run.</summary>
public static class CallerMiddleware
{
    public static IApplicationBuilder UseCaller(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.RequestServices.GetRequiredService<Caller>().FromRequest(http);
        return next(http);
    });
}
