using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Data;
using Orderly.Server.Data.CompiledModels.Postgres;
using Orderly.Server.Data.CompiledModels.Sqlite;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Tests.Architecture;

/// <summary>
/// The server runs on the compiled models in Data/CompiledModels (P11: building the model took most of a start). A model
/// change that is not regenerated would make the server map entities to columns that no longer exist, or miss new
/// ones; so each provider's compiled model is compared with the model built from today's configurations, through the
/// server's own DbContext registration. No database is opened.
/// </summary>
public sealed class CompiledModelTests
{
    private const string Regenerate = "The compiled model is stale: regenerate it with scripts/compiled-model.sh (both providers) and commit Data/CompiledModels.";

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_IsWhatTheServerRunsOn_UnlessSwitchedOff(string provider)
    {
        using var compiled = new ServerContext(provider, compiledModel: true);
        using var built = new ServerContext(provider, compiledModel: false);

        Assert.IsType(CompiledModelType(provider), compiled.Db.Model);
        Assert.IsNotType(CompiledModelType(provider), built.Db.Model);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_MatchesTheModelBuiltFromTheConfigurations(string provider)
    {
        using var compiled = new ServerContext(provider, compiledModel: true);
        using var built = new ServerContext(provider, compiledModel: false);

        var tables = Compare(DescribeTables(compiled.Db.Model), DescribeTables(built.Db.Model));
        var entities = Compare(Describe(compiled.Db.Model), Describe(built.Db.Model));

        Assert.True(tables.OnlyLeft.Count == 0 && tables.OnlyRight.Count == 0, $"{Regenerate}\nThe tables differ ({provider}):\n{Listed(tables)}");
        Assert.True(entities.OnlyLeft.Count == 0 && entities.OnlyRight.Count == 0, $"{Regenerate}\nThe entity types differ ({provider}):\n{Listed(entities)}");
        Assert.Equal(built.Db.Model.GetEntityTypes().Count(), compiled.Db.Model.GetEntityTypes().Count());
        Assert.Equal(built.Db.Model.GetEntityTypes().Sum(e => e.GetProperties().Count()), compiled.Db.Model.GetEntityTypes().Sum(e => e.GetProperties().Count()));
    }

    [Fact]
    public void StalenessCheck_WouldCatchADifferentModel()
    {
        // The SQLite and PostgreSQL models differ in column types and lengths: a check that finds nothing between them
        // is not checking.
        using var sqlite = new ServerContext("sqlite", compiledModel: true);
        using var postgres = new ServerContext("postgres", compiledModel: false);

        var tables = Compare(DescribeTables(sqlite.Db.Model), DescribeTables(postgres.Db.Model));
        var entities = Compare(Describe(sqlite.Db.Model), Describe(postgres.Db.Model));

        Assert.NotEmpty(tables.OnlyLeft);
        Assert.NotEmpty(tables.OnlyRight);
        Assert.NotEmpty(entities.OnlyLeft);
        Assert.NotEmpty(entities.OnlyRight);
        Assert.Contains("compiled only: ", Listed(tables), StringComparison.Ordinal);
    }

    private static Type CompiledModelType(string provider) =>
        provider == "sqlite" ? typeof(SqliteOrderlyDbContextModel) : typeof(PostgresOrderlyDbContextModel);

    /// <summary>
    /// The tables the model maps to, one line per table, column, key, index and foreign key. (IMigrationsModelDiffer
    /// cannot be used here: it reads design-time annotations, such as collations, that a read-optimized model drops.)
    /// </summary>
    private static SortedSet<string> DescribeTables(IModel model)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var table in model.GetRelationalModel().Tables)
        {
            var name = table.Name;
            lines.Add($"table {name}");
            foreach (var column in table.Columns)
            {
                lines.Add($"table {name} column {column.Name} {column.StoreType} null {column.IsNullable} provider type {column.ProviderClrType.Name}");
            }

            lines.Add($"table {name} primary key {table.PrimaryKey?.Name} ({Columns(table.PrimaryKey?.Columns ?? [])})");
            foreach (var unique in table.UniqueConstraints)
            {
                lines.Add($"table {name} unique {unique.Name} ({Columns(unique.Columns)})");
            }

            foreach (var index in table.Indexes)
            {
                lines.Add($"table {name} index {index.Name} ({Columns(index.Columns)}) unique {index.IsUnique} filter {index.Filter}");
            }

            foreach (var foreignKey in table.ForeignKeyConstraints)
            {
                lines.Add($"table {name} foreign key {foreignKey.Name} ({Columns(foreignKey.Columns)}) -> {foreignKey.PrincipalTable.Name} "
                    + $"({Columns(foreignKey.PrincipalColumns)}) on delete {foreignKey.OnDeleteAction}");
            }
        }

        return lines;
    }

    private static string Columns(IEnumerable<IColumn> columns) => string.Join(',', columns.Select(c => c.Name));

    /// <summary>What the server maps and how, one line per entity type, property, key, foreign key, navigation and index.</summary>
    private static SortedSet<string> Describe(IModel model)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entity in model.GetEntityTypes())
        {
            var name = entity.Name;
            lines.Add($"{name} table {entity.GetTableName()} owned {entity.IsOwned()} base {entity.BaseType?.Name}");
            foreach (var property in entity.GetProperties())
            {
                var converter = property.GetTypeMapping().Converter;
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{name}.{property.Name}: {property.ClrType.Name} column {property.GetColumnName()} {property.GetColumnType()} null {property.IsNullable} "
                    + $"max {property.GetMaxLength()} precision {property.GetPrecision()},{property.GetScale()} generated {property.ValueGenerated} "
                    + $"concurrency {property.IsConcurrencyToken} shadow {property.IsShadowProperty()} field {property.FieldInfo?.Name} "
                    + $"converted to {converter?.ProviderClrType.Name}"));
            }

            foreach (var key in entity.GetKeys())
            {
                lines.Add($"{name} key {string.Join(',', key.Properties.Select(p => p.Name))} primary {key.IsPrimaryKey()}");
            }

            foreach (var foreignKey in entity.GetForeignKeys())
            {
                lines.Add($"{name} foreign key {string.Join(',', foreignKey.Properties.Select(p => p.Name))} -> {foreignKey.PrincipalEntityType.Name} "
                    + $"delete {foreignKey.DeleteBehavior} required {foreignKey.IsRequired} unique {foreignKey.IsUnique} ownership {foreignKey.IsOwnership}");
            }

            foreach (var navigation in entity.GetNavigations())
            {
                lines.Add($"{name} navigation {navigation.Name} -> {navigation.TargetEntityType.Name} collection {navigation.IsCollection} field {navigation.FieldInfo?.Name}");
            }

            foreach (var index in entity.GetIndexes())
            {
                lines.Add($"{name} index {index.GetDatabaseName()} on {string.Join(',', index.Properties.Select(p => p.Name))} unique {index.IsUnique} filter {index.GetFilter()}");
            }
        }

        return lines;
    }

    private static (List<string> OnlyLeft, List<string> OnlyRight) Compare(SortedSet<string> compiled, SortedSet<string> built) =>
        ([.. compiled.Except(built)], [.. built.Except(compiled)]);

    private static string Listed((List<string> OnlyLeft, List<string> OnlyRight) difference) => string.Join('\n',
        difference.OnlyLeft.Take(20).Select(l => "  compiled only: " + l).Concat(difference.OnlyRight.Take(20).Select(l => "  built only:    " + l)));

    /// <summary>The server's own registration of the context (<see cref="DatabaseSetup.AddOrderlyDatabase"/>), with the compiled model on or off.</summary>
    private sealed class ServerContext : IDisposable
    {
        private readonly ServiceProvider _services;
        private readonly IServiceScope _scope;

        public ServerContext(string provider, bool compiledModel)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider,
                // Never opened: the model needs only the provider.
                ["ConnectionStrings:Orderly"] = provider == "sqlite" ? "Data Source=compiled-model-check.db" : "Host=localhost;Database=compiled_model_check",
                ["Database:CompiledModel"] = compiledModel ? "true" : "false",
            }).Build();
            _services = new ServiceCollection().AddLogging().AddOrderlyDatabase(configuration, Path.GetTempPath()).BuildServiceProvider();
            _scope = _services.CreateScope();
            Db = _scope.ServiceProvider.GetRequiredService<OrderlyDbContext>();
        }

        public OrderlyDbContext Db { get; }

        public void Dispose()
        {
            _scope.Dispose();
            _services.Dispose();
        }
    }
}
