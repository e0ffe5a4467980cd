using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Data;

/// <summary>The context as run on SQLite; its migrations live in Data/Migrations/Sqlite.</summary>
public sealed class SqliteOrderlyDbContext(DbContextOptions<SqliteOrderlyDbContext> options, Audit.AuditActor? actor = null, TimeProvider? time = null,
    Infrastructure.BusinessCalendar? calendar = null)
    : OrderlyDbContext(options, actor, time, calendar);

/// <summary>The context as run on PostgreSQL; its migrations live in Data/Migrations/Postgres.</summary>
public sealed class PostgresOrderlyDbContext(DbContextOptions<PostgresOrderlyDbContext> options, Audit.AuditActor? actor = null, TimeProvider? time = null,
    Infrastructure.BusinessCalendar? calendar = null)
    : OrderlyDbContext(options, actor, time, calendar);
