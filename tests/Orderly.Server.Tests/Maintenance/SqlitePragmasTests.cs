using Microsoft.Data.Sqlite;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Tests.Maintenance;

/// <summary>
/// Database:SqliteMmapBytes reaches every connection (off by default: measured in docs/performance.md, P7, it buys the
/// 1M-order server ~1.1x at the price of its mapped pages counting in the server's resident memory).
/// </summary>
public sealed class SqlitePragmasTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"orderly-pragmas-{Guid.NewGuid():N}.db");

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(1_048_576L, 1_048_576L)]
    [InlineData(-5L, 0L)]
    public void MmapSize_IsSetOnEachConnection_AsConfigured(long configured, long expected)
    {
        using var connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        connection.Open();

        new SqlitePragmas("NORMAL", 4096, configured).Configure(connection);

        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA mmap_size";
        Assert.Equal(expected, (long)command.ExecuteScalar()!);
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)command.ExecuteScalar()!);
    }

    public void Dispose()
    {
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }
}
