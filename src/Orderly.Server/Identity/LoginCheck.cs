using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Identity;

public enum LoginOutcome
{
    Success,
    InvalidCredentials,
    LockedOut,
}

/// <summary>
/// Checks an e-mail and password so that the answer and the work done tell nothing about which e-mails exist:
/// an unknown e-mail is checked against a dummy hash, a disabled user's password is checked like anyone's, and
/// repeated failures lock an unknown e-mail out just as they lock a real account (five tries, fifteen minutes).
/// </summary>
public sealed class LoginCheck(
    UserManager<AppUser> users, IPasswordHasher<AppUser> hasher, IMemoryCache cache, IOptions<IdentityOptions> identity, TimeProvider time,
    Infrastructure.Writes writes)
{
    private static readonly AppUser Nobody = new() { Id = Guid.Empty, UserName = "nobody" };
    private static string? _dummyHash;

    public async Task<(AppUser? User, LoginOutcome Outcome)> CheckAsync(string? email, string? password)
    {
        var login = email?.Trim() ?? "";
        password ??= "";
        var user = login.Length == 0 ? null : await users.FindByEmailAsync(login);
        if (user is null)
        {
            _dummyHash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N"));
            hasher.VerifyHashedPassword(Nobody, _dummyHash, password);
            return (null, FailUnknown(users.NormalizeEmail(login)));
        }

        var passwordOk = await users.CheckPasswordAsync(user, password);
        if (await users.IsLockedOutAsync(user))
        {
            return (null, LoginOutcome.LockedOut);
        }

        // The failure count is a write like any other: through the write gate (one SQLite writer, retried on conflicts),
        // not beside it, so a busy database delays a login instead of failing it.
        if (passwordOk && !user.IsDisabled)
        {
            if (user.AccessFailedCount > 0)
            {
                await writes.RunAsync(async _ => await users.ResetAccessFailedCountAsync(user), CancellationToken.None);
            }

            return (user, LoginOutcome.Success);
        }

        await writes.RunAsync(async _ => await users.AccessFailedAsync(user), CancellationToken.None);
        return (null, await users.IsLockedOutAsync(user) ? LoginOutcome.LockedOut : LoginOutcome.InvalidCredentials);
    }

    private LoginOutcome FailUnknown(string normalizedEmail)
    {
        var lockout = identity.Value.Lockout;
        var now = time.GetUtcNow();
        var entry = cache.GetOrCreate($"orderly:unknown-login:{normalizedEmail}", e =>
        {
            e.SlidingExpiration = lockout.DefaultLockoutTimeSpan;
            return new UnknownLogin();
        })!;
        lock (entry)
        {
            if (entry.LockedUntil > now)
            {
                return LoginOutcome.LockedOut;
            }

            if (++entry.Failures < lockout.MaxFailedAccessAttempts)
            {
                return LoginOutcome.InvalidCredentials;
            }

            entry.Failures = 0;
            entry.LockedUntil = now + lockout.DefaultLockoutTimeSpan;
            return LoginOutcome.LockedOut;
        }
    }

    private sealed class UnknownLogin
    {
        public int Failures { get; set; }

        public DateTimeOffset LockedUntil { get; set; }
    }
}
