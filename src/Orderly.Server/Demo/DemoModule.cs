using Orderly.Server.Platform;

namespace Orderly.Server.Demo;

/// <summary>The bilingual demo data an empty database is filled with on first start.</summary>
public sealed class DemoModule : IOrderlyModule
{
    public string Name => "Demo";

    public void AddServices(ModuleServices capability) => capability.Services.AddScoped<DemoSeeder>();
}
