using Microsoft.AspNetCore.Hosting;
using Orderly.Server.Tests.Inventory;

namespace Orderly.Server.Tests.Analytics;

/// <summary>A clocked server whose analyses look for changes on every request and reuse nothing.</summary>
public abstract class AnalysisApp(TestDatabase database) : ClockedApp(database)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orderly:Analytics:RefreshEvery", "00:00:00");
        builder.UseSetting("Orderly:Analytics:InventoryCacheFor", "00:00:00");
        builder.UseSetting("Orderly:Forecasting:AccuracyCacheFor", "00:00:00");
    }
}

public sealed class AnalysisSqliteApp() : AnalysisApp(TestDatabase.For("sqlite"));

public sealed class AnalysisPostgresApp() : AnalysisApp(TestDatabase.For("postgres"));
