using Microsoft.EntityFrameworkCore;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Data;

/// <summary>The context as run on SQLite; its migrations live in Data/Migrations/Sqlite.</summary>
public sealed class SqliteOrderlyDbContext(DbContextOptions<SqliteOrderlyDbContext> options, Caller? caller = null, TimeProvider? time = null,
    BusinessCalendar? calendar = null, EventBuffer? events = null)
    : OrderlyDbContext(options, caller, time, calendar, events);

/// <summary>The context as run on PostgreSQL; its migrations live in Data/Migrations/Postgres.</summary>
public sealed class PostgresOrderlyDbContext(DbContextOptions<PostgresOrderlyDbContext> options, Caller? caller = null, TimeProvider? time = null,
    BusinessCalendar? calendar = null, EventBuffer? events = null)
    : OrderlyDbContext(options, caller, time, calendar, events);
