using Orderly.Server.Data;

namespace Orderly.Server.Demo;

public sealed record DemoSeedOptions(int Orders = 600, int Seed = 20261127);

public sealed record DemoProgress(string Stage, int Done, int Total);

/// <summary>Realistic bilingual demo data; being written (see issue 2).</summary>
public sealed class DemoSeeder(OrderlyDbContext db)
{
    public Task SeedAsync(DemoSeedOptions options, IProgress<DemoProgress>? progress, CancellationToken ct)
    {
        _ = db;
        _ = options;
        _ = progress;
        return Task.CompletedTask;
    }
}
