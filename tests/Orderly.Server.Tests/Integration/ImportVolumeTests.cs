using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// QUALITY.md I2: a 100,000-row product file (UTF-8 with BOM, CRLF, quoted commas and quotes, Chinese, full-width digits)
/// with 1% bad rows of each kind (bad number, duplicate, 10,000-character name, a quoted line break in a one-line name). The dry run names exactly the bad
/// rows, atomic imports nothing, valid-only imports exactly the good rows, a re-run adds nothing, and the server's
/// managed memory grows by far less than the file would take as objects. GB18030 and unknown SKUs (stock) on smaller files.
/// </summary>
public abstract class ImportVolumeTests(OrderlyApp app, ITestOutputHelper output)
{
    private const int Rows = 100_000;

    [Fact]
    public async Task HundredThousandRows_DryRunAtomicValidOnlyRerun_AreExact_AndMemoryStaysBounded()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("V").Replace("-", "", StringComparison.Ordinal);
        var (csv, expected, good) = ProductFile(tag, Rows);
        var file = ImportClient.Bytes(csv, ImportClient.Utf8Bom);
        csv = "";
        using var memory = new MemorySampler();

        var clock = Stopwatch.StartNew();
        var dry = await ImportClient.RunAsync(admin, "products", "dry-run", file);
        var dryTime = clock.Elapsed;
        Assert.Equal("Validated", dry["state"].Str());
        Assert.Equal(Rows, dry["rows"]!.GetValue<int>());
        Assert.Equal(good, dry["valid"]!.GetValue<int>());
        Assert.Equal(expected.Count, dry["invalid"]!.GetValue<int>());
        Assert.Equal(expected.OrderBy(e => e.Row).ToList(), (await ImportClient.ErrorsAsync(admin, dry.Id())).Select(e => (e.Row, e.Code)).ToList());

        var atomic = await ImportClient.CommitAsync(admin, dry.Id(), "atomic");
        Assert.Equal("Rejected", atomic["state"].Str());
        Assert.Equal(0, await CountAsync(tag));

        clock.Restart();
        var validOnly = await ImportClient.CommitAsync(admin, dry.Id(), "valid-only");
        var commitTime = clock.Elapsed;
        Assert.Equal("Completed", validOnly["state"].Str());
        Assert.Equal(good, validOnly["inserted"]!.GetValue<int>());
        Assert.Equal(good, await CountAsync(tag));
        Assert.Equal(0, await app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag) && (p.Sku.EndsWith("-bad") || p.Name.Length > 200))));
        Assert.Equal("第45号, \"引号\" 产品", await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-00000045").Select(p => p.Name).SingleAsync()));
        Assert.Equal(1250, await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-00000050").Select(p => p.ListPriceMinor).SingleAsync()));

        var rerun = await ImportClient.RunAsync(admin, "products", "valid-only", file);
        Assert.Equal((0, 0, good), (rerun["inserted"]!.GetValue<int>(), rerun["updated"]!.GetValue<int>(), rerun["unchanged"]!.GetValue<int>()));
        Assert.Equal(good, await CountAsync(tag));

        var growth = memory.PeakGrowthBytes;
        output.WriteLine($"{app.Provider}: {file.Length / 1e6:F1} MB file; dry run {Rows / dryTime.TotalSeconds:F0} rows/s, valid-only commit {Rows / commitTime.TotalSeconds:F0} rows/s; peak managed heap growth {growth / 1e6:F0} MB");
        Assert.True(growth < 200_000_000, $"managed heap grew by {growth / 1e6:F0} MB");
    }

    [Fact]
    public async Task Gb18030Variant_AndUnknownSkusInStock_AreNamedExactly()
    {
        using var admin = await app.AdminAsync();
        var tag = TestData.Unique("W").Replace("-", "", StringComparison.Ordinal);
        var (csv, expected, good) = ProductFile(tag, 10_000);
        var dry = await ImportClient.RunAsync(admin, "products", "valid-only", ImportClient.Bytes(csv, Domain.Integration.TextDecoding.Gb18030));
        Assert.Equal("gb18030", dry["encoding"].Str());
        Assert.Equal(expected.OrderBy(e => e.Row).ToList(), (await ImportClient.ErrorsAsync(admin, dry.Id())).Select(e => (e.Row, e.Code)).ToList());
        Assert.Equal(good, await CountAsync(tag));
        Assert.Equal("第45号, \"引号\" 产品", await app.WithDbAsync(db => db.Products.Where(p => p.Sku == $"{tag}-00000045").Select(p => p.Name).SingleAsync()));

        var warehouse = TestData.Unique("WH");
        (await admin.PostAsync("/api/warehouses", new { code = warehouse, name = "批量仓" })).Expect(HttpStatusCode.Created);
        var stock = new StringBuilder("Warehouse code,SKU,On hand\n");
        var unknown = new List<(int, string)>();
        var skus = await app.WithDbAsync(db => db.Products.Where(p => p.Sku.StartsWith(tag)).OrderBy(p => p.Sku).Select(p => p.Sku).Take(5000).ToListAsync());
        for (var i = 0; i < skus.Count; i++)
        {
            var sku = i % 100 == 7 ? $"{tag}-missing-{i}" : skus[i];
            if (i % 100 == 7)
            {
                unknown.Add((i + 2, "UnknownSku"));
            }

            stock.Append(warehouse).Append(',').Append(sku).Append(',').Append(i % 13).Append('\n');
        }

        var stockDry = await ImportClient.RunAsync(admin, "stock", "dry-run", Encoding.UTF8.GetBytes(stock.ToString()));
        Assert.Equal(unknown, (await ImportClient.ErrorsAsync(admin, stockDry.Id())).Select(e => (e.Row, e.Code)).ToList());
        Assert.Equal(skus.Count - unknown.Count, stockDry["valid"]!.GetValue<int>());
    }

    /// <summary>Row i of the data (line numbers shift after each quoted line break); returns the bad (line, code) pairs.</summary>
    private static (string Csv, List<(int Row, string Code)> Bad, int Good) ProductFile(string tag, int rows)
    {
        var csv = new StringBuilder(rows * 48);
        csv.Append("SKU,名称,Unit,List price,Category\r\n");
        var bad = new List<(int, string)>();
        var line = 2;
        var good = 0;
        var longName = new string('n', 10_000);
        for (var i = 0; i < rows; i++)
        {
            var sku = $"{tag}-{i:D8}";
            var name = $"产品{i} 中文";
            var price = "12.5";
            var lines = 1;
            switch (i % 100)
            {
                case 10:
                    sku += "-bad";
                    price = "12.5x";
                    bad.Add((line, "BadNumber"));
                    break;
                case 20:
                    sku = $"{tag}-{i - 1:D8}";
                    bad.Add((line, "DuplicateInFile"));
                    break;
                case 30:
                    sku += "-bad";
                    name = longName;
                    bad.Add((line, "TooLong"));
                    break;
                case 40:
                    sku += "-bad";
                    name = $"\"第{i}号\r\n产品 中文\"";
                    lines = 2;
                    bad.Add((line, "ControlCharacter"));
                    break;
                case 45:
                    name = $"\"第{i}号, \"\"引号\"\" 产品\"";
                    good++;
                    break;
                case 50:
                    price = "１２．５";
                    good++;
                    break;
                default:
                    good++;
                    break;
            }

            csv.Append(sku).Append(',').Append(name).Append(",pcs,").Append(price).Append(",五金\r\n");
            line += lines;
        }

        return (csv.ToString(), bad, good);
    }

    private Task<int> CountAsync(string tag) => app.WithDbAsync(db => db.Products.CountAsync(p => p.Sku.StartsWith(tag)));

    /// <summary>
    /// Samples the live managed heap (after a full collection) every 250 ms; growth is measured from the live heap at
    /// the start. Garbage not yet collected is not memory the import holds, so it is not counted; the class runs in a
    /// collection of its own, alone, so other tests' objects are not counted either.
    /// </summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _peak;

        public MemorySampler() => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _peak = Math.Max(_peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(250);
            }
        });

        public long PeakGrowthBytes => Math.Max(0, _peak - _baseline);

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait();
            _stop.Dispose();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoloTests
{
    /// <summary>Tests that measure the process (memory) and so run with nothing else beside them.</summary>
    public const string Name = "Alone";
}

[Collection(SoloTests.Name)]
public sealed class ImportVolumeTests_Sqlite(SqliteApp app, ITestOutputHelper output) : ImportVolumeTests(app, output), IClassFixture<SqliteApp>;

[Collection(SoloTests.Name)]
public sealed class ImportVolumeTests_Postgres(PostgresApp app, ITestOutputHelper output) : ImportVolumeTests(app, output), IClassFixture<PostgresApp>;
