using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Orderly.Server.Platform.Persistence;

/// <summary>
/// Writes new rows of one entity type straight into its table, without the change tracker. What to write is read
/// once per entity type from the EF model (<see cref="For"/>): the table, each mapped property's column, its value
/// getter, its value converter and its provider type, the columns the database fills itself (an identity key), the
/// defaults EF would leave to the database. A row therefore holds exactly what <c>SaveChanges</c> would have stored.
/// <para>
/// SQLite: one single-row INSERT prepared once per call on the context's own connection and stepped for each row,
/// values bound by position (<c>?1..?n</c>) with SQLite's C API, converted as Microsoft.Data.Sqlite converts them
/// (<see cref="SqliteValues"/>); no ADO.NET command, no parameter lookup by name. One row per statement on purpose:
/// SQLite gives a statement that may write several rows (a multi-row VALUES is one) a statement journal inside a
/// transaction, a copy of every page it changes, kept in memory up to 64 KiB and then in a temporary file. Sixteen
/// rows per statement wrote 3.2 GB to such files over the bench's imports phase and cost ~20% more CPU per row
/// (docs/performance.md, P13).
/// PostgreSQL (and any other provider): multi-row INSERTs through one prepared command whose parameters are created
/// by the EF type mapping once and only get new values. Always inside the caller's open transaction: a failure
/// rolls back with it.
/// </para>
/// Nothing else of the save pipeline runs: no audit record (see <see cref="BulkInsert"/>, which adds them), no
/// version bump, no domain events, no outbox. For aggregates whose creation needs none of those, or a caller that
/// writes them itself (the order write path can write its orders, lines and reservations with one writer each and
/// the audit records with <see cref="Audit.AuditTrail.Created"/>).
/// </summary>
public sealed class RowWriter
{
    /// <summary>Fewer than PostgreSQL's 65,535 parameters per statement.</summary>
    private const int MaxParameters = 30_000;
    private const int MaxRowsPerStatement = 500;

    private static readonly ConcurrentDictionary<IEntityType, RowWriter> Writers = new();

    private readonly RowColumn[] _columns;
    private readonly RowColumn[] _set;
    private readonly RowColumn[] _keys;
    private readonly RowColumn? _token;
    private readonly string _head;
    private readonly string _update;
    private readonly string _table;
    private readonly bool _sqlite;

    private RowWriter(IEntityType type, DbContext db)
    {
        if (type.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || type.GetComplexProperties().Any())
        {
            throw new NotSupportedException($"{type.ClrType.Name} has owned parts: write each owned type with a writer of its own.");
        }

        var tableName = type.GetTableName() ?? throw new NotSupportedException($"{type.ClrType.Name} is not mapped to a table.");
        var table = StoreObjectIdentifier.Table(tableName, type.GetSchema());
        _sqlite = db.Database.IsSqlite();
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = new List<RowColumn>();
        using var probe = db.Database.GetDbConnection().CreateCommand();
        foreach (var property in type.GetProperties())
        {
            if (property.GetColumnName(table) is not { } column
                || property.ValueGenerated is ValueGenerated.OnAddOrUpdate or ValueGenerated.OnUpdate)
            {
                continue;
            }

            var mapping = property.GetRelationalTypeMapping();
            object? sentinelDefault = null;
            var hasDefault = false;
            if (property.ValueGenerated == ValueGenerated.OnAdd)
            {
                if (property.IsPrimaryKey() && IsInteger(property.ClrType))
                {
                    // The database numbers it (identity, INTEGER PRIMARY KEY); EF leaves it out of the INSERT too.
                    continue;
                }

                if (property.GetDefaultValueSql() is not null || property.GetComputedColumnSql() is not null || !property.TryGetDefaultValue(out var value))
                {
                    throw new NotSupportedException(
                        $"{type.ClrType.Name}.{property.Name} gets its value when added (a generator or SQL default): the row writer cannot fill it.");
                }

                // EF leaves the column out when the property holds its sentinel, so the database's default applies.
                sentinelDefault = value;
                hasDefault = true;
            }

            Func<object, object?> getter;
            if (property.IsShadowProperty())
            {
                if (type.FindDiscriminatorProperty() == property)
                {
                    var discriminator = type.GetDiscriminatorValue();
                    getter = _ => discriminator;
                }
                else
                {
                    throw new NotSupportedException($"{type.ClrType.Name}.{property.Name} is a shadow column: the row writer writes what the entity holds.");
                }
            }
            else
            {
                var clr = property.GetGetter();
                getter = clr.GetClrValueUsingContainingEntity;
            }

            var sentinel = property.Sentinel;
            if (hasDefault)
            {
                var inner = getter;
                getter = entity =>
                {
                    var value = inner(entity);
                    return Equals(value, sentinel) ? sentinelDefault : value;
                };
            }

            var parameter = mapping.CreateParameter(probe, "@probe", null, property.IsNullable);
            var provider = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            columns.Add(new RowColumn(
                property,
                column,
                mapping,
                getter,
                _sqlite ? SqliteValues.KindOf(provider, ((SqliteParameter)parameter).SqliteType, $"{type.ClrType.Name}.{property.Name}") : SqliteValues.Kind.None));
        }

        _columns = [.. columns];
        _table = sql.DelimitIdentifier(table.Name, table.Schema);
        _head = $"INSERT INTO {_table} ({string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Column)))}) VALUES ";

        // An update sets every column but the key and, like EF, checks the concurrency token's original value.
        _keys = [.. _columns.Where(c => c.Property.IsPrimaryKey())];
        _set = [.. _columns.Where(c => !c.Property.IsPrimaryKey())];
        var tokens = _set.Where(c => c.Property.IsConcurrencyToken).ToList();
        _token = tokens.Count <= 1 ? tokens.SingleOrDefault() : null;
        var n = 0;
        string Next() => _sqlite ? "?" + (++n).ToString(CultureInfo.InvariantCulture) : sql.GenerateParameterNamePlaceholder("p" + n++.ToString(CultureInfo.InvariantCulture));
        var assignments = string.Join(", ", _set.Select(c => $"{sql.DelimitIdentifier(c.Column)} = {Next()}"));
        RowColumn[] match = _token is null ? _keys : [.. _keys, _token];
        var where = string.Join(" AND ", match.Select(c => $"{sql.DelimitIdentifier(c.Column)} = {Next()}"));
        _update = _keys.Length == 0 || tokens.Count > 1 ? "" : $"UPDATE {_table} SET {assignments} WHERE {where}";
    }

    /// <summary>The columns written, in statement order.</summary>
    public IReadOnlyList<RowColumn> Columns => _columns;

    /// <summary>The writer of <typeparamref name="T"/>'s table, built once per model.</summary>
    public static RowWriter For<T>(DbContext db)
        where T : class
    {
        var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        return Writers.GetOrAdd(type, (t, context) => new RowWriter(t, context), db);
    }

    /// <summary>Inserts the rows in list order (identity keys follow it) in the context's open transaction.</summary>
    public Task InsertAsync(DbContext db, IReadOnlyList<object> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Rows are written inside an open unit of work (Writes.RunAsync).");
        }

        if (_sqlite)
        {
            ct.ThrowIfCancellationRequested();
            InsertSqlite((SqliteConnection)db.Database.GetDbConnection(), rows);
            return Task.CompletedTask;
        }

        return InsertCommandsAsync(db, rows, ct);
    }

    /// <summary>
    /// Updates existing rows by key, every column but the key set from the entity, in the context's open transaction.
    /// With a concurrency token (a version), <paramref name="originalTokens"/> holds each row's value before the change,
    /// and a row that no longer holds it fails the whole write with <see cref="DbUpdateConcurrencyException"/>, as
    /// <c>SaveChanges</c> does.
    /// </summary>
    public async Task UpdateAsync(DbContext db, IReadOnlyList<object> rows, IReadOnlyList<object?> originalTokens, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (_update.Length == 0)
        {
            throw new NotSupportedException($"{_table} has no key or more than one concurrency token: update it through SaveChanges.");
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Rows are written inside an open unit of work (Writes.RunAsync).");
        }

        if (_sqlite)
        {
            ct.ThrowIfCancellationRequested();
            var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle ?? throw new InvalidOperationException("The connection is not open.");
            SqliteValues.Check(handle, raw.sqlite3_prepare_v2(handle, _update, out var statement));
            using (statement)
            {
                for (var r = 0; r < rows.Count; r++)
                {
                    var index = 1;
                    foreach (var column in _set.Concat(_keys))
                    {
                        SqliteValues.Check(handle, SqliteValues.Bind(statement, index++, column.Kind, ProviderValue(column, column.Getter(rows[r]))));
                    }

                    if (_token is not null)
                    {
                        SqliteValues.Check(handle, SqliteValues.Bind(statement, index, _token.Kind, ProviderValue(_token, originalTokens[r])));
                    }

                    SqliteValues.Step(handle, statement);
                    if (raw.sqlite3_changes(handle) != 1)
                    {
                        throw Conflict(rows[r]);
                    }
                }
            }

            return;
        }

        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction.GetDbTransaction();
        command.CommandText = _update;
        var sql = db.GetService<ISqlGenerationHelper>();
        RowColumn[] all = _token is null ? [.. _set, .. _keys] : [.. _set, .. _keys, _token];
        var parameters = all
            .Select((c, i) => c.Mapping.CreateParameter(command, sql.GenerateParameterNamePlaceholder("p" + i.ToString(CultureInfo.InvariantCulture)), null, c.Property.IsNullable))
            .ToArray();
        command.Parameters.AddRange(parameters);
        await command.PrepareAsync(ct);
        for (var r = 0; r < rows.Count; r++)
        {
            var n = 0;
            foreach (var column in _set.Concat(_keys))
            {
                parameters[n++].Value = ProviderValue(column, column.Getter(rows[r])) ?? DBNull.Value;
            }

            if (_token is not null)
            {
                parameters[n].Value = ProviderValue(_token, originalTokens[r]) ?? DBNull.Value;
            }

            if (await command.ExecuteNonQueryAsync(ct) != 1)
            {
                throw Conflict(rows[r]);
            }
        }
    }

    /// <summary>The token property the update checks, if any.</summary>
    public IProperty? ConcurrencyToken => _token?.Property;

    private DbUpdateConcurrencyException Conflict(object row) =>
        new($"The {_table} row of {string.Join(", ", _keys.Select(k => k.Getter(row)))} was changed or removed since it was read.");

    private static object? ProviderValue(RowColumn column, object? value) =>
        value is not null && column.Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;

    private void InsertSqlite(SqliteConnection connection, IReadOnlyList<object> rows)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        using var statement = Prepare(handle);
        foreach (var row in rows)
        {
            Run(handle, statement, row);
        }
    }

    private sqlite3_stmt Prepare(sqlite3 handle)
    {
        var text = new StringBuilder(_head, _head.Length + (_columns.Length * 6)).Append('(');
        for (var c = 0; c < _columns.Length; c++)
        {
            text.Append(c == 0 ? "?" : ", ?").Append((c + 1).ToString(CultureInfo.InvariantCulture));
        }

        text.Append(')');
        var rc = raw.sqlite3_prepare_v2(handle, text.ToString(), out var statement);
        SqliteValues.Check(handle, rc);
        return statement;
    }

    private void Run(sqlite3 handle, sqlite3_stmt statement, object row)
    {
        var index = 1;
        foreach (var column in _columns)
        {
            SqliteValues.Check(handle, SqliteValues.Bind(statement, index++, column.Kind, ProviderValue(column, column.Getter(row))));
        }

        SqliteValues.Step(handle, statement);
    }

    private async Task InsertCommandsAsync(DbContext db, IReadOnlyList<object> rows, CancellationToken ct)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var perStatement = Math.Clamp(MaxParameters / _columns.Length, 1, MaxRowsPerStatement);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        DbCommand? command = null;
        try
        {
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                if (command is null || command.Parameters.Count != count * _columns.Length)
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }

                    command = Command(connection, transaction, sql, count);
                    await command.PrepareAsync(ct);
                }

                var n = 0;
                for (var r = start; r < start + count; r++)
                {
                    foreach (var column in _columns)
                    {
                        var value = column.Getter(rows[r]);
                        if (value is not null && column.Mapping.Converter is { } converter)
                        {
                            value = converter.ConvertToProvider(value);
                        }

                        command.Parameters[n++].Value = value ?? DBNull.Value;
                    }
                }

                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }

    private DbCommand Command(DbConnection connection, DbTransaction transaction, ISqlGenerationHelper sql, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var text = new StringBuilder(_head, _head.Length + (rows * _columns.Length * 8));
        var n = 0;
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < _columns.Length; c++)
            {
                var name = sql.GenerateParameterNamePlaceholder("p" + n++.ToString(CultureInfo.InvariantCulture));
                text.Append(c == 0 ? name : ", " + name);
                // The type mapping configures the parameter once (its provider type); later rows only set values.
                command.Parameters.Add(_columns[c].Mapping.CreateParameter(command, name, null, _columns[c].Property.IsNullable));
            }

            text.Append(')');
        }

        command.CommandText = text.ToString();
        return command;
    }

    private static bool IsInteger(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(long) || t == typeof(int) || t == typeof(short));
}

/// <summary>One written column: the property, its column name and type mapping, how its value is read, how SQLite binds it.</summary>
public sealed record RowColumn(IProperty Property, string Column, RelationalTypeMapping Mapping, Func<object, object?> Getter, SqliteValues.Kind Kind);

/// <summary>
/// Binds provider values to a SQLite statement by position as Microsoft.Data.Sqlite's own binder does (a test compares
/// the stored values type by type): integers and booleans as INTEGER, floating point as REAL, strings, GUIDs (upper
/// case), dates and decimals as TEXT in its formats, byte arrays as BLOB. Types it would store differently
/// (TimeSpan, TimeOnly, REAL dates) are refused when the writer is built, so nothing is written in another form.
/// </summary>
public static class SqliteValues
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteRow = 100;
    private const int SqliteDone = 101;

    public enum Kind
    {
        None,
        WholeNumber,
        Boolean,
        Real,
        Text,
        GuidText,
        GuidBlob,
        DateTime,
        DateTimeOffset,
        DateOnly,
        DecimalText,
        CharText,
        Blob,
    }

    /// <summary>The binding of a provider type; <paramref name="declared"/> is the parameter's SqliteType as the EF mapping configures it.</summary>
    public static Kind KindOf(Type provider, SqliteType declared, string what)
    {
        var type = Nullable.GetUnderlyingType(provider) ?? provider;
        if (type.IsEnum)
        {
            type = Enum.GetUnderlyingType(type);
        }

        if (type == typeof(bool))
        {
            return Kind.Boolean;
        }

        if (type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte)
            || type == typeof(uint) || type == typeof(ushort) || type == typeof(ulong))
        {
            return Kind.WholeNumber;
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return Kind.Real;
        }

        if (type == typeof(string))
        {
            return Kind.Text;
        }

        if (type == typeof(byte[]))
        {
            return Kind.Blob;
        }

        if (type == typeof(Guid))
        {
            return declared == SqliteType.Blob ? Kind.GuidBlob : Kind.GuidText;
        }

        if (type == typeof(char) && declared != SqliteType.Integer)
        {
            return Kind.CharText;
        }

        if (type == typeof(decimal))
        {
            return Kind.DecimalText;
        }

        if (declared != SqliteType.Real)
        {
            if (type == typeof(DateTime))
            {
                return Kind.DateTime;
            }

            if (type == typeof(DateTimeOffset))
            {
                return Kind.DateTimeOffset;
            }

            if (type == typeof(DateOnly))
            {
                return Kind.DateOnly;
            }
        }

        throw new NotSupportedException($"{what}: the row writer does not bind {type.Name} ({declared}) on SQLite; write it through SaveChanges.");
    }

    /// <summary>Binds one value (already converted to the provider type; null for NULL) to parameter <paramref name="index"/> (1-based).</summary>
    public static int Bind(sqlite3_stmt statement, int index, Kind kind, object? value)
    {
        if (value is null or DBNull)
        {
            return raw.sqlite3_bind_null(statement, index);
        }

        return kind switch
        {
            Kind.Boolean => raw.sqlite3_bind_int64(statement, index, (bool)value ? 1 : 0),
            Kind.WholeNumber => raw.sqlite3_bind_int64(statement, index, value is ulong big ? (long)big : Convert.ToInt64(value, CultureInfo.InvariantCulture)),
            Kind.Real => value is double d && double.IsNaN(d) || value is float f && float.IsNaN(f)
                ? throw new InvalidOperationException("Cannot store 'NaN' values.")
                : raw.sqlite3_bind_double(statement, index, Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            Kind.Text => BindText(statement, index, (string)value),
            Kind.CharText => raw.sqlite3_bind_text16(statement, index, new string((char)value, 1).AsSpan()),
            Kind.GuidText => BindGuid(statement, index, (Guid)value),
            Kind.GuidBlob => raw.sqlite3_bind_blob(statement, index, ((Guid)value).ToByteArray()),
            Kind.DateTime => raw.sqlite3_bind_text16(statement, index,
                ((DateTime)value).ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture).AsSpan()),
            Kind.DateTimeOffset => BindDateTimeOffset(statement, index, (DateTimeOffset)value),
            Kind.DateOnly => raw.sqlite3_bind_text16(statement, index, ((DateOnly)value).ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture).AsSpan()),
            Kind.DecimalText => raw.sqlite3_bind_text16(statement, index, ((decimal)value).ToString("0.0###########################", CultureInfo.InvariantCulture).AsSpan()),
            Kind.Blob => raw.sqlite3_bind_blob(statement, index, (byte[])value),
            _ => throw new InvalidOperationException($"No SQLite binding for {value.GetType().Name}."),
        };
    }

    /// <summary>
    /// Text as UTF-8, encoded here (the database's encoding): SQLite converts UTF-16 it is given a character at a time
    /// when it binds it. Short texts are encoded on the stack, long ones in a pooled buffer.
    /// </summary>
    private static int BindText(sqlite3_stmt statement, int index, string value)
    {
        if (value.Length <= 256)
        {
            Span<byte> utf8 = stackalloc byte[value.Length * 3];
            return raw.sqlite3_bind_text(statement, index, utf8[..Encoding.UTF8.GetBytes(value, utf8)]);
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            return raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, Encoding.UTF8.GetBytes(value, buffer)));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Upper case, as <c>Guid.ToString().ToUpper()</c>, formatted on the stack.</summary>
    private static int BindGuid(sqlite3_stmt statement, int index, Guid value)
    {
        Span<char> text = stackalloc char[36];
        value.TryFormat(text, out _);
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = char.ToUpperInvariant(text[i]);
        }

        return raw.sqlite3_bind_text16(statement, index, text);
    }

    private static int BindDateTimeOffset(sqlite3_stmt statement, int index, DateTimeOffset value)
    {
        Span<char> text = stackalloc char[48];
        value.TryFormat(text, out var written, @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        return raw.sqlite3_bind_text16(statement, index, text[..written]);
    }

    /// <summary>Runs the statement to its end and resets it for the next values; SQLITE_BUSY is waited out as the provider does.</summary>
    public static void Step(sqlite3 handle, sqlite3_stmt statement)
    {
        var waited = 0;
        while (true)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc is SqliteDone or SqliteRow)
            {
                raw.sqlite3_reset(statement);
                return;
            }

            raw.sqlite3_reset(statement);
            if (rc is SqliteBusy or SqliteLocked && waited < 30_000)
            {
                Thread.Sleep(20);
                waited += 20;
                continue;
            }

            Check(handle, rc);
        }
    }

    /// <summary>Throws the provider's <see cref="SqliteException"/> for an error code, with SQLite's message.</summary>
    public static void Check(sqlite3 handle, int rc)
    {
        if (rc is 0 or SqliteRow or SqliteDone)
        {
            return;
        }

        throw new SqliteException(
            $"SQLite Error {rc}: '{raw.sqlite3_errmsg(handle).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(handle));
    }
}
