using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Orderly.Server.Identity;

namespace Orderly.Server.Platform;

/// <summary>
/// A named authorization policy of one capability: the roles that hold it (none listed: every signed-in user) and
/// what it allows. Declared once in the capability's module; the policies, the UI's buttons, the authorization
/// matrix test and docs/security.md all read it from <see cref="PermissionTable"/>.
/// </summary>
public sealed record AccessPolicy(string Policy, string Capability, IReadOnlyList<string> Roles, string Allows)
{
    public bool AnySignedInUser => Roles.Count == 0;

    public bool IsHeldBy(IEnumerable<string> roles) => AnySignedInUser ? roles.Any() : roles.Any(Roles.Contains);
}

/// <summary>Every capability's permissions, in module order; built once at start.</summary>
public sealed class PermissionTable
{
    private readonly Dictionary<string, AccessPolicy> _byPolicy;

    public PermissionTable(IEnumerable<AccessPolicy> permissions)
    {
        All = [.. permissions];
        _byPolicy = new Dictionary<string, AccessPolicy>(StringComparer.Ordinal);
        foreach (var permission in All)
        {
            if (!_byPolicy.TryAdd(permission.Policy, permission))
            {
                throw new InvalidOperationException($"The policy {permission.Policy} is declared twice (by {_byPolicy[permission.Policy].Capability} and {permission.Capability}).");
            }

            var unknown = permission.Roles.Except(Identity.Roles.All).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException($"The policy {permission.Policy} names unknown roles: {string.Join(", ", unknown)}.");
            }
        }
    }

    public IReadOnlyList<AccessPolicy> All { get; }

    public AccessPolicy this[string policy] =>
        _byPolicy.TryGetValue(policy, out var permission) ? permission : throw new KeyNotFoundException($"No capability declares the policy {policy}.");

    /// <summary>The roles that hold the policy (every role when any signed-in user does).</summary>
    public IReadOnlyList<string> RolesFor(string policy) => this[policy] is { AnySignedInUser: true } ? Identity.Roles.All : this[policy].Roles;

    public bool Allows(Caller caller, string policy) => caller.IsUser && Allows(caller.Principal, policy);

    public bool Allows(ClaimsPrincipal user, string policy) =>
        user.Identity?.IsAuthenticated == true && (this[policy].AnySignedInUser || this[policy].Roles.Any(user.IsInRole));

    public void AddPolicies(AuthorizationBuilder authorization)
    {
        foreach (var permission in All)
        {
            authorization.AddPolicy(permission.Policy, p =>
            {
                p.RequireAuthenticatedUser();
                if (!permission.AnySignedInUser)
                {
                    p.RequireRole(permission.Roles);
                }
            });
        }
    }

    /// <summary>The table as docs/security.md shows it, between its permission-table markers (a test keeps them equal).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| policy | capability | ").AppendJoin(" | ", Identity.Roles.All).Append(" | allows |\n|---|---|")
            .Append(string.Concat(Enumerable.Repeat("---|", Identity.Roles.All.Length))).Append("---|\n");
        foreach (var p in All)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{p.Policy}` | {p.Capability} | ")
                .AppendJoin(" | ", Identity.Roles.All.Select(role => p.AnySignedInUser || p.Roles.Contains(role) ? "✓" : ""))
                .Append(CultureInfo.InvariantCulture, $" | {p.Allows} |\n");
        }

        return text.ToString();
    }
}
