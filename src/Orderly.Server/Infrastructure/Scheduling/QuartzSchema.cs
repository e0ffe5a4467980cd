using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>
/// The tables of Quartz.NET's clustered ADO.NET job store (Quartz 4.7's standard schema for each provider, under our
/// <c>quartz_</c> prefix and snake_case names). Every statement only creates what is missing, so running them on each
/// start is harmless; a migration may run <see cref="For"/>'s statements instead.
/// </summary>
public static partial class QuartzSchema
{
    public const string TablePrefix = "quartz_";

    private const long SchemaLockKey = 0x0_5155_4152_545A; // "QUARTZ"

    public static IReadOnlyList<string> For(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? PostgresStatements : SqliteStatements;

    /// <summary>Creates the tables that are missing, in one transaction.</summary>
    public static async Task EnsureAsync(OrderlyDbContext db, CancellationToken ct)
    {
        var provider = db.Database.IsNpgsql() ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await EnsureAsync(connection, provider, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Creates the tables that are missing on an open connection, in one transaction.</summary>
    public static async Task EnsureAsync(DbConnection connection, DatabaseProvider provider, CancellationToken ct)
    {
        if (provider == DatabaseProvider.Postgres && await AllPresentAsync(connection, ct))
        {
            // Nothing to create, so no DDL at all: CREATE INDEX IF NOT EXISTS takes its table's share lock before it
            // looks for the index, and a node starting beside a running one (whose scheduler holds row locks on the
            // same tables) deadlocked on them (40P01, seen in the two-node tests).
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (provider == DatabaseProvider.Postgres)
        {
            // Nodes starting together would race CREATE TABLE IF NOT EXISTS into a unique violation on pg_type.
            await using var wait = connection.CreateCommand();
            wait.Transaction = transaction;
            wait.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLockKey})";
            await wait.ExecuteNonQueryAsync(ct);
        }

        foreach (var statement in For(provider))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Whether every table and index the statements create exists already (read from the catalog, no locks).</summary>
    private static async Task<bool> AllPresentAsync(DbConnection connection, CancellationToken ct)
    {
        var wanted = PostgresStatements.Select(s => ObjectName().Match(s)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname LIKE '%quartz%'";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            wanted.Remove(reader.GetString(0));
        }

        return wanted.Count == 0;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)")]
    private static partial System.Text.RegularExpressions.Regex ObjectName();

    private static readonly string[] PostgresStatements =
    [
        """
        CREATE TABLE IF NOT EXISTS quartz_job_details (
          sched_name text not null,
          job_name text not null,
          job_group text not null,
          description text null,
          job_class_name text not null,
          is_durable bool not null,
          is_nonconcurrent bool not null,
          is_update_data bool not null,
          requests_recovery bool not null,
          job_data bytea null,
          primary key (sched_name,job_name,job_group)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_triggers (
          sched_name text not null,
          trigger_name text not null,
          trigger_group text not null,
          job_name text not null,
          job_group text not null,
          description text null,
          next_fire_time bigint null,
          prev_fire_time bigint null,
          priority integer null,
          trigger_state text not null,
          trigger_type text not null,
          start_time bigint not null,
          end_time bigint null,
          calendar_name text null,
          misfire_instr smallint null,
          misfire_orig_fire_time bigint null,
          execution_group varchar(200) null,
          preferred_node varchar(200) null,
          preferred_node_auto bool not null default false,
          retry_policy varchar(250) null,
          retry_attempt integer null,
          continues_trigger_name text null,
          continues_trigger_group text null,
          continuation_condition integer null,
          overlap_policy integer null,
          pause_reason varchar(250) null,
          paused_by varchar(200) null,
          paused_at bigint null,
          misfire_threshold bigint null,
          fixed_delay bool null,
          job_data bytea null,
          primary key (sched_name,trigger_name,trigger_group),
          foreign key (sched_name,job_name,job_group) references quartz_job_details (sched_name,job_name,job_group)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_simple_triggers (
          sched_name text not null,
          trigger_name text not null,
          trigger_group text not null,
          repeat_count bigint not null,
          repeat_interval bigint not null,
          times_triggered bigint not null,
          primary key (sched_name,trigger_name,trigger_group),
          foreign key (sched_name,trigger_name,trigger_group) references quartz_triggers (sched_name,trigger_name,trigger_group) on delete cascade
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_cron_triggers (
          sched_name text not null,
          trigger_name text not null,
          trigger_group text not null,
          cron_expression text not null,
          time_zone_id text,
          primary key (sched_name,trigger_name,trigger_group),
          foreign key (sched_name,trigger_name,trigger_group) references quartz_triggers (sched_name,trigger_name,trigger_group) on delete cascade
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_simprop_triggers (
          sched_name text not null,
          trigger_name text not null,
          trigger_group text not null,
          str_prop_1 text null,
          str_prop_2 text null,
          str_prop_3 text null,
          int_prop_1 integer null,
          int_prop_2 integer null,
          long_prop_1 bigint null,
          long_prop_2 bigint null,
          dec_prop_1 numeric null,
          dec_prop_2 numeric null,
          bool_prop_1 bool null,
          bool_prop_2 bool null,
          time_zone_id text null,
          primary key (sched_name,trigger_name,trigger_group),
          foreign key (sched_name,trigger_name,trigger_group) references quartz_triggers (sched_name,trigger_name,trigger_group) on delete cascade
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_blob_triggers (
          sched_name text not null,
          trigger_name text not null,
          trigger_group text not null,
          blob_data bytea null,
          primary key (sched_name,trigger_name,trigger_group),
          foreign key (sched_name,trigger_name,trigger_group) references quartz_triggers (sched_name,trigger_name,trigger_group) on delete cascade
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_calendars (
          sched_name text not null,
          calendar_name text not null,
          calendar bytea not null,
          primary key (sched_name,calendar_name)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_paused_trigger_grps (
          sched_name text not null,
          trigger_group text not null,
          pause_reason varchar(250) null,
          paused_by varchar(200) null,
          paused_at bigint null,
          primary key (sched_name,trigger_group)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_paused_job_grps (
          sched_name text not null,
          job_group text not null,
          pause_reason varchar(250) null,
          paused_by varchar(200) null,
          paused_at bigint null,
          primary key (sched_name,job_group)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_fired_triggers (
          sched_name text not null,
          entry_id text not null,
          trigger_name text not null,
          trigger_group text not null,
          instance_name text not null,
          fired_time bigint not null,
          sched_time bigint not null,
          priority integer not null,
          state text not null,
          job_name text null,
          job_group text null,
          is_nonconcurrent bool not null,
          requests_recovery bool null,
          execution_group varchar(200) null,
          progress integer null,
          progress_message varchar(250) null,
          interrupt_requested_time bigint null,
          primary key (sched_name,entry_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_scheduler_state (
          sched_name text not null,
          instance_name text not null,
          last_checkin_time bigint not null,
          checkin_interval bigint not null,
          quartz_version varchar(20) null,
          primary key (sched_name,instance_name)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_locks (
          sched_name text not null,
          lock_name text not null,
          primary key (sched_name,lock_name)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_execution_history (
          sched_name text not null,
          entry_id text not null,
          instance_name text not null,
          job_name text not null,
          job_group text not null,
          trigger_name text not null,
          trigger_group text not null,
          fired_time bigint not null,
          run_time bigint not null,
          succeeded bool not null,
          error_message text null,
          retry_attempt integer not null default 0,
          retry_scheduled bool not null default false,
          execution_log text null,
          result integer null,
          summary text null,
          metrics text null,
          manual bool null,
          fire_instance_id text null,
          job_input text null,
          job_input_too_large bool null,
          primary key (sched_name,entry_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_misfire_history (
          sched_name text not null,
          entry_id text not null,
          instance_name text not null,
          trigger_name text not null,
          trigger_group text not null,
          job_name text null,
          job_group text null,
          misfire_time bigint not null,
          sched_time bigint null,
          reason integer null,
          primary key (sched_name,entry_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_job_status (
          sched_name text not null,
          job_group text not null,
          job_name text not null,
          first_fired_time bigint not null,
          last_fired_time bigint not null,
          last_result integer not null,
          last_run_time bigint not null,
          last_instance_name text not null,
          last_entry_id text null,
          last_summary text null,
          last_success_time bigint null,
          last_failure_time bigint null,
          last_failure_message text null,
          consecutive_failures integer not null default 0,
          run_count bigint not null default 0,
          failure_count bigint not null default 0,
          primary key (sched_name,job_group,job_name)
        )
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_j_g_n ON quartz_job_details (sched_name, job_group, job_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_t_j ON quartz_triggers (sched_name, job_name, job_group)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_t_g_n ON quartz_triggers (sched_name, trigger_group, trigger_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_t_c ON quartz_triggers (sched_name, calendar_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_t_nft_st ON quartz_triggers (sched_name, trigger_state, next_fire_time asc, priority desc, misfire_instr)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_ft_inst_job_req_rcvry ON quartz_fired_triggers (sched_name, instance_name, requests_recovery)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_ft_j_g ON quartz_fired_triggers (sched_name, job_name, job_group)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_ft_t_g ON quartz_fired_triggers (sched_name, trigger_name, trigger_group)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_fired_time ON quartz_execution_history (sched_name, fired_time)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_inst ON quartz_execution_history (sched_name, instance_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_mh_misfire_time ON quartz_misfire_history (sched_name, misfire_time)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_mh_inst ON quartz_misfire_history (sched_name, instance_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_job_time ON quartz_execution_history (sched_name, job_group, job_name, fired_time)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_fire_inst ON quartz_execution_history (sched_name, fire_instance_id)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_trig_time ON quartz_execution_history (sched_name, trigger_group, trigger_name, fired_time)
        """,
    ];

    private static readonly string[] SqliteStatements =
    [
        """
        CREATE TABLE IF NOT EXISTS quartz_job_details (
          sched_name NVARCHAR(120) NOT NULL,
          job_name NVARCHAR(150) NOT NULL,
          job_group NVARCHAR(150) NOT NULL,
          description NVARCHAR(250) NULL,
          job_class_name NVARCHAR(250) NOT NULL,
          is_durable BIT NOT NULL,
          is_nonconcurrent BIT NOT NULL,
          is_update_data BIT NOT NULL,
          requests_recovery BIT NOT NULL,
          job_data BLOB NULL,
          PRIMARY KEY (sched_name,job_name,job_group)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_triggers (
          sched_name NVARCHAR(120) NOT NULL,
          trigger_name NVARCHAR(150) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          job_name NVARCHAR(150) NOT NULL,
          job_group NVARCHAR(150) NOT NULL,
          description NVARCHAR(250) NULL,
          next_fire_time BIGINT NULL,
          prev_fire_time BIGINT NULL,
          priority INTEGER NULL,
          trigger_state NVARCHAR(16) NOT NULL,
          trigger_type NVARCHAR(8) NOT NULL,
          start_time BIGINT NOT NULL,
          end_time BIGINT NULL,
          calendar_name NVARCHAR(200) NULL,
          misfire_instr INTEGER NULL,
          misfire_orig_fire_time INTEGER NULL,
          execution_group NVARCHAR(200) NULL,
          preferred_node NVARCHAR(200) NULL,
          preferred_node_auto BIT NOT NULL DEFAULT 0,
          retry_policy NVARCHAR(250) NULL,
          retry_attempt INTEGER NULL,
          continues_trigger_name NVARCHAR(150) NULL,
          continues_trigger_group NVARCHAR(150) NULL,
          continuation_condition INTEGER NULL,
          overlap_policy INTEGER NULL,
          pause_reason NVARCHAR(250) NULL,
          paused_by NVARCHAR(200) NULL,
          paused_at BIGINT NULL,
          misfire_threshold BIGINT NULL,
          fixed_delay BIT NULL,
          job_data BLOB NULL,
          PRIMARY KEY (sched_name,trigger_name,trigger_group),
          FOREIGN KEY (sched_name,job_name,job_group) REFERENCES quartz_job_details (sched_name,job_name,job_group)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_simple_triggers (
          sched_name NVARCHAR(120) NOT NULL,
          trigger_name NVARCHAR(150) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          repeat_count BIGINT NOT NULL,
          repeat_interval BIGINT NOT NULL,
          times_triggered BIGINT NOT NULL,
          PRIMARY KEY (sched_name,trigger_name,trigger_group),
          FOREIGN KEY (sched_name,trigger_name,trigger_group) REFERENCES quartz_triggers (sched_name,trigger_name,trigger_group) ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_cron_triggers (
          sched_name NVARCHAR(120) NOT NULL,
          trigger_name NVARCHAR(150) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          cron_expression NVARCHAR(250) NOT NULL,
          time_zone_id NVARCHAR(80),
          PRIMARY KEY (sched_name,trigger_name,trigger_group),
          FOREIGN KEY (sched_name,trigger_name,trigger_group) REFERENCES quartz_triggers (sched_name,trigger_name,trigger_group) ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_simprop_triggers (
          sched_name NVARCHAR(120) NOT NULL,
          trigger_name NVARCHAR(150) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          str_prop_1 NVARCHAR(512) NULL,
          str_prop_2 NVARCHAR(512) NULL,
          str_prop_3 NVARCHAR(512) NULL,
          int_prop_1 INT NULL,
          int_prop_2 INT NULL,
          long_prop_1 BIGINT NULL,
          long_prop_2 BIGINT NULL,
          dec_prop_1 NUMERIC NULL,
          dec_prop_2 NUMERIC NULL,
          bool_prop_1 BIT NULL,
          bool_prop_2 BIT NULL,
          time_zone_id NVARCHAR(80) NULL,
          PRIMARY KEY (sched_name,trigger_name,trigger_group),
          FOREIGN KEY (sched_name,trigger_name,trigger_group) REFERENCES quartz_triggers (sched_name,trigger_name,trigger_group) ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_blob_triggers (
          sched_name NVARCHAR(120) NOT NULL,
          trigger_name NVARCHAR(150) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          blob_data BLOB NULL,
          PRIMARY KEY (sched_name,trigger_name,trigger_group),
          FOREIGN KEY (sched_name,trigger_name,trigger_group) REFERENCES quartz_triggers (sched_name,trigger_name,trigger_group) ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_calendars (
          sched_name NVARCHAR(120) NOT NULL,
          calendar_name NVARCHAR(200) NOT NULL,
          calendar BLOB NOT NULL,
          PRIMARY KEY (sched_name,calendar_name)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_paused_trigger_grps (
          sched_name NVARCHAR(120) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          pause_reason NVARCHAR(250) NULL,
          paused_by NVARCHAR(200) NULL,
          paused_at BIGINT NULL,
          PRIMARY KEY (sched_name,trigger_group)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_paused_job_grps (
          sched_name NVARCHAR(120) NOT NULL,
          job_group NVARCHAR(150) NOT NULL,
          pause_reason NVARCHAR(250) NULL,
          paused_by NVARCHAR(200) NULL,
          paused_at BIGINT NULL,
          PRIMARY KEY (sched_name,job_group)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_fired_triggers (
          sched_name NVARCHAR(120) NOT NULL,
          entry_id NVARCHAR(140) NOT NULL,
          trigger_name NVARCHAR(150) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          instance_name NVARCHAR(200) NOT NULL,
          fired_time BIGINT NOT NULL,
          sched_time BIGINT NOT NULL,
          priority INTEGER NOT NULL,
          state NVARCHAR(16) NOT NULL,
          job_name NVARCHAR(150) NULL,
          job_group NVARCHAR(150) NULL,
          is_nonconcurrent BIT NULL,
          requests_recovery BIT NULL,
          execution_group NVARCHAR(200) NULL,
          progress INTEGER NULL,
          progress_message NVARCHAR(250) NULL,
          interrupt_requested_time BIGINT NULL,
          PRIMARY KEY (sched_name,entry_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_scheduler_state (
          sched_name NVARCHAR(120) NOT NULL,
          instance_name NVARCHAR(200) NOT NULL,
          last_checkin_time BIGINT NOT NULL,
          checkin_interval BIGINT NOT NULL,
          quartz_version NVARCHAR(20) NULL,
          PRIMARY KEY (sched_name,instance_name)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_locks (
          sched_name NVARCHAR(120) NOT NULL,
          lock_name NVARCHAR(40) NOT NULL,
          PRIMARY KEY (sched_name,lock_name)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_execution_history (
          sched_name NVARCHAR(120) NOT NULL,
          entry_id NVARCHAR(140) NOT NULL,
          instance_name NVARCHAR(200) NOT NULL,
          job_name NVARCHAR(150) NOT NULL,
          job_group NVARCHAR(150) NOT NULL,
          trigger_name NVARCHAR(150) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          fired_time BIGINT NOT NULL,
          run_time BIGINT NOT NULL,
          succeeded BIT NOT NULL,
          error_message NVARCHAR(1000) NULL,
          retry_attempt INTEGER NOT NULL DEFAULT 0,
          retry_scheduled BIT NOT NULL DEFAULT 0,
          execution_log TEXT NULL,
          result INTEGER NULL,
          summary NVARCHAR(1000) NULL,
          metrics TEXT NULL,
          manual BIT NULL,
          fire_instance_id NVARCHAR(140) NULL,
          job_input TEXT NULL,
          job_input_too_large BIT NULL,
          PRIMARY KEY (sched_name,entry_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_misfire_history (
          sched_name NVARCHAR(120) NOT NULL,
          entry_id NVARCHAR(140) NOT NULL,
          instance_name NVARCHAR(200) NOT NULL,
          trigger_name NVARCHAR(150) NOT NULL,
          trigger_group NVARCHAR(150) NOT NULL,
          job_name NVARCHAR(150) NULL,
          job_group NVARCHAR(150) NULL,
          misfire_time BIGINT NOT NULL,
          sched_time BIGINT NULL,
          reason INTEGER NULL,
          PRIMARY KEY (sched_name,entry_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS quartz_job_status (
          sched_name NVARCHAR(120) NOT NULL,
          job_group NVARCHAR(150) NOT NULL,
          job_name NVARCHAR(150) NOT NULL,
          first_fired_time BIGINT NOT NULL,
          last_fired_time BIGINT NOT NULL,
          last_result INTEGER NOT NULL,
          last_run_time BIGINT NOT NULL,
          last_instance_name NVARCHAR(200) NOT NULL,
          last_entry_id NVARCHAR(140) NULL,
          last_summary NVARCHAR(1000) NULL,
          last_success_time BIGINT NULL,
          last_failure_time BIGINT NULL,
          last_failure_message NVARCHAR(1000) NULL,
          consecutive_failures INTEGER NOT NULL DEFAULT 0,
          run_count BIGINT NOT NULL DEFAULT 0,
          failure_count BIGINT NOT NULL DEFAULT 0,
          PRIMARY KEY (sched_name,job_group,job_name)
        )
        """,
        """
        CREATE TRIGGER IF NOT EXISTS quartz_delete_simple_trigger DELETE ON quartz_triggers
        BEGIN
          DELETE FROM quartz_simple_triggers WHERE sched_name=OLD.sched_name AND trigger_name=OLD.trigger_name AND trigger_group=OLD.trigger_group;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS quartz_delete_simprop_trigger DELETE ON quartz_triggers
        BEGIN
          DELETE FROM quartz_simprop_triggers WHERE sched_name=OLD.sched_name AND trigger_name=OLD.trigger_name AND trigger_group=OLD.trigger_group;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS quartz_delete_cron_trigger DELETE ON quartz_triggers
        BEGIN
          DELETE FROM quartz_cron_triggers WHERE sched_name=OLD.sched_name AND trigger_name=OLD.trigger_name AND trigger_group=OLD.trigger_group;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS quartz_delete_blob_trigger DELETE ON quartz_triggers
        BEGIN
          DELETE FROM quartz_blob_triggers WHERE sched_name=OLD.sched_name AND trigger_name=OLD.trigger_name AND trigger_group=OLD.trigger_group;
        END
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_j_g_n ON quartz_job_details(sched_name,job_group,job_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_t_j ON quartz_triggers(sched_name,job_name,job_group)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_t_g_n ON quartz_triggers(sched_name,trigger_group,trigger_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_t_c ON quartz_triggers(sched_name,calendar_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_t_nft_st ON quartz_triggers(sched_name,trigger_state,next_fire_time ASC,priority DESC,misfire_instr)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_ft_inst_job_req_rcvry ON quartz_fired_triggers(sched_name,instance_name,requests_recovery)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_ft_j_g ON quartz_fired_triggers(sched_name,job_name,job_group)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_ft_t_g ON quartz_fired_triggers(sched_name,trigger_name,trigger_group)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_fired_time ON quartz_execution_history(sched_name,fired_time)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_inst ON quartz_execution_history(sched_name,instance_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_mh_misfire_time ON quartz_misfire_history(sched_name,misfire_time)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_mh_inst ON quartz_misfire_history(sched_name,instance_name)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_job_time ON quartz_execution_history(sched_name,job_group,job_name,fired_time)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_fire_inst ON quartz_execution_history(sched_name,fire_instance_id)
        """,
        """
        CREATE INDEX IF NOT EXISTS idx_quartz_eh_trig_time ON quartz_execution_history(sched_name,trigger_group,trigger_name,fired_time)
        """,
    ];
}
