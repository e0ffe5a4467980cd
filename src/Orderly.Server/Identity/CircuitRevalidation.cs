using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Orderly.Server.Identity;

/// <summary>
/// An open web UI page (a Blazor circuit) keeps the user it started with; every 30 s its user's session is checked
/// like a request's, so a disabled, demoted, reset or logged-out user's open page loses its login as well.
/// </summary>
public sealed class CircuitRevalidation(ILoggerFactory logs, IServiceScopeFactory scopes) : RevalidatingServerAuthenticationStateProvider(logs)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(30);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (authenticationState.User.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SessionValidator>().IsCurrentAsync(authenticationState.User, cancellationToken);
    }
}
