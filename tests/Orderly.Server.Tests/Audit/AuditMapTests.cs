using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Audit;
using Orderly.Server.Data;

namespace Orderly.Server.Tests.Audit;

/// <summary>
/// The audit fails closed (issue #10, item 6): every entity type of the EF model is either audited under an
/// aggregate or excluded with a reason, on both providers' models, so a new table cannot slip by unaudited.
/// </summary>
public abstract class AuditMapTests(OrderlyApp app)
{
    [Fact]
    public async Task EveryEntityTypeOfTheModel_IsAuditedOrExplicitlyExcluded()
    {
        var map = app.Services.GetRequiredService<AuditMap>();
        await using var scope = app.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>().Model;
        var types = model.GetEntityTypes().Select(e => e.ClrType).Distinct().ToList();
        Assert.True(types.Count >= 30, $"only {types.Count} entity types in the model");

        var undeclared = types.Where(t => !map.Audited.Contains(t) && !map.IsExcluded(t)).Select(t => t.FullName).ToList();
        Assert.True(undeclared.Count == 0, "Entity types neither audited nor excluded: " + string.Join(", ", undeclared));
        Assert.All(map.Excluded, e => Assert.False(string.IsNullOrWhiteSpace(e.Value), $"{e.Key.Name} is excluded without a reason"));
        var stale = map.Audited.Concat(map.Excluded.Keys).Where(t => !types.Contains(t)).Select(t => t.Name).ToList();
        Assert.True(stale.Count == 0, "Declared in the audit map but not in the model: " + string.Join(", ", stale));
    }

    [Fact]
    public void DeclaringATypeTwice_OrBothAuditedAndExcluded_IsRefused()
    {
        var map = new AuditMap().Root<Domain.Catalog.Product>("Product", p => p.Id);
        Assert.Throws<InvalidOperationException>(() => map.Exclude<Domain.Catalog.Product>("no"));
        Assert.Throws<InvalidOperationException>(() => map.Root<Domain.Catalog.Product>("Product", p => p.Id));
    }
}

public sealed class AuditMapTests_Sqlite(SqliteApp app) : AuditMapTests(app), IClassFixture<SqliteApp>;

public sealed class AuditMapTests_Postgres(PostgresApp app) : AuditMapTests(app), IClassFixture<PostgresApp>;
