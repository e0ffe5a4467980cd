using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Orderly.Server.Audit;

/// <summary>
/// For every entity type of the model: the aggregate its changes are audited under, or why it is not audited.
/// Modules fill it (<see cref="Platform.IOrderlyModule.ConfigureAudit"/>); the audit fails closed: a change to a
/// type that is in neither list throws instead of passing unaudited, and a test walks the EF model against it.
/// </summary>
public sealed class AuditMap
{
    private readonly Dictionary<Type, Func<EntityEntry, AuditRoot>> _roots = [];
    private readonly Dictionary<Type, Func<object, DbContext, AuditRoot>> _newRoots = [];
    private readonly Dictionary<Type, string> _excluded = [];

    public IReadOnlyCollection<Type> Audited => _roots.Keys;

    public IReadOnlyDictionary<Type, string> Excluded => _excluded;

    /// <summary>An aggregate root: audited under its own name and id, optionally tied to the customer it concerns.</summary>
    public AuditMap Root<T>(string aggregate, Func<T, object> id, Func<T, DbContext, Guid?>? customer = null)
        where T : class
    {
        Add(typeof(T), entry => new AuditRoot(aggregate, Format(id((T)entry.Entity)), null, customer?.Invoke((T)entry.Entity, entry.Context)));
        _newRoots[typeof(T)] = (entity, db) => new AuditRoot(aggregate, Format(id((T)entity)), null, customer?.Invoke((T)entity, db));
        return this;
    }

    /// <summary>A part of an aggregate (a line, a contact): audited on its root, its fields prefixed, e.g. <c>lines[3].quantity</c>.</summary>
    public AuditMap Part<T>(string aggregate, Func<EntityEntry, object?> rootId, Func<EntityEntry, string> prefix)
        where T : class
    {
        Add(typeof(T), entry => new AuditRoot(aggregate, Format(rootId(entry)), prefix(entry), null));
        return this;
    }

    /// <summary>A part held by a foreign key column: <paramref name="prefixFormat"/> gets the part's own id as {0}.</summary>
    public AuditMap Part<T>(string aggregate, string foreignKey, string prefixFormat)
        where T : class =>
        Part<T>(aggregate, entry => entry.Property(foreignKey).CurrentValue,
            entry => string.Format(CultureInfo.InvariantCulture, prefixFormat, entry.Property("id").CurrentValue));

    /// <summary>An owned part (OwnsOne/OwnsMany): audited on its owner; {0} in the prefix is the part's own id, if it has one.</summary>
    public AuditMap Owned<T>(string aggregate, string prefixFormat)
        where T : class =>
        Part<T>(aggregate,
            entry => entry.Property(entry.Metadata.FindOwnership()!.Properties[0].Name).CurrentValue,
            entry => string.Format(CultureInfo.InvariantCulture, prefixFormat, entry.Metadata.FindProperty("id") is null ? null : entry.Property("id").CurrentValue));

    /// <summary>A type whose rows are not audited, with the reason (a derived row, a ledger of its own, a technical table).</summary>
    public AuditMap Exclude<T>(string why) => Exclude(typeof(T), why);

    public AuditMap Exclude(Type type, string why)
    {
        if (_roots.ContainsKey(type) || !_excluded.TryAdd(type, why))
        {
            throw new InvalidOperationException($"{type.Name} is declared twice in the audit map.");
        }

        return this;
    }

    public bool IsExcluded(Type type) => _excluded.ContainsKey(type);

    /// <summary>The root of a changed entity, null for an excluded type; throws for a type nobody declared.</summary>
    public AuditRoot? RootOf(EntityEntry entry)
    {
        var type = entry.Metadata.ClrType;
        if (_roots.TryGetValue(type, out var root))
        {
            return root(entry);
        }

        return _excluded.ContainsKey(type)
            ? null
            : throw new InvalidOperationException(
                $"{type.Name} changed but is neither audited nor excluded: declare it in its module's ConfigureAudit.");
    }

    /// <summary>
    /// The root of an aggregate root's own new row written without the change tracker (<see cref="Platform.Persistence.BulkInsert"/>):
    /// the same as <see cref="RootOf"/> would say for it tracked; null for an excluded type. A part has no root without
    /// its tracked foreign key, so it is refused, as is a type nobody declared.
    /// </summary>
    public AuditRoot? RootOfUntracked(object entity, DbContext db)
    {
        var type = entity.GetType();
        if (_newRoots.TryGetValue(type, out var root))
        {
            return root(entity, db);
        }

        return _excluded.ContainsKey(type)
            ? null
            : _roots.ContainsKey(type)
                ? throw new NotSupportedException($"{type.Name} is a part of an aggregate: write it through SaveChangesAsync.")
                : throw new InvalidOperationException($"{type.Name} changed but is neither audited nor excluded: declare it in its module's ConfigureAudit.");
    }

    private void Add(Type type, Func<EntityEntry, AuditRoot> root)
    {
        if (_excluded.ContainsKey(type) || !_roots.TryAdd(type, root))
        {
            throw new InvalidOperationException($"{type.Name} is declared twice in the audit map.");
        }
    }

    private static string Format(object? id) => Convert.ToString(id, CultureInfo.InvariantCulture) ?? "";
}

/// <summary>The aggregate a change belongs to; <paramref name="Prefix"/> is null for the root's own row.</summary>
public sealed record AuditRoot(string Type, string Id, string? Prefix, Guid? CustomerId);
