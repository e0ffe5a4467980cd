using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Identity;

public sealed record UpdateUserRequest(string? DisplayName, string[] Roles, Guid? ManagerId);

public sealed record ResetPasswordRequest(string? NewPassword = null);

public sealed record ResetPasswordResponse(string? GeneratedPassword);

public sealed record UserSummaryDto(Guid Id, string Email, string? DisplayName, IReadOnlyList<string> Roles, bool IsDisabled, bool IsLockedOut, Guid? ManagerId);

public sealed record CreateApiKeyRequest(string Name, string[] Roles, DateTimeOffset? ExpiresAt = null);

public sealed record ApiKeyDto(Guid Id, string Name, string KeyId, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>The key itself appears in this response only; it is not stored and cannot be shown again.</summary>
public sealed record CreatedApiKeyDto(ApiKeyDto Key, string ApiKey);

public static class UserEndpoints
{
    public static void MapUserAdministration(this RouteGroupBuilder users, IEndpointRouteBuilder app)
    {
        users.MapGet("/", ListAsync).WithName("ListUsers");
        users.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateUser");
        users.MapPost("/{id:guid}/disable", (Guid id, UserManager<AppUser> m) => SetDisabledAsync(id, true, m)).WithName("DisableUser");
        users.MapPost("/{id:guid}/enable", (Guid id, UserManager<AppUser> m) => SetDisabledAsync(id, false, m)).WithName("EnableUser");
        users.MapPost("/{id:guid}/reset-password", ResetPasswordAsync).WithName("ResetUserPassword");

        var keys = app.MapGroup("/api/api-keys").WithTags("Users").RequireAuthorization(Policies.ManageUsers);
        keys.MapPost("/", CreateKeyAsync).WithName("CreateApiKey");
        keys.MapGet("/", ListKeysAsync).WithName("ListApiKeys");
        keys.MapPost("/{id:guid}/revoke", RevokeKeyAsync).WithName("RevokeApiKey");
    }

    private static async Task<Ok<Page<UserSummaryDto>>> ListAsync(OrderlyDbContext db, TimeProvider time, string? q, string? role, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = Text.Normalize(q).ToLower();
            users = users.Where(u => u.Email!.ToLower().Contains(term) || (u.DisplayName != null && u.DisplayName.ToLower().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(role))
        {
            users = users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == role)));
        }

        if (Paging.ParseCursor(cursor) is { } after)
        {
            users = users.Where(u => u.Id.CompareTo(after) > 0);
        }

        var page = await users.OrderBy(u => u.Id).Take(take + 1).ToListAsync(ct);
        var ids = page.Select(u => u.Id).ToList();
        var roles = await db.UserRoles.Where(ur => ids.Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name }).ToListAsync(ct);
        var now = time.GetUtcNow();
        var dtos = page.ConvertAll(u => new UserSummaryDto(u.Id, u.Email!, u.DisplayName,
            [.. roles.Where(r => r.UserId == u.Id).Select(r => r.Name!)], u.IsDisabled, u.LockoutEnd > now, u.ManagerId));
        return TypedResults.Ok(Paging.From(dtos, take, u => u.Id));
    }

    private static async Task<Ok<UserSummaryDto>> UpdateAsync(Guid id, UpdateUserRequest request, UserManager<AppUser> users, OrderlyDbContext db, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id.ToString()) ?? throw new NotFoundException("User", id);
        var unknown = request.Roles.Where(r => !Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
        {
            throw new RuleViolationException("roles", "UnknownRole", $"Unknown roles: {string.Join(", ", unknown)}.");
        }

        if (request.ManagerId is { } managerId && (managerId == id || await users.FindByIdAsync(managerId.ToString()) is null))
        {
            throw new RuleViolationException("managerId", "InvalidManager", "The manager must be another existing user.");
        }

        // One save for the name, team and roles (UserManager would save, and bump the concurrency stamp, per call).
        user.DisplayName = Text.Optional(request.DisplayName, "displayName", 100);
        user.ManagerId = request.ManagerId;
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        var wanted = request.Roles.Select(r => r.ToUpperInvariant()).Distinct().ToList();
        var roleIds = await db.Roles.Where(r => wanted.Contains(r.NormalizedName!)).Select(r => r.Id).ToListAsync(ct);
        var current = await db.UserRoles.Where(ur => ur.UserId == id).ToListAsync(ct);
        db.UserRoles.RemoveRange(current.Where(ur => !roleIds.Contains(ur.RoleId)));
        db.UserRoles.AddRange(roleIds.Where(r => current.All(ur => ur.RoleId != r)).Select(r => new IdentityUserRole<Guid> { UserId = id, RoleId = r }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new UserSummaryDto(user.Id, user.Email!, user.DisplayName, request.Roles.Distinct().ToList(), user.IsDisabled, false, user.ManagerId));
    }

    private static async Task<NoContent> SetDisabledAsync(Guid id, bool disabled, UserManager<AppUser> users)
    {
        var user = await users.FindByIdAsync(id.ToString()) ?? throw new NotFoundException("User", id);
        user.IsDisabled = disabled;
        // A new security stamp ends the user's cookie sessions at their next request.
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        Check(await users.UpdateAsync(user));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ResetPasswordResponse>> ResetPasswordAsync(Guid id, ResetPasswordRequest? request, UserManager<AppUser> users)
    {
        var user = await users.FindByIdAsync(id.ToString()) ?? throw new NotFoundException("User", id);
        var generated = request?.NewPassword is null ? UserAccounts.GeneratePassword() : null;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        // The lockout is lifted in the same save as the new password (ResetPasswordAsync saves once).
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        Check(await users.ResetPasswordAsync(user, token, request?.NewPassword ?? generated!));
        return TypedResults.Ok(new ResetPasswordResponse(generated));
    }

    private static async Task<Created<CreatedApiKeyDto>> CreateKeyAsync(CreateApiKeyRequest request, OrderlyDbContext db, Writes writes, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var violations = new List<RuleViolation>();
        var name = Text.Required(request.Name, "name", 100, violations);
        if (request.Roles.Length == 0 || request.Roles.Any(r => !Roles.All.Contains(r)))
        {
            violations.Add(new("roles", "UnknownRole", $"An API key needs one or more of: {string.Join(", ", Roles.All)}."));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        var (key, secret) = ApiKey.Issue(name, request.Roles, CurrentUser.IdOf(http.User) ?? Guid.Empty, time.GetUtcNow(), request.ExpiresAt);
        await writes.RunAsync(_ => { db.ApiKeys.Add(key); return Task.CompletedTask; }, ct);
        return TypedResults.Created($"/api/api-keys/{key.Id}", new CreatedApiKeyDto(ToDto(key), secret));
    }

    private static async Task<Ok<List<ApiKeyDto>>> ListKeysAsync(OrderlyDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).Take(500).ToListAsync(ct)).ConvertAll(ToDto));

    private static async Task<Ok<ApiKeyDto>> RevokeKeyAsync(Guid id, OrderlyDbContext db, Writes writes, TimeProvider time, CancellationToken ct)
    {
        var key = await writes.RunAsync(async token =>
        {
            var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, token) ?? throw new NotFoundException("API key", id);
            key.RevokedAt ??= time.GetUtcNow();
            return key;
        }, ct);
        return TypedResults.Ok(ToDto(key));
    }

    private static ApiKeyDto ToDto(ApiKey k) => new(k.Id, k.Name, k.KeyId, k.RoleList, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new RuleViolationException([.. result.Errors.Select(e => new RuleViolation("user", e.Code, e.Description))]);
        }
    }
}
