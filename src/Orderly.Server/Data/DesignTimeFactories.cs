using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Orderly.Server.Data;

/// <summary>Lets `dotnet ef migrations add` build each provider's model without starting the server.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteOrderlyDbContext>
{
    public SqliteOrderlyDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<SqliteOrderlyDbContext>()
        .UseSqlite("Data Source=design-time.db", o => o.MigrationsHistoryTable("__ef_migrations"))
        .UseSnakeCaseNamingConvention()
        .Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresOrderlyDbContext>
{
    public PostgresOrderlyDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<PostgresOrderlyDbContext>()
        .UseNpgsql("Host=localhost;Database=orderly_design", o => o.MigrationsHistoryTable("__ef_migrations"))
        .UseSnakeCaseNamingConvention()
        .Options);
}
