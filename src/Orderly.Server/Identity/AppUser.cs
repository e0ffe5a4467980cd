using Microsoft.AspNetCore.Identity;

namespace Orderly.Server.Identity;

public sealed class AppUser : IdentityUser<Guid>
{
    public string? DisplayName { get; set; }
    public bool IsDisabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The sales manager whose team this user is in; a manager sees the customers of their team.</summary>
    public Guid? ManagerId { get; set; }
}
