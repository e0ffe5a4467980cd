using Microsoft.EntityFrameworkCore;
using Orderly.Server.Audit;

namespace Orderly.Server.Tests.Audit;

/// <summary>
/// S8, the hash chain: an attacker with direct database access removes the append-only triggers, alters a record
/// or deletes one; the verifier names the first broken record. The class has a database of its own, as it ends
/// with a tampered trail.
/// </summary>
public abstract class AuditTamperTests(OrderlyApp app)
{
    [Fact]
    public async Task WithTheTriggersGone_AnAlteredOrDeletedRecord_IsFoundByTheHashChain()
    {
        using var admin = await app.AdminAsync();
        var data = new TestData(admin);
        for (var i = 0; i < 4; i++)
        {
            await data.CustomerAsync(name: $"链条客户 {i}");
        }

        // One customer changed three times: its records follow each other in its aggregate's chain.
        var customer = await data.CustomerAsync(name: "链条客户");
        for (var i = 1; i <= 3; i++)
        {
            var read = await admin.GetJsonAsync($"/api/customers/{customer}");
            var etag = read.Response.Headers.ETag!.ToString();
            var current = read.Expect(HttpStatusCode.OK);
            var body = new { code = current["code"].Str(), name = $"链条客户 第{i}版", creditLimit = current["creditLimit"]?.GetValue<decimal?>(), region = current["region"]?.GetValue<string?>() };
            (await admin.PutAsync($"/api/customers/{customer}", body, etag)).Expect(HttpStatusCode.OK);
        }

        Assert.True((await VerifyAsync()).IsIntact);
        var all = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().OrderBy(a => a.Id).ToListAsync());
        var records = all.Where(r => r.EntityType == "Customer" && r.EntityId == customer.ToString()).ToList();
        Assert.Equal(4, records.Count);
        Assert.Single(records.Select(r => r.Chain).Distinct());
        var altered = records[^3];
        var deleted = records[^2];
        var afterDeleted = records[^1];

        await ExecuteAsync(app.Provider == "sqlite"
            ? ["DROP TRIGGER audit_records_no_update", "DROP TRIGGER audit_records_no_delete"]
            : ["ALTER TABLE audit_records DISABLE TRIGGER USER"]);

        // An altered change: the record's own hash no longer matches its content.
        var changes = JsonNode.Parse(altered.Changes)!.AsArray();
        changes.Single(c => c!["field"]!.GetValue<string>() == "name")!["new"] = "伪造客户";
        var forged = changes.ToJsonString();
        Assert.NotEqual(altered.Changes, forged);
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE audit_records SET changes = {forged} WHERE id = {altered.Id}"));
        var broken = await VerifyAsync();
        Assert.False(broken.IsIntact);
        Assert.Equal(altered.Id, broken.BrokenAtId);
        Assert.NotNull(broken.Problem);

        // An altered actor is found the same way.
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE audit_records SET changes = {altered.Changes}, actor_name = {"someone-else@orderly.test"} WHERE id = {altered.Id}"));
        Assert.Equal(altered.Id, (await VerifyAsync()).BrokenAtId);

        // Put back exactly as written, the chain holds again: the verifier judges content, not the edit.
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE audit_records SET actor_name = {altered.ActorName} WHERE id = {altered.Id}"));
        Assert.True((await VerifyAsync()).IsIntact);

        // A hash recomputed to match the forged content still breaks the link to the next record.
        var reforged = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().SingleAsync(a => a.Id == altered.Id));
        reforged.Changes = forged;
        var forgedHash = AuditTrail.HashOf(reforged);
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE audit_records SET changes = {forged}, hash = {forgedHash} WHERE id = {altered.Id}"));
        Assert.Equal(deleted.Id, (await VerifyAsync()).BrokenAtId);
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE audit_records SET changes = {altered.Changes}, hash = {altered.Hash} WHERE id = {altered.Id}"));
        Assert.True((await VerifyAsync()).IsIntact);

        // A record removed from the middle: the one after it no longer follows its predecessor.
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM audit_records WHERE id = {deleted.Id}"));
        var gap = await VerifyAsync();
        Assert.False(gap.IsIntact);
        Assert.Equal(afterDeleted.Id, gap.BrokenAtId);
        Assert.Equal(all.Count(r => r.Id < afterDeleted.Id && r.Id != deleted.Id), gap.Checked);
    }

    private Task<AuditVerification> VerifyAsync() => app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));

    private async Task ExecuteAsync(string[] statements)
    {
        foreach (var sql in statements)
        {
            await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql));
        }
    }
}

public sealed class AuditTamperTests_Sqlite(SqliteApp app) : AuditTamperTests(app), IClassFixture<SqliteApp>;

public sealed class AuditTamperTests_Postgres(PostgresApp app) : AuditTamperTests(app), IClassFixture<PostgresApp>;
