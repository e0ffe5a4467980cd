using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure.Scheduling;

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
        var connectionString = ConnectionStringOf(configuration, contentRoot);
        services.AddSingleton(new WriteGate(provider));
        services.AddScoped<Writes>();
        if (provider == DatabaseProvider.Sqlite)
        {
            services.AddSingleton<SqliteStatistics>();
            services.AddOrderlyJob<SqliteStatisticsJob>(configuration, SqliteStatisticsJob.Name, SqliteStatisticsJob.DefaultSchedule);
            var groupCommit = configuration.GetValue("Database:SqliteGroupCommit", true) ? new SqliteGroupCommit(connectionString) : null;
            if (groupCommit is not null)
            {
                services.AddSingleton(groupCommit);
            }

            var pragmas = new SqlitePragmas(groupCommit is null ? "FULL" : "NORMAL");
            services.AddDbContext<OrderlyDbContext, SqliteOrderlyDbContext>((sp, options) =>
            {
                options.AddInterceptors(sp.GetServices<IInterceptor>());
                options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__ef_migrations"))
                    .UseSnakeCaseNamingConvention()
                    .AddInterceptors(pragmas);
                if (groupCommit is not null)
                {
                    options.AddInterceptors(new SqliteGroupCommitInterceptor(groupCommit), new SqliteGroupCommitSaveInterceptor(groupCommit));
                }
            });
        }
        else
        {
            services.AddDbContext<OrderlyDbContext, PostgresOrderlyDbContext>((sp, options) => options
                .AddInterceptors(sp.GetServices<IInterceptor>())
                .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations"))
                .UseSnakeCaseNamingConvention());
        }

        return services;
    }

    /// <summary>ConnectionStrings:Orderly, or for SQLite without one <c>data/orderly.db</c> under the content root.</summary>
    public static string ConnectionStringOf(IConfiguration configuration, string contentRoot) =>
        configuration.GetConnectionString("Orderly") is { Length: > 0 } configured ? configured
        : ProviderOf(configuration) == DatabaseProvider.Sqlite ? DefaultSqlite(contentRoot)
        : throw new InvalidOperationException("Database:Provider is postgres but ConnectionStrings:Orderly is not set.");

    private static string DefaultSqlite(string contentRoot)
    {
        var folder = Path.Combine(contentRoot, "data");
        Directory.CreateDirectory(folder);
        return new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "orderly.db") }.ToString();
    }
}

/// <summary>
/// Every SQLite connection runs in WAL mode and waits for a busy database instead of failing at once. An
/// acknowledged order survives a crash or power loss: either every commit is synced (synchronous=FULL) or, with
/// group commit (the default), commits run with synchronous=NORMAL and wait for a shared fsync of the WAL
/// (<see cref="SqliteGroupCommit"/>).
/// </summary>
public sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    // Pooled connections keep their native handle, and pragmas stay set on it: configure each handle once
    // rather than on every open (EF opens and closes the connection around each query).
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];
    private readonly string _pragmas = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstOpen(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _configured.TryAdd(handle, this);
}
