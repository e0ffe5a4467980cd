using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
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

        var tableDifferences = Differences(built.Db, compiled.Db.Model, built.Db.Model);
        var (onlyCompiled, onlyBuilt) = Compare(Describe(compiled.Db.Model), Describe(built.Db.Model));

        Assert.True(tableDifferences.Count == 0, $"{Regenerate}\nThe tables differ ({provider}); migrating the compiled model to the built one would run:\n"
            + string.Join('\n', tableDifferences.Take(30)));
        Assert.True(onlyCompiled.Count == 0 && onlyBuilt.Count == 0, $"{Regenerate}\nThe entity types differ ({provider}):\n"
            + string.Join('\n', onlyCompiled.Take(20).Select(l => "  compiled only: " + l).Concat(onlyBuilt.Take(20).Select(l => "  built only:    " + l))));
        Assert.Equal(built.Db.Model.GetEntityTypes().Count(), compiled.Db.Model.GetEntityTypes().Count());
        Assert.Equal(built.Db.Model.GetEntityTypes().Sum(e => e.GetProperties().Count()), compiled.Db.Model.GetEntityTypes().Sum(e => e.GetProperties().Count()));
    }

    [Fact]
    public void StalenessCheck_WouldCatchADifferentModel()
    {
        // The SQLite and PostgreSQL models differ in column types and lengths, and the description in the value
        // converters' provider types: a check that finds nothing between them is not checking.
        using var sqlite = new ServerContext("sqlite", compiledModel: true);
        using var postgres = new ServerContext("postgres", compiledModel: false);

        Assert.NotEmpty(Differences(postgres.Db, sqlite.Db.Model, postgres.Db.Model));
        var (onlySqlite, onlyPostgres) = Compare(Describe(sqlite.Db.Model), Describe(postgres.Db.Model));
        Assert.NotEmpty(onlySqlite);
        Assert.NotEmpty(onlyPostgres);
    }

    private static Type CompiledModelType(string provider) =>
        provider == "sqlite" ? typeof(SqliteOrderlyDbContextModel) : typeof(PostgresOrderlyDbContextModel);

    private static List<string> Differences(DbContext differ, IModel source, IModel target) =>
        [.. differ.GetService<IMigrationsModelDiffer>().GetDifferences(source.GetRelationalModel(), target.GetRelationalModel()).Select(Describe)];

    private static string Describe(MigrationOperation operation) => operation switch
    {
        AddColumnOperation c => $"add column {c.Table}.{c.Name}",
        DropColumnOperation c => $"drop column {c.Table}.{c.Name}",
        AlterColumnOperation c => $"alter column {c.Table}.{c.Name}",
        RenameColumnOperation c => $"rename column {c.Table}.{c.Name} to {c.NewName}",
        CreateTableOperation t => $"create table {t.Name}",
        DropTableOperation t => $"drop table {t.Name}",
        CreateIndexOperation i => $"create index {i.Name} on {i.Table}",
        DropIndexOperation i => $"drop index {i.Name} on {i.Table}",
        AddForeignKeyOperation f => $"add foreign key {f.Name} on {f.Table}",
        DropForeignKeyOperation f => $"drop foreign key {f.Name} on {f.Table}",
        _ => operation.GetType().Name,
    };

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
                    + $"converter {converter?.GetType().Name} to {converter?.ProviderClrType.Name}"));
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

    private static (List<string> OnlyLeft, List<string> OnlyRight) Compare(SortedSet<string> left, SortedSet<string> right) =>
        ([.. left.Except(right)], [.. right.Except(left)]);

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
