using Npgsql;

namespace Orderly.Server.Tests.Infrastructure;

/// <summary>A database of its own for one fixture: a temp SQLite file, or a fresh database on the cluster test.sh starts.</summary>
public abstract class TestDatabase
{
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public static TestDatabase For(string provider) => provider == "postgres" ? new PostgresDatabase() : new SqliteDatabase();

    /// <summary>A database another owner creates and drops, e.g. the one two server nodes share.</summary>
    public static TestDatabase Borrowed(TestDatabase owner) => new BorrowedDatabase(owner);

    public virtual Task CreateAsync() => Task.CompletedTask;

    public abstract Task DropAsync();

    private sealed class BorrowedDatabase(TestDatabase owner) : TestDatabase
    {
        public override string Provider => owner.Provider;

        public override string ConnectionString => owner.ConnectionString;

        public override Task DropAsync() => Task.CompletedTask;
    }

    private sealed class SqliteDatabase : TestDatabase
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("orderly-test-").FullName;

        public override string Provider => "sqlite";

        public override string ConnectionString => $"Data Source={Path.Combine(_folder, "orderly.db")}";

        public override Task DropAsync()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a finishing background task; the OS temp cleaner takes it.
            }

            return Task.CompletedTask;
        }
    }

    private sealed class PostgresDatabase : TestDatabase
    {
        private readonly string _name = $"orderly_test_{Guid.NewGuid():N}";

        public override string Provider => "postgres";

        public override string ConnectionString => new NpgsqlConnectionStringBuilder(PostgresApp.ServerConnectionString) { Database = _name }.ToString();

        public override Task CreateAsync() => RunAsync($"CREATE DATABASE \"{_name}\"");

        public override Task DropAsync()
        {
            NpgsqlConnection.ClearAllPools();
            return RunAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
        }

        private static async Task RunAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(PostgresApp.ServerConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
