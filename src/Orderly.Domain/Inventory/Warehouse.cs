using Orderly.Domain.Common;

namespace Orderly.Domain.Inventory;

/// <summary>A place that holds stock, in a sales region.</summary>
public sealed class Warehouse : IVersioned
{
    private Warehouse()
    {
    }

    public Warehouse(string code, string name, string? region, DateTimeOffset now, string? nameEn = null)
    {
        Id = Ids.New(now);
        CreatedAt = now;
        Update(code, name, region, isActive: true, nameEn);
    }

    public Guid Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>The English name where the company gives one; English readers see it, everyone else sees <see cref="Name"/>.</summary>
    public string? NameEn { get; private set; }
    public string? Region { get; private set; }
    public bool IsActive { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    public void Update(string code, string name, string? region, bool isActive, string? nameEn = null)
    {
        var violations = new List<RuleViolation>();
        var newCode = Text.Required(code, "code", 32, violations);
        var newName = Text.Required(name, "name", 200, violations);
        var newNameEn = Text.Optional(nameEn, "nameEn", 200, violations);
        var newRegion = Text.Optional(region, "region", 64, violations);
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        Code = newCode;
        Name = newName;
        NameEn = newNameEn;
        Region = newRegion;
        IsActive = isActive;
    }
}
