using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;
using Orderly.Server.Platform;

namespace Orderly.Server.Demo;

/// <summary>The bilingual demo data an empty database is filled with on first start.</summary>
public sealed class DemoModule : IOrderlyModule
{
    public string Name => "Demo";

    public void AddServices(ModuleServices capability) => capability.Services.AddScoped<DemoSeeder>();

    /// <summary>Seeds an empty database unless <c>Orderly:SeedDemoData</c> is false (it runs after the admin login exists).</summary>
    public async Task PrepareAsync(ModuleStart start, CancellationToken ct)
    {
        var setting = start.Configuration["Orderly:SeedDemoData"];
        var db = start.Services.GetRequiredService<OrderlyDbContext>();
        if ((setting is null || bool.Parse(setting)) && !await db.SalesOrders.AnyAsync(ct) && !await db.Products.AnyAsync(ct))
        {
            start.Log.LogInformation("Empty database: seeding demo data");
            await start.Services.GetRequiredService<DemoSeeder>().SeedAsync(new DemoSeedOptions(), progress: null, ct);
        }
    }
}
