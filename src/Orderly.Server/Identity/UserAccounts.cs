using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;

namespace Orderly.Server.Identity;

/// <summary>Creates users and the first admin; shared by the API, the admin CLI and the demo seed.</summary>
public sealed class UserAccounts(
    UserManager<AppUser> users, RoleManager<IdentityRole<Guid>> roles, IUserStore<AppUser> store, Data.OrderlyDbContext db, TimeProvider time,
    SessionCache sessions)
{
    /// <summary>
    /// Runs several UserManager calls as one save, so that a user and their roles are created (or changed)
    /// together or not at all, with one audit record.
    /// </summary>
    public async Task<T> AsOneSaveAsync<T>(Func<Task<T>> work)
    {
        // The EF store's generic arity changes between versions (passkeys added one), so its switch is found by name.
        var autoSave = store.GetType().GetProperty("AutoSaveChanges")
            ?? throw new InvalidOperationException("The Identity user store has no AutoSaveChanges switch.");
        autoSave.SetValue(store, false);
        try
        {
            var result = await work();
            await db.SaveChangesAsync();
            return result;
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
        finally
        {
            autoSave.SetValue(store, true);
        }
    }

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Ids.New() });
            }
        }
    }

    public async Task<AppUser> CreateAsync(string email, string password, string? displayName, IReadOnlyCollection<string> roleNames)
    {
        var violations = new List<RuleViolation>();
        var unknown = roleNames.Where(r => !Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
        {
            violations.Add(new("roles", "UnknownRole", $"Unknown roles: {string.Join(", ", unknown)}. Roles: {string.Join(", ", Roles.All)}."));
        }

        var normalizedEmail = Text.Required(email, "email", 254, violations);
        var name = Text.Optional(displayName, "displayName", 100, violations);
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        await EnsureRolesAsync();
        return await AsOneSaveAsync(async () =>
        {
            var user = new AppUser
        {
            Id = Ids.New(),
            UserName = normalizedEmail,
            Email = normalizedEmail,
            DisplayName = name,
            EmailConfirmed = true,
            LockoutEnabled = true,
            CreatedAt = time.GetUtcNow(),
            };
            ThrowIfFailed(await users.CreateAsync(user, password));

            // UserManager.AddToRolesAsync would call UpdateAsync, turning the not-yet-saved user into an update.
            var normalized = roleNames.Select(r => r.ToUpperInvariant()).Distinct().ToList();
            var roleIds = await db.Roles.Where(r => normalized.Contains(r.NormalizedName!)).Select(r => r.Id).ToListAsync();
            db.UserRoles.AddRange(roleIds.Select(roleId => new IdentityUserRole<Guid> { UserId = user.Id, RoleId = roleId }));
            return user;
        });
    }

    /// <summary>The claim that remembers a user's language for the web UI (a row in the Identity claims table, no column of its own).</summary>
    public const string CultureClaim = "orderly:culture";

    /// <summary>Users whose e-mail or name contains <paramref name="q"/>, holding <paramref name="role"/> when one is named.</summary>
    public IQueryable<AppUser> Filter(string? q, string? role)
    {
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = Text.Normalize(q).ToLower();
            query = query.Where(u => u.Email!.ToLower().Contains(term) || (u.DisplayName != null && u.DisplayName.ToLower().Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(role))
        {
            query = query.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == role)));
        }

        return query;
    }

    /// <summary>One page of users by e-mail, for the web UI's admin page.</summary>
    public async Task<(IReadOnlyList<UserSummaryDto> Items, int Total)> ListAsync(string? q, string? role, int skip, int take, CancellationToken ct)
    {
        var query = Filter(q, role);
        var total = await query.CountAsync(ct);
        var page = await query.OrderBy(u => u.Email).Skip(skip).Take(take).ToListAsync(ct);
        return (await SummariesAsync(page, ct), total);
    }

    public async Task<List<UserSummaryDto>> SummariesAsync(List<AppUser> page, CancellationToken ct)
    {
        var ids = page.ConvertAll(u => u.Id);
        var roleRows = await db.UserRoles.Where(ur => ids.Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name }).ToListAsync(ct);
        var now = time.GetUtcNow();
        return page.ConvertAll(u => new UserSummaryDto(u.Id, u.Email!, u.DisplayName,
            [.. roleRows.Where(r => r.UserId == u.Id).Select(r => r.Name!)], u.IsDisabled, u.LockoutEnd > now, u.ManagerId));
    }

    /// <summary>Changes name, team and roles in one save (UserManager would save, and bump the concurrency stamp, per call).</summary>
    public async Task<UserSummaryDto> UpdateAsync(Guid id, string? displayName, IReadOnlyCollection<string> roleNames, Guid? managerId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id.ToString()) ?? throw new Infrastructure.NotFoundException("User", id);
        var unknown = roleNames.Where(r => !Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
        {
            throw new RuleViolationException("roles", "UnknownRole", $"Unknown roles: {string.Join(", ", unknown)}.");
        }

        if (managerId is { } manager && (manager == id || await users.FindByIdAsync(manager.ToString()) is null))
        {
            throw new RuleViolationException("managerId", "InvalidManager", "The manager must be another existing user.");
        }

        user.DisplayName = Text.Optional(displayName, "displayName", 100);
        user.ManagerId = managerId;
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        var wanted = roleNames.Select(r => r.ToUpperInvariant()).Distinct().ToList();
        var roleIds = await db.Roles.Where(r => wanted.Contains(r.NormalizedName!)).Select(r => r.Id).ToListAsync(ct);
        var current = await db.UserRoles.Where(ur => ur.UserId == id).ToListAsync(ct);
        var removed = current.Where(ur => !roleIds.Contains(ur.RoleId)).ToList();
        var added = roleIds.Where(r => current.All(ur => ur.RoleId != r)).Select(r => new IdentityUserRole<Guid> { UserId = id, RoleId = r }).ToList();
        if (removed.Count > 0 || added.Count > 0)
        {
            // Tokens and cookies carry the roles they were issued with: a new stamp ends them, so nobody keeps a lost role.
            user.SecurityStamp = Guid.NewGuid().ToString("N");
        }

        db.UserRoles.RemoveRange(removed);
        db.UserRoles.AddRange(added);
        await db.SaveChangesAsync(ct);
        sessions.Evict(id);
        return new UserSummaryDto(user.Id, user.Email!, user.DisplayName, [.. roleNames.Distinct()], user.IsDisabled, false, user.ManagerId);
    }

    public async Task SetDisabledAsync(Guid id, bool disabled)
    {
        var user = await users.FindByIdAsync(id.ToString()) ?? throw new Infrastructure.NotFoundException("User", id);
        user.IsDisabled = disabled;
        // A new security stamp ends the user's cookie sessions at their next request.
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        ThrowIfFailed(await users.UpdateAsync(user), "user");
        sessions.Evict(id);
    }

    /// <summary>Sets <paramref name="newPassword"/>, or a generated one that is returned; lifts a lockout in the same save.</summary>
    public async Task<string?> ResetPasswordAsync(Guid id, string? newPassword)
    {
        var user = await users.FindByIdAsync(id.ToString()) ?? throw new Infrastructure.NotFoundException("User", id);
        var generated = newPassword is null ? GeneratePassword() : null;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        ThrowIfFailed(await users.ResetPasswordAsync(user, token, newPassword ?? generated!), "user");
        sessions.Evict(id);
        return generated;
    }

    /// <summary>The language the user last chose in the web UI, or null when they never chose.</summary>
    public async Task<string?> PreferredCultureAsync(AppUser user) =>
        (await users.GetClaimsAsync(user)).FirstOrDefault(c => c.Type == CultureClaim)?.Value;

    public async Task RememberCultureAsync(Guid userId, string culture)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return;
        }

        var current = (await users.GetClaimsAsync(user)).FirstOrDefault(c => c.Type == CultureClaim);
        if (current?.Value == culture)
        {
            return;
        }

        var claim = new Claim(CultureClaim, culture);
        ThrowIfFailed(current is null ? await users.AddClaimAsync(user, claim) : await users.ReplaceClaimAsync(user, current, claim), "user");
    }

    /// <summary>Creates the admin login on an empty user table; returns the generated password when one was generated.</summary>
    public async Task<(AppUser User, string? GeneratedPassword)?> EnsureAdminAsync(string email, string? password)
    {
        await EnsureRolesAsync();
        if (users.Users.Any())
        {
            return null;
        }

        var generated = password is null ? GeneratePassword() : null;
        var admin = await CreateAsync(email, password ?? generated!, "Administrator", [Roles.Admin]);
        return (admin, generated);
    }

    public static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 20);
        return $"{new string(chars)}-7a!";
    }

    private static void ThrowIfFailed(IdentityResult result, string? field = null)
    {
        if (!result.Succeeded)
        {
            throw new RuleViolationException([.. result.Errors.Select(e => new RuleViolation(field ?? FieldOf(e.Code), e.Code, e.Description))]);
        }
    }

    private static string FieldOf(string code) =>
        code.Contains("Password", StringComparison.Ordinal) ? "password"
        : code.Contains("Email", StringComparison.Ordinal) || code.Contains("UserName", StringComparison.Ordinal) ? "email"
        : "user";
}
