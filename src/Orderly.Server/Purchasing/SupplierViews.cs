using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Purchasing;

/// <summary>What other capabilities may know of a supplier.</summary>
public sealed record SupplierRef
{
    public Guid Id { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public bool IsActive { get; init; }
}

/// <summary>Purchasing's published read view, composed by EF into the caller's statement.</summary>
public static class SupplierViews
{
    public static IQueryable<SupplierRef> SupplierRefs(this OrderlyDbContext db) =>
        db.Suppliers.AsNoTracking().Select(s => new SupplierRef { Id = s.Id, Code = s.Code, Name = s.Name, IsActive = s.IsActive });
}
