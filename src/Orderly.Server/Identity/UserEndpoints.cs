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
        users.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("Logins, filtered by text and role, a page at a time.");
        users.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateUser").WithSummary("Changes a login's display name, roles and manager.");
        users.MapPost("/{id:guid}/disable", (Guid id, UserAccounts a) => SetDisabledAsync(id, true, a)).WithName("DisableUser").WithSummary("Disables a login; its sessions end at their next request.");
        users.MapPost("/{id:guid}/enable", (Guid id, UserAccounts a) => SetDisabledAsync(id, false, a)).WithName("EnableUser").WithSummary("Enables a disabled login again.");
        users.MapPost("/{id:guid}/reset-password", ResetPasswordAsync).WithName("ResetUserPassword").WithSummary("Sets a login's password, or generates one and returns it once.");

        var keys = app.MapGroup("/api/api-keys").WithTags("Users").RequireAuthorization(Policies.ManageUsers);
        keys.MapPost("/", CreateKeyAsync).WithName("CreateApiKey").WithSummary("Creates an API key for a machine client; the key is shown in this response only.");
        keys.MapGet("/", ListKeysAsync).WithName("ListApiKeys").WithSummary("API keys, with their roles, expiry, revocation and last use (never the key itself).");
        keys.MapPost("/{id:guid}/revoke", RevokeKeyAsync).WithName("RevokeApiKey").WithSummary("Revokes an API key at once.");
    }

    private static async Task<Ok<Page<UserSummaryDto>>> ListAsync(
        UserAccounts accounts, string? q, string? role, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var users = accounts.Filter(q, role);
        if (Paging.ParseCursor(cursor) is { } after)
        {
            users = users.Where(u => u.Id.CompareTo(after) > 0);
        }

        var page = await users.OrderBy(u => u.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(await accounts.SummariesAsync(page, ct), take, u => u.Id));
    }

    private static async Task<Ok<UserSummaryDto>> UpdateAsync(Guid id, UpdateUserRequest request, UserAccounts accounts, CancellationToken ct) =>
        TypedResults.Ok(await accounts.UpdateAsync(id, request.DisplayName, request.Roles, request.ManagerId, ct));

    private static async Task<NoContent> SetDisabledAsync(Guid id, bool disabled, UserAccounts accounts)
    {
        await accounts.SetDisabledAsync(id, disabled);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ResetPasswordResponse>> ResetPasswordAsync(Guid id, ResetPasswordRequest? request, UserAccounts accounts) =>
        TypedResults.Ok(new ResetPasswordResponse(await accounts.ResetPasswordAsync(id, request?.NewPassword)));

    /// <summary>Keys are rotated; one that would outlive its purpose by decades is a mistake.</summary>
    private const int MaxKeyYears = 5;

    private static readonly DateTime FirstSupported = Infrastructure.InputGuards.FirstSupportedDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static async Task<Created<CreatedApiKeyDto>> CreateKeyAsync(CreateApiKeyRequest request, OrderlyDbContext db, Writes writes, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var violations = new List<RuleViolation>();
        var name = Text.Required(request.Name, "name", 100, violations);
        if (request.Roles.Length == 0 || request.Roles.Any(r => !Roles.All.Contains(r)))
        {
            violations.Add(new("roles", "UnknownRole", $"An API key needs one or more of: {string.Join(", ", Roles.All)}."));
        }

        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && (expires.UtcDateTime < FirstSupported || expires > now.AddYears(MaxKeyYears)))
        {
            violations.Add(new("expiresAt", "ExpiryOutOfRange", $"An API key expires at most {MaxKeyYears} years ahead."));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        var (key, secret) = ApiKey.Issue(name, request.Roles, CurrentUser.PersonOf(http.User) ?? Guid.Empty, time.GetUtcNow(), request.ExpiresAt);
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
}
