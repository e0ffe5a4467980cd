using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Domain.Catalog;
using Orderly.Server.Audit;
using Orderly.Server.Data;
using Orderly.Server.Platform.Persistence;
using SQLitePCL;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The direct row writer (<see cref="RowWriter"/>, <see cref="BulkInsert"/>) against EF Core's own save: the same
/// product written both ways holds the same stored values column by column and reads back the same through EF, its
/// audit record is the one the change tracker would have made, and the hash chain stays verifiable.
/// </summary>
public abstract class DirectWriteTests(OrderlyApp app)
{
    [Fact]
    public async Task ADirectWrittenProduct_IsStoredAsEfStoresIt_AndItsAuditRecordIsTheTrackersOwn()
    {
        var now = new DateTimeOffset(2026, 3, 8, 1, 2, 3, TimeSpan.Zero).AddTicks(1_234_567);
        var details = new ProductDetails("DW-" + Guid.NewGuid().ToString("N")[..10], "直写商品, \"引号\" 😀", "box", 1234.56m, "USD", "直写类",
            MinPrice: 1000.5m, Cost: 0.01m, IsWholeUnit: false, IsActive: true, AllowBackorder: false, NameEn: "Direct write");
        var product = new Product(details, now);
        product.Update(details, now.AddMinutes(5));
        product.Version = 3;

        // 1. EF's own save (with its audit record), the stored row read raw, then the row removed behind EF's back.
        await WriteAsync(async (db, _) =>
        {
            db.Add(product);
            await db.SaveChangesAsync();
        });
        var byEf = await RawRowAsync(product.Id);
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM products WHERE id = {product.Id}"));

        // 2. The same product through the direct writer.
        await WriteAsync((db, services) => services.GetRequiredService<BulkInsert>().InsertAsync(db, [product], CancellationToken.None));
        var direct = await RawRowAsync(product.Id);

        Assert.Equal(byEf.Count, direct.Count);
        Assert.True(byEf.Count >= 15, $"products has {byEf.Count} columns");
        foreach (var (column, value) in byEf)
        {
            Assert.True(Equals(value, direct[column]), $"{column}: EF stored {Show(value)}, the direct writer {Show(direct[column])}");
        }

        // Read back through EF, every mapped property equals what was written.
        var read = await app.WithDbAsync(db => db.Products.AsNoTracking().SingleAsync(p => p.Id == product.Id));
        var type = await app.WithDbAsync(db => Task.FromResult(db.Model.FindEntityType(typeof(Product))!));
        foreach (var property in type.GetProperties())
        {
            var getter = property.GetGetter();
            var expected = getter.GetClrValueUsingContainingEntity(product);
            var actual = getter.GetClrValueUsingContainingEntity(read);
            if (expected is DateTimeOffset at && app.Provider == "postgres")
            {
                expected = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
            }

            Assert.True(Equals(expected, actual), $"{property.Name}: wrote {Show(expected)}, read {Show(actual)}");
        }

        // Its audit record: the same as the change tracker's, field for field, and the chain verifies.
        var records = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking()
            .Where(a => a.EntityType == "Product" && a.EntityId == product.Id.ToString()).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(2, records.Count);
        var (tracked, written) = (records[0], records[1]);
        Assert.Equal(tracked.Changes, written.Changes);
        Assert.Contains("{\"field\":\"nameEn\",\"new\":\"Direct write\"}", written.Changes, StringComparison.Ordinal);
        Assert.DoesNotContain("\"old\"", written.Changes, StringComparison.Ordinal);
        Assert.Equal(
            (tracked.Action, tracked.EntityType, tracked.EntityId, tracked.Chain, tracked.ActorId, tracked.ActorName, tracked.CustomerId, tracked.Operation),
            (written.Action, written.EntityType, written.EntityId, written.Chain, written.ActorId, written.ActorName, written.CustomerId, written.Operation));
        Assert.Equal(64, written.Hash.Length);
        Assert.Equal(AuditTrail.HashOf(written), written.Hash);
        var verification = await app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);
    }

    [Fact]
    public async Task ADirectUpdate_StoresWhatEfStores_WithTheSameAuditRecord_AndChecksTheVersion()
    {
        var now = DateTimeOffset.UtcNow;
        var tag = "DU-" + Guid.NewGuid().ToString("N")[..10];
        var original = new ProductDetails(tag, "改前", "pcs", 10m, "CNY", "旧类", 8m, 5m, NameEn: "Before");
        var (byEf, direct) = (new Product(original with { Sku = tag + "-E" }, now), new Product(original with { Sku = tag + "-D" }, now));
        await WriteAsync(async (db, _) =>
        {
            db.AddRange(byEf, direct);
            await db.SaveChangesAsync();
        });

        var later = now.AddMinutes(1);
        ProductDetails Changed(string sku) => new(sku, "改后", "pcs", 12.5m, "CNY", null, 12.5m, 5m, IsActive: false, NameEn: "Before");
        await WriteAsync(async (db, _) =>
        {
            var tracked = await db.Products.SingleAsync(p => p.Id == byEf.Id);
            tracked.Update(Changed(tracked.Sku), later);
            await db.SaveChangesAsync();
        });
        await WriteAsync(async (db, services) =>
        {
            var read = await db.Products.AsNoTracking().SingleAsync(p => p.Id == direct.Id);
            var before = BulkInsert.Before(db, read);
            read.Update(Changed(read.Sku), later);
            await services.GetRequiredService<BulkInsert>().UpdateAsync(db, [(read, before)], CancellationToken.None);
        });

        var (efRow, directRow) = (await RawRowAsync(byEf.Id), await RawRowAsync(direct.Id));
        foreach (var (column, value) in efRow.Where(c => c.Key is not ("id" or "sku")))
        {
            Assert.True(Equals(value, directRow[column]), $"{column}: EF stored {Show(value)}, the direct update {Show(directRow[column])}");
        }

        Assert.Equal(1L, Convert.ToInt64(directRow["version"], CultureInfo.InvariantCulture));
        var updates = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking()
            .Where(a => a.Action == "Update" && (a.EntityId == byEf.Id.ToString() || a.EntityId == direct.Id.ToString())).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(2, updates.Count);
        Assert.Equal(updates[0].Changes, updates[1].Changes);
        var category = JsonNode.Parse(updates[1].Changes)!.AsArray().Single(c => c!["field"]!.GetValue<string>() == "category")!;
        Assert.Equal("旧类", category["old"]?.GetValue<string>());
        Assert.Null(category["new"]);
        Assert.Equal(
            "category,isActive,listPriceMinor,minPriceMinor,name",
            string.Join(',', JsonNode.Parse(updates[1].Changes)!.AsArray().Select(c => c!["field"]!.GetValue<string>()).Order(StringComparer.Ordinal)));

        // A row changed since it was read (its version moved on): the write fails whole, nothing is kept.
        var stale = await app.WithDbAsync(db => db.Products.AsNoTracking().SingleAsync(p => p.Id == direct.Id));
        var staleBefore = await app.WithDbAsync(db => Task.FromResult(BulkInsert.Before(db, stale)));
        await WriteAsync(async (db, _) =>
        {
            var tracked = await db.Products.SingleAsync(p => p.Id == direct.Id);
            tracked.Update(Changed(tracked.Sku) with { Name = "别人改的" }, later);
            await db.SaveChangesAsync();
        });
        stale.Update(Changed(stale.Sku) with { Name = "我改的" }, later);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() =>
            WriteAsync((db, services) => services.GetRequiredService<BulkInsert>().UpdateAsync(db, [(stale, staleBefore)], CancellationToken.None)));
        Assert.Equal("别人改的", await app.WithDbAsync(db => db.Products.Where(p => p.Id == direct.Id).Select(p => p.Name).SingleAsync()));
        var verification = await app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);
    }

    [Fact]
    public async Task AuditCreated_IsWhatCollectMakesForTheSameNewRoot()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        var map = scope.ServiceProvider.GetRequiredService<AuditMap>();
        var now = DateTimeOffset.UtcNow;
        var products = new[]
        {
            new Product(new ProductDetails("AC-1", "名称", "pcs", 12.5m), now),
            new Product(new ProductDetails("AC-2", "Name", "kg", 0m, "JPY", "类", 0m, 0m, false, false, false, "English"), now),
        };
        foreach (var product in products)
        {
            db.Add(product);
            var collected = Assert.Single(AuditTrail.Collect(db, map, db.Caller, now));
            var created = AuditTrail.Created(db.Model.FindEntityType(typeof(Product))!, product, map.RootOfUntracked(product, db)!, db.Caller, now);
            Assert.Equal(collected.Changes, created.Changes);
            Assert.Equal((collected.At, collected.Action, collected.EntityType, collected.EntityId, collected.CustomerId),
                (created.At, created.Action, created.EntityType, created.EntityId, created.CustomerId));
            db.ChangeTracker.Clear();
        }
    }

    private async Task WriteAsync(Func<OrderlyDbContext, IServiceProvider, Task> write)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await write(db, scope.ServiceProvider);
        await transaction.CommitAsync();
    }

    /// <summary>The stored row as the provider returns it (SQLite: its storage class; PostgreSQL: the column's type).</summary>
    private Task<Dictionary<string, object?>> RawRowAsync(Guid id) => app.WithDbAsync(async db =>
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = app.Provider == "sqlite" ? id.ToString().ToUpperInvariant() : id;
        command.Parameters.Add(parameter);
        command.CommandText = "SELECT * FROM products WHERE id = @id";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the row is there");
        var row = new Dictionary<string, object?>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return row;
    });

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        _ => $"{value} ({value.GetType().Name})",
    };
}

public sealed class DirectWriteTests_Sqlite(SqliteApp app) : DirectWriteTests(app), IClassFixture<SqliteApp>;

public sealed class DirectWriteTests_Postgres(PostgresApp app) : DirectWriteTests(app), IClassFixture<PostgresApp>;

/// <summary>
/// An import committed through the direct writer leaves a verifiable audit trail; a record it wrote, altered behind
/// the application's back, is found. A class (and database) of its own: it ends with a tampered trail.
/// </summary>
public abstract class DirectWriteAuditTamperTests(OrderlyApp app)
{
    [Fact]
    public async Task AfterADirectWrittenImport_TheChainVerifies_AndATamperedRecordIsFound()
    {
        using var admin = await app.AdminAsync();
        var csv = new System.Text.StringBuilder("SKU,名称,Unit,List price,Category\r\n");
        for (var i = 0; i < 2_500; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"TMP-{i:D5},\"直写 {i}, 规格\",pcs,{(i % 500 == 7 ? "坏" : "3.25")},导入\r\n");
        }

        var dry = await ImportClient.RunAsync(admin, "products", "dry-run", ImportClient.Bytes(csv.ToString(), ImportClient.Utf8Bom));
        Assert.Equal(("Validated", 2_495, 5), (dry["state"].Str(), dry["valid"]!.GetValue<int>(), dry["invalid"]!.GetValue<int>()));
        var committed = await ImportClient.CommitAsync(admin, dry.Id(), "valid-only");
        Assert.Equal(("Completed", 2_495), (committed["state"].Str(), committed["inserted"]!.GetValue<int>()));
        Assert.Equal(2_495, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith("TMP-"))));
        Assert.Equal(325, await app.WithDbAsync(db => db.Products.Where(p => p.Sku == "TMP-01234").Select(p => p.ListPriceMinor).SingleAsync()));

        var records = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().Where(a => a.EntityType == "Product").OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(2_495, records.Count);
        Assert.All(records, r => Assert.Equal("Create", r.Action));
        Assert.Equal(records.Count, records.Select(r => r.EntityId).Distinct().Count());
        var verification = await app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.IsIntact, verification.Problem);

        var altered = records[1_000];
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(app.Provider == "sqlite"
            ? "DROP TRIGGER audit_records_no_update"
            : "ALTER TABLE audit_records DISABLE TRIGGER USER"));
        var forged = altered.Changes.Replace("\"325\"", "\"1\"", StringComparison.Ordinal);
        Assert.NotEqual(altered.Changes, forged);
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE audit_records SET changes = {forged} WHERE id = {altered.Id}"));
        var broken = await app.WithDbAsync(db => AuditVerifier.VerifyAsync(db, CancellationToken.None));
        Assert.False(broken.IsIntact);
        Assert.Equal(altered.Id, broken.BrokenAtId);
    }
}

public sealed class DirectWriteAuditTamperTests_Sqlite(SqliteApp app) : DirectWriteAuditTamperTests(app), IClassFixture<SqliteApp>;

public sealed class DirectWriteAuditTamperTests_Postgres(PostgresApp app) : DirectWriteAuditTamperTests(app), IClassFixture<PostgresApp>;

/// <summary>The row writer's SQLite binding stores each value exactly as Microsoft.Data.Sqlite's parameters do.</summary>
public sealed class SqliteValuesTests
{
    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        for (var i = 0; i < Samples().Count; i++)
        {
            cases.Add(i.ToString(CultureInfo.InvariantCulture));
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RawBinding_StoresWhatASqliteParameterStores(string index)
    {
        var (value, declared) = Samples()[int.Parse(index, CultureInfo.InvariantCulture)];
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (n INTEGER, v)";
            create.ExecuteNonQuery();
        }

        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO t VALUES (1, $v)";
            var parameter = insert.Parameters.AddWithValue("$v", value);
            if (declared is { } type)
            {
                parameter.SqliteType = type;
            }

            insert.ExecuteNonQuery();
        }

        var handle = connection.Handle!;
        SqliteValues.Check(handle, raw.sqlite3_prepare_v2(handle, "INSERT INTO t VALUES (2, ?1)", out var statement));
        using (statement)
        {
            var kind = SqliteValues.KindOf(value.GetType(), declared ?? SqliteType.Text, "sample");
            SqliteValues.Check(handle, SqliteValues.Bind(statement, 1, kind, value));
            SqliteValues.Step(handle, statement);
        }

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT typeof(v) || ':' || quote(v) FROM t ORDER BY n";
        using var reader = read.ExecuteReader();
        Assert.True(reader.Read());
        var byParameter = reader.GetString(0);
        Assert.True(reader.Read());
        Assert.Equal(byParameter, reader.GetString(0));
    }

    private static List<(object Value, SqliteType? Declared)> Samples() =>
    [
        (true, null), (false, null), ((byte)7, null), ((short)-3, null), (42, null), (-5_000_000_000L, null), (1.5, null), (0.1f, null),
        ("中文 😀 \"q\"", null), ("", null), (new Guid("0193a1b2-0000-7000-8000-00000000abcd"), null),
        (new Guid("0193a1b2-0000-7000-8000-00000000abcd"), SqliteType.Blob), (new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234), null),
        (new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(8)).AddTicks(1_234_500), null), (DateTimeOffset.UnixEpoch, null),
        (new DateOnly(2026, 2, 28), null), (12.345m, null), (0m, null), (-1_000_000_000_000.5m, null), ('x', null), (new byte[] { 0, 1, 255 }, null),
    ];
}

/// <summary>The audit hash computed over one pooled buffer is the hash as defined: SHA-256 of the fields joined by line feeds.</summary>
public sealed class AuditHashTests
{
    [Fact]
    public void HashOf_EqualsTheJoinedDefinition_WithAndWithoutEveryOptionalField()
    {
        var full = new AuditRecord
        {
            At = new DateTimeOffset(2026, 12, 5, 23, 59, 59, TimeSpan.Zero).AddTicks(1_234_560),
            ActorId = Guid.NewGuid(),
            ActorName = "张伟 😀",
            OnBehalfOf = Guid.NewGuid(),
            SourceAddress = "2001:db8::1",
            CorrelationId = "corr-1",
            IdempotencyKey = "key\nwith line",
            Action = "Create",
            Operation = "ImportProducts",
            EntityType = "Product",
            EntityId = Guid.NewGuid().ToString(),
            CustomerId = Guid.NewGuid(),
            Changes = "[{\"field\":\"name\",\"old\":null,\"new\":\"\\u5BFC\\u5165 \\uD83D\\uDE00\"}]" + new string('x', 5000),
            PreviousHash = AuditTrail.Genesis,
            Hash = "",
        };
        var bare = new AuditRecord { At = DateTimeOffset.UnixEpoch, Action = "Deny", EntityType = "", EntityId = "", Changes = "", PreviousHash = "", Hash = "" };
        foreach (var record in new[] { full, bare })
        {
            Assert.Equal(AuditTrail.HashOfJoined(record), AuditTrail.HashOf(record));
        }

        Assert.NotEqual(AuditTrail.HashOf(full), AuditTrail.HashOf(bare));
    }
}
