using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Orderly.Server.Data;

namespace Orderly.Server.Demo;

/// <summary>
/// Multi-row INSERTs built from the EF model (table, column names and value converters of each entity), inside the
/// context's current transaction. The demo history is millions of rows of the past: going through SaveChanges would
/// cost change tracking and an audit record per order, stamped today, for events that happened months ago.
/// </summary>
internal sealed class DemoBulkInsert(OrderlyDbContext db)
{
    /// <summary>
    /// Microsoft.Data.Sqlite matches each statement parameter to the command's by a linear search, so a statement with
    /// thousands of parameters costs quadratic time; measured, 120 per statement is as fast as SQLite gets. PostgreSQL
    /// gains from fewer round trips and stays well below its limit of 65,535.
    /// </summary>
    private readonly int _maxParameters = db.Database.IsSqlite() ? 120 : 30_000;
    private const int MaxRowsPerStatement = 500;

    private readonly ISqlGenerationHelper _sql = db.GetService<ISqlGenerationHelper>();

    public Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken ct)
        where T : class =>
        InsertAsync(typeof(T), rows.Count, i => rows[i], _ => null, ct);

    /// <summary>Inserts the rows of an owned collection (receipt lines, shipment lines) with their owner's key.</summary>
    public Task InsertOwnedAsync<TOwner, T>(IReadOnlyList<TOwner> owners, Func<TOwner, IEnumerable<T>> items, Func<TOwner, Guid> key, CancellationToken ct)
        where T : class
    {
        var rows = owners.SelectMany(o => items(o).Select(item => (Owner: key(o), Item: item))).ToList();
        return InsertAsync(typeof(T), rows.Count, i => rows[i].Item, i => rows[i].Owner, ct);
    }

    private async Task InsertAsync(Type type, int count, Func<int, object> row, Func<int, object?> owner, CancellationToken ct)
    {
        if (count == 0)
        {
            return;
        }

        var entityType = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
        var table = entityType.GetTableName() ?? throw new InvalidOperationException($"{type.Name} has no table.");
        var columns = ColumnsOf(entityType, StoreObjectIdentifier.Table(table, entityType.GetSchema()));
        var perStatement = Math.Clamp(_maxParameters / columns.Count, 1, MaxRowsPerStatement);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var names = new string[perStatement * columns.Count];
        for (var i = 0; i < names.Length; i++)
        {
            // The placeholder itself ("@p0") as the name: the SQLite provider then binds without trying each prefix.
            names[i] = _sql.GenerateParameterNamePlaceholder(string.Create(CultureInfo.InvariantCulture, $"p{i}"));
        }

        var prepared = 0;
        var parameters = Array.Empty<DbParameter>();
        for (var start = 0; start < count; start += perStatement)
        {
            var rows = Math.Min(perStatement, count - start);
            if (rows != prepared)
            {
                // The type mapping configures each parameter once (e.g. GUIDs as TEXT on SQLite); later rows only set values.
                command.CommandText = InsertSql(table, columns, rows, names);
                command.Parameters.Clear();
                parameters = new DbParameter[rows * columns.Count];
                for (var i = 0; i < parameters.Length; i++)
                {
                    var column = columns[i % columns.Count];
                    parameters[i] = column.Mapping.CreateParameter(command, names[i], null, column.Nullable);
                    command.Parameters.Add(parameters[i]);
                }

                prepared = rows;
            }

            for (var r = 0; r < rows; r++)
            {
                var entity = row(start + r);
                for (var c = 0; c < columns.Count; c++)
                {
                    var column = columns[c];
                    var value = column.Getter is { } getter ? getter.GetClrValueUsingContainingEntity(entity) : owner(start + r);
                    parameters[(r * columns.Count) + c].Value = column.ToProvider(value);
                }
            }

            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Every mapped column, the owner's key for owned rows, but not the identity key the database generates for them.</summary>
    private static List<Column> ColumnsOf(IEntityType entityType, StoreObjectIdentifier table)
    {
        var columns = new List<Column>();
        foreach (var property in entityType.GetProperties())
        {
            if (property.GetColumnName(table) is not { } name)
            {
                continue;
            }

            var mapping = property.GetRelationalTypeMapping();
            if (property.IsShadowProperty() && property.IsPrimaryKey())
            {
                continue;
            }

            if (property.IsShadowProperty() && !property.IsForeignKey())
            {
                throw new InvalidOperationException($"{entityType.DisplayName()}.{property.Name} is a shadow column the demo seed cannot fill.");
            }

            columns.Add(new Column(name, mapping, property.IsShadowProperty() ? null : property.GetGetter(), property.IsNullable));
        }

        return columns;
    }

    private string InsertSql(string table, List<Column> columns, int rows, string[] names)
    {
        var sql = new StringBuilder("INSERT INTO ").Append(_sql.DelimitIdentifier(table)).Append(" (");
        sql.AppendJoin(", ", columns.Select(c => _sql.DelimitIdentifier(c.Name))).Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                sql.Append(c == 0 ? "" : ", ").Append(names[(r * columns.Count) + c]);
            }

            sql.Append(')');
        }

        return sql.ToString();
    }

    private sealed record Column(string Name, RelationalTypeMapping Mapping, IClrPropertyGetter? Getter, bool Nullable)
    {
        public object ToProvider(object? value)
        {
            if (Mapping.Converter is { } converter)
            {
                value = converter.ConvertToProvider(value);
            }
            else if (value is Enum number)
            {
                value = Convert.ChangeType(number, Enum.GetUnderlyingType(number.GetType()), CultureInfo.InvariantCulture);
            }

            return value ?? DBNull.Value;
        }
    }
}
