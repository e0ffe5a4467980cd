using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;

namespace Orderly.Server.Identity;

/// <summary>Creates users and the first admin; shared by the API, the admin CLI and the demo seed.</summary>
public sealed class UserAccounts(
    UserManager<AppUser> users, RoleManager<IdentityRole<Guid>> roles, IUserStore<AppUser> store, Data.OrderlyDbContext db, TimeProvider time)
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
                await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.CreateVersion7() });
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
            Id = Guid.CreateVersion7(),
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

    private static void ThrowIfFailed(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new RuleViolationException([.. result.Errors.Select(e => new RuleViolation(FieldOf(e.Code), e.Code, e.Description))]);
        }
    }

    private static string FieldOf(string code) =>
        code.Contains("Password", StringComparison.Ordinal) ? "password"
        : code.Contains("Email", StringComparison.Ordinal) || code.Contains("UserName", StringComparison.Ordinal) ? "email"
        : "user";
}
