using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Integration;
using Orderly.Server.Integration;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The scheduled inbound poll (Quartz job <c>connector-sync</c>) against <see cref="FakeZoho"/>: a connector polls on
/// its own schedule, and each poll after the first asks Zoho only for what changed since its cursor
/// (<c>If-Modified-Since</c>), so while the fake advances the run reads and writes just the changed records.
/// </summary>
public abstract class ConnectorScheduleTests(ConnectorApp app)
{
    [Fact]
    public async Task Poll_RunsOnTheConnectorsSchedule_AndFetchesOnlyWhatChangedSinceItsCursor()
    {
        await using var zoho = new FakeZoho();
        await zoho.StartAsync();
        var tag = TestData.Unique("ZS").Replace("-", "", StringComparison.Ordinal);
        zoho.Modules["Products"] = [.. Enumerable.Range(0, 3).Select(i => new JsonObject
        {
            ["id"] = $"61000000000{i:D6}", ["Product_Name"] = $"定时产品 {i}", ["Product_Code"] = $"{tag}-{i}", ["Unit_Price"] = 10 + i,
            ["Product_Active"] = true, ["Modified_Time"] = "2026-01-01T00:00:00+08:00",
        })];
        zoho.Modules["Accounts"] = [];
        using var admin = await app.AdminAsync();
        var saved = (await admin.PutAsync("/api/connectors/zoho-crm", new
        {
            enabled = true,
            settings = new { clientId = FakeZoho.ClientId, apiUrl = zoho.Url, accountsUrl = zoho.Url },
            secrets = new { clientSecret = FakeZoho.ClientSecret, refreshToken = FakeZoho.RefreshToken },
            syncEveryMinutes = 15,
        }, null)).Expect(HttpStatusCode.OK);
        Assert.Equal(15, saved["syncEveryMinutes"]!.GetValue<int>());
        (await admin.PutAsync("/api/connectors/zoho-crm", new { enabled = true, syncEveryMinutes = 20_000 }, null)).ExpectViolations(("syncEveryMinutes", "OutOfRange"));
        var job = app.Services.GetRequiredService<ConnectorSyncJob>();

        // First poll: no cursor yet, everything is read.
        await job.Execute(null!, CancellationToken.None);
        Assert.Equal(3, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));
        Assert.Empty(zoho.SinceQueries);

        // Not due again before its 15 minutes: the next firing reads nothing.
        var calls = zoho.DataCalls;
        await job.Execute(null!, CancellationToken.None);
        Assert.Equal(calls, zoho.DataCalls);

        // The vendor advances: one product renamed, one added; the schedule comes due.
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        zoho.Modules["Products"][1]["Product_Name"] = "定时产品 1（新）";
        zoho.Modules["Products"][1]["Modified_Time"] = now;
        zoho.Modules["Products"].Add(new JsonObject
        {
            ["id"] = "61000000000000009", ["Product_Name"] = "定时产品 9", ["Product_Code"] = $"{tag}-9", ["Unit_Price"] = 99, ["Product_Active"] = true, ["Modified_Time"] = now,
        });
        await app.WithDbAsync(async db =>
        {
            var config = await db.Set<ConnectorConfig>().SingleAsync(c => c.Kind == "zoho-crm");
            config.LastSyncAt = DateTimeOffset.UtcNow.AddMinutes(-16);
            await db.SaveChangesAsync();
            return 0;
        });
        var before = await app.WithDbAsync(db => db.Set<SyncLogEntry>().Where(e => e.Connector == "zoho-crm").MaxAsync(e => (long?)e.Id)) ?? 0;

        await job.Execute(null!, CancellationToken.None);

        var (module, since) = Assert.Single(zoho.SinceQueries, q => q.Module == "Products");
        Assert.Equal("Products", module);
        Assert.InRange(DateTimeOffset.UtcNow - since, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5));
        var entries = await app.WithDbAsync(db => db.Set<SyncLogEntry>().Where(e => e.Connector == "zoho-crm" && e.ObjectType == "product" && e.Id > before).OrderBy(e => e.ExternalId).ToListAsync());
        // Only the two changed records were read: no "unchanged" entries for the other two.
        Assert.Equal([("61000000000000001", SyncOutcome.Updated), ("61000000000000009", SyncOutcome.Created)], entries.Select(e => (e.ExternalId!, e.Outcome)));
        Assert.Equal("定时产品 1（新）", await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-1").Select(p => p.Name).SingleAsync()));
        Assert.Equal(4, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag))));

        // Schedule off: the job leaves the connector alone even when it would be due.
        (await admin.PutAsync("/api/connectors/zoho-crm", new { enabled = true, syncEveryMinutes = 0 }, null)).Expect(HttpStatusCode.OK);
        await app.WithDbAsync(async db =>
        {
            var config = await db.Set<ConnectorConfig>().SingleAsync(c => c.Kind == "zoho-crm");
            config.LastSyncAt = DateTimeOffset.UtcNow.AddDays(-1);
            await db.SaveChangesAsync();
            return 0;
        });
        calls = zoho.DataCalls;
        await job.Execute(null!, CancellationToken.None);
        Assert.Equal(calls, zoho.DataCalls);
    }
}

public sealed class ConnectorScheduleTests_Sqlite(ConnectorSqliteApp app) : ConnectorScheduleTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class ConnectorScheduleTests_Postgres(ConnectorPostgresApp app) : ConnectorScheduleTests(app), IClassFixture<ConnectorPostgresApp>;
