using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Ui;

/// <summary>
/// The UI's door to the application services. A Blazor circuit has no HTTP request, so each call runs in a DI
/// scope of its own with a stand-in HttpContext carrying the circuit's user: <see cref="Identity.DataScope"/>,
/// the audit trail and the policies then see exactly the caller the API would see.
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

        Task<T> task;
        // A fresh execution context, so the stand-in HttpContext never leaks into (or clears) the circuit's own.
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(() => InScopeAsync(user, work, ct), ct);
        }

        return await task;
    }

    public Task RunAsync(string policy, Func<IServiceProvider, ClaimsPrincipal, CancellationToken, Task> work, CancellationToken ct = default) =>
        RunAsync(policy, async (services, user, token) =>
        {
            await work(services, user, token);
            return true;
        }, ct);

    private async Task<T> InScopeAsync<T>(ClaimsPrincipal user, Func<IServiceProvider, ClaimsPrincipal, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var accessor = scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>();
        accessor.HttpContext = new DefaultHttpContext { User = user, RequestServices = scope.ServiceProvider };
        try
        {
            return await work(scope.ServiceProvider, user, ct);
        }
        finally
        {
            accessor.HttpContext = null;
        }
    }
}
