using System.Security.Claims;

namespace Orderly.Server.Identity;

public static class CurrentUser
{
    public static Guid? IdOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>The person acting: the user, or for an API key the user who issued it (separation of duties follows people, not keys).</summary>
    public static Guid? PersonOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue("on_behalf_of"), out var person) ? person : IdOf(user);
}
