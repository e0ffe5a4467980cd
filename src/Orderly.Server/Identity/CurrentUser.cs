using System.Security.Claims;

namespace Orderly.Server.Identity;

public static class CurrentUser
{
    public static Guid? IdOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
