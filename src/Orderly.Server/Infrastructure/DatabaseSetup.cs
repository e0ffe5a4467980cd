using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseSetup
{
    public static DatabaseProvider ProviderOf(IConfiguration configuration) =>
        (configuration["Database:Provider"] ?? "sqlite").Trim().ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            var other => throw new InvalidOperationException($"Database:Provider '{other}' is not one of sqlite, postgres."),
        };

    public static IServiceCollection AddOrderlyDatabase(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var provider = ProviderOf(configuration);
        var connectionString = configuration.GetConnectionString("Orderly");
        services.AddSingleton(new WriteGate(provider));
        services.AddScoped<Writes>();
        if (provider == DatabaseProvider.Sqlite)
        {
            connectionString ??= DefaultSqlite(contentRoot);
            services.AddDbContext<OrderlyDbContext, SqliteOrderlyDbContext>(options => options
                .UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__ef_migrations"))
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(SqlitePragmas.Instance));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Database:Provider is postgres but ConnectionStrings:Orderly is not set.");
            }

            services.AddDbContext<OrderlyDbContext, PostgresOrderlyDbContext>(options => options
                .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations"))
                .UseSnakeCaseNamingConvention());
        }

        return services;
    }

    private static string DefaultSqlite(string contentRoot)
    {
        var folder = Path.Combine(contentRoot, "data");
        Directory.CreateDirectory(folder);
        return new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "orderly.db") }.ToString();
    }
}

/// <summary>
/// Every SQLite connection runs in WAL mode with synchronous=FULL, so an acknowledged order survives a crash
/// or power loss, and waits for a busy database instead of failing at once.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
