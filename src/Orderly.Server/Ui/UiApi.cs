using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Ui;

/// <summary>
/// The UI's door to the application services. A Blazor circuit has no HTTP request, so each call runs in a DI
/// scope of its own whose <see cref="Caller"/> is the circuit's user: <see cref="DataScope"/>, the audit trail and
/// the policies then see exactly the caller the API would see.
/// </summary>
public sealed class UiApi(AuthenticationStateProvider authentication, IServiceScopeFactory scopes, IAuthorizationService authorization)
{
    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<bool> MayAsync(string policy) => (await authorization.AuthorizeAsync(await UserAsync(), policy)).Succeeded;

    /// <summary>Runs <paramref name="work"/> as the circuit's user after checking the policy the matching API endpoint names.</summary>
    public async Task<T> RunAsync<T>(string policy, Func<IServiceProvider, ClaimsPrincipal, CancellationToken, Task<T>> work, CancellationToken ct = default)
    {
        var user = await UserAsync();
        if (!(await authorization.AuthorizeAsync(user, policy)).Succeeded)
        {
            throw new ForbiddenException("Forbidden", $"Your roles do not allow this ({policy}).");
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(user);
        return await work(scope.ServiceProvider, user, ct);
    }

    public Task RunAsync(string policy, Func<IServiceProvider, ClaimsPrincipal, CancellationToken, Task> work, CancellationToken ct = default) =>
        RunAsync(policy, async (services, user, token) =>
        {
            await work(services, user, token);
            return true;
        }, ct);
}
