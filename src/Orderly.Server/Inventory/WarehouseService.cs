using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

/// <summary>Creating warehouses, for the API and the web UI.</summary>
public sealed class WarehouseService(OrderlyDbContext db, Writes writes, TimeProvider time)
{
    /// <summary>Creates a warehouse with a code nobody else has.</summary>
    public async Task<Warehouse> AddAsync(WarehouseRequest request, CancellationToken ct)
    {
        var warehouse = new Warehouse(request.Code, request.Name, request.Region, time.GetUtcNow(), request.NameEn);
        if (request.IsActive == false)
        {
            warehouse.Update(request.Code, request.Name, request.Region, isActive: false, request.NameEn);
        }

        await writes.RunAsync(async token =>
        {
            await Uniqueness.EnsureFreeAsync(db.Warehouses.AnyAsync(w => w.Code == warehouse.Code, token), "code", $"Warehouse code '{warehouse.Code}' is taken.");
            db.Warehouses.Add(warehouse);
        }, ct);
        return warehouse;
    }
}
