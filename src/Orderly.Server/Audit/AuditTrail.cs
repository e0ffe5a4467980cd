using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Orderly.Server.Identity;

namespace Orderly.Server.Audit;

/// <summary>
/// Turns the change tracker's pending changes into one audit record per changed aggregate, and chains the
/// records: each carries the hash of the one before it, so an altered or removed record breaks the chain.
/// </summary>
public static class AuditTrail
{
    public static readonly string Genesis = new('0', 64);

    /// <summary>
    /// Non-ASCII text (Chinese names) is written as itself, not as <c>\uXXXX</c> (6 bytes a character instead of 3, and
    /// an escaping pass over every name an import writes); HTML-sensitive characters, controls and characters outside
    /// the BMP are still escaped. A null side of a change is left out (a new row's field has no <c>"old"</c>, a removed
    /// one no <c>"new"</c>): readers take an absent side as null, and a new product's record is ~20% shorter. The hash
    /// covers the stored text, so records written before either change (with <c>"old":null</c>) verify as they are.
    /// </summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Passwords, stamps and key hashes never reach the audit log; version and update time say nothing new.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "Version", "UpdatedAt", "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "NormalizedEmail", "NormalizedUserName",
        "KeyHash", "LastUsedAt", "AccessFailedCount", "LockoutEnd",
    };

    /// <summary>Per entity type, the audited fields of its own row (<see cref="FieldsOf"/>) and every property's getter.</summary>
    private static readonly ConcurrentDictionary<IEntityType, (string Field, int Position, IClrPropertyGetter Getter)[]> AuditFields = new();
    private static readonly ConcurrentDictionary<IEntityType, IClrPropertyGetter?[]> Getters = new();

    public static List<AuditRecord> Collect(DbContext db, AuditMap map, Caller? actor, DateTimeOffset now)
    {
        var byRoot = new Dictionary<(string Type, string Id), (EntityState State, List<AuditChange> Changes)>();
        var customers = new Dictionary<(string Type, string Id), Guid>();
        foreach (var entry in Platform.Persistence.SaveEntries.All(db))
        {
            if (entry.State is EntityState.Detached || map.RootOf(entry) is not { } root)
            {
                continue;
            }

            var key = (root.Type, root.Id);
            if (root.CustomerId is { } customer)
            {
                customers[key] = customer;
            }

            if (entry.State is EntityState.Unchanged)
            {
                continue;
            }

            if (!byRoot.TryGetValue(key, out var collected))
            {
                collected = (EntityState.Modified, []);
            }

            if (root.Prefix is null)
            {
                collected.State = entry.State;
            }

            collected.Changes.AddRange(ChangesOf(entry, root.Prefix));
            byRoot[key] = collected;
        }

        return [.. byRoot
            .Where(pair => pair.Value.Changes.Count > 0 || pair.Value.State != EntityState.Modified)
            .Select(pair => Record(
                pair.Value.State switch { EntityState.Added => "Create", EntityState.Deleted => "Delete", _ => "Update" },
                JsonSerializer.Serialize(pair.Value.Changes, Json),
                pair.Key.Type, pair.Key.Id, customers.TryGetValue(pair.Key, out var customer) ? customer : null, actor, now))];
    }

    /// <summary>
    /// The record <see cref="Collect"/> makes for a new aggregate root tracked as Added, built from the entity itself
    /// for a writer that bypasses the change tracker (<see cref="Platform.Persistence.BulkInsert"/>): the same fields in
    /// the same order (the model's property order, which is the tracker's), the same formatting and JSON; unlinked,
    /// like Collect's, for <see cref="AuditInterceptor.LinkAsync"/>.
    /// </summary>
    public static AuditRecord Created(IEntityType type, object entity, AuditRoot root, Caller? actor, DateTimeOffset now)
    {
        var fields = AuditFields.GetOrAdd(type, FieldsOf);
        var json = ChangesWriter.Start();
        foreach (var (field, _, getter) in fields)
        {
            if (getter.GetClrValueUsingContainingEntity(entity) is { } value)
            {
                json.Add(field, value);
            }
        }

        return Record("Create", json.Finish(), root.Type, root.Id, root.CustomerId, actor, now);
    }

    /// <summary>
    /// Every property value of an entity, in the model's property order: what <see cref="Updated"/> compares the
    /// changed entity with (the tracker's original values). Take it before changing the entity.
    /// </summary>
    public static object?[] Snapshot(IEntityType type, object entity)
    {
        var getters = Getters.GetOrAdd(type, t => [.. t.GetProperties().Select(p => p.IsShadowProperty() ? null : p.GetGetter())]);
        var values = new object?[getters.Length];
        for (var i = 0; i < getters.Length; i++)
        {
            values[i] = getters[i]?.GetClrValueUsingContainingEntity(entity);
        }

        return values;
    }

    /// <summary>
    /// The record <see cref="Collect"/> makes for an aggregate root's own row tracked as Modified, from its
    /// <see cref="Snapshot"/> before the change and the entity after it: each audited field whose formatted value
    /// differs, old and new. Null when none differs (Collect makes no record then either).
    /// </summary>
    public static AuditRecord? Updated(IEntityType type, object?[] before, object entity, AuditRoot root, Caller? actor, DateTimeOffset now)
    {
        var fields = AuditFields.GetOrAdd(type, FieldsOf);
        List<AuditChange>? changes = null;
        foreach (var (field, position, getter) in fields)
        {
            var old = Format(before[position]);
            var current = Format(getter.GetClrValueUsingContainingEntity(entity));
            if (old != current)
            {
                (changes ??= []).Add(new AuditChange(field, old, current));
            }
        }

        return changes is null ? null : Record("Update", JsonSerializer.Serialize(changes, Json), root.Type, root.Id, root.CustomerId, actor, now);
    }

    /// <summary>An unlinked record of a change to a root, with who did it: what <see cref="Collect"/>, <see cref="Created"/> and <see cref="Updated"/> make.</summary>
    private static AuditRecord Record(string action, string changes, string entityType, string entityId, Guid? customerId, Caller? actor, DateTimeOffset now) =>
        new()
        {
            // PostgreSQL keeps microseconds; hashing the stored precision keeps verification exact on both providers.
            At = Infrastructure.BusinessCalendar.ToMicroseconds(now),
            ActorId = actor?.UserId,
            ActorName = actor?.Name,
            OnBehalfOf = actor?.OnBehalfOf,
            SourceAddress = actor?.SourceAddress,
            CorrelationId = actor?.CorrelationId,
            IdempotencyKey = actor?.IdempotencyKey,
            Action = action,
            Operation = actor?.Operation,
            EntityType = entityType,
            EntityId = entityId,
            CustomerId = customerId,
            Changes = changes,
            PreviousHash = "",
            Hash = "",
        };

    /// <summary>What <see cref="ChangesOf"/> reads of a root's own row (no prefix), property by property, with each one's place in the model's order.</summary>
    private static (string Field, int Position, IClrPropertyGetter Getter)[] FieldsOf(IEntityType type)
    {
        var fields = new List<(string, int, IClrPropertyGetter)>();
        var position = -1;
        foreach (var property in type.GetProperties())
        {
            position++;
            var name = property.Name;
            if (Ignored.Contains(name) || property.IsShadowProperty() && name is "id" or "customer_id" or "receipt_id" or "shipment_id" or "supplier_id" or "adjustment_id" or "transfer_id")
            {
                continue;
            }

            if (property.IsShadowProperty())
            {
                throw new NotSupportedException($"{type.ClrType.Name}.{name} is a shadow property: its audit record needs the change tracker.");
            }

            fields.Add((FieldName(name), position, property.GetGetter()));
        }

        return [.. fields];
    }

    /// <summary>
    /// Writes the JSON array of a new row's changes as <c>JsonSerializer.Serialize(List&lt;AuditChange&gt;)</c> with the
    /// trail's options would (the same encoder and escaping, values formatted as <see cref="Format"/> does), without the
    /// serializer's per-record machinery or a string per value: one per thread, its buffer reused.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One per thread, for the thread's life: its writer holds no unmanaged resource.")]
    private sealed class ChangesWriter
    {
        [ThreadStatic]
        private static ChangesWriter? _current;

        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private readonly Utf8JsonWriter _writer;

        private ChangesWriter() => _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = Json.Encoder, SkipValidation = true });

        public static ChangesWriter Start()
        {
            var writer = _current ??= new ChangesWriter();
            writer._buffer.ResetWrittenCount();
            writer._writer.Reset(writer._buffer);
            writer._writer.WriteStartArray();
            return writer;
        }

        public void Add(string field, object value)
        {
            _writer.WriteStartObject();
            _writer.WriteString("field", field);
            _writer.WritePropertyName("new");
            Span<char> text = stackalloc char[64];
            switch (value)
            {
                case string s:
                    _writer.WriteStringValue(s);
                    break;
                case long n when n.TryFormat(text, out var written, default, CultureInfo.InvariantCulture):
                    _writer.WriteStringValue(text[..written]);
                    break;
                case int n when n.TryFormat(text, out var written, default, CultureInfo.InvariantCulture):
                    _writer.WriteStringValue(text[..written]);
                    break;
                case bool b:
                    _writer.WriteStringValue(b ? "true" : "false");
                    break;
                case Guid g when g.TryFormat(text, out var written):
                    _writer.WriteStringValue(text[..written]);
                    break;
                case DateTimeOffset d when d.TryFormat(text, out var written, "O", CultureInfo.InvariantCulture):
                    _writer.WriteStringValue(text[..written]);
                    break;
                default:
                    _writer.WriteStringValue(Format(value));
                    break;
            }

            _writer.WriteEndObject();
        }

        public string Finish()
        {
            _writer.WriteEndArray();
            _writer.Flush();
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }
    }

    public static AuditRecord Denial(Caller? actor, DateTimeOffset now, string entityType, string entityId, string reason, Guid? customerId = null) => new()
    {
        CustomerId = customerId,
        At = Infrastructure.BusinessCalendar.ToMicroseconds(now),
        ActorId = actor?.UserId,
        ActorName = actor?.Name,
        OnBehalfOf = actor?.OnBehalfOf,
        SourceAddress = actor?.SourceAddress,
        CorrelationId = actor?.CorrelationId,
        Action = "Deny",
        Operation = actor?.Operation,
        EntityType = entityType,
        EntityId = entityId,
        Changes = JsonSerializer.Serialize(new[] { new AuditChange("denied", null, reason) }, Json),
        PreviousHash = "",
        Hash = "",
    };

    /// <summary>Links the records to the chain's head; call inside the transaction that inserts them.</summary>
    public static void Link(IReadOnlyList<AuditRecord> records, string? headHash)
    {
        var previous = headHash ?? Genesis;
        foreach (var record in records)
        {
            record.PreviousHash = previous;
            record.Hash = HashOf(record);
            previous = record.Hash;
        }
    }

    /// <summary>
    /// SHA-256 of the record's fields joined by line feeds, in UTF-8 (absent fields empty), as lower-case hex: the
    /// fields are encoded straight into one pooled buffer, the hash computed over it.
    /// </summary>
    public static string HashOf(AuditRecord r)
    {
        Span<char> at = stackalloc char[32];
        Span<char> actor = stackalloc char[36];
        Span<char> behalf = stackalloc char[36];
        Span<char> customer = stackalloc char[36];
        r.At.UtcDateTime.TryFormat(at, out var atLength, "yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        var actorLength = r.ActorId is { } a && a.TryFormat(actor, out var w1) ? w1 : 0;
        var behalfLength = r.OnBehalfOf is { } o && o.TryFormat(behalf, out var w2) ? w2 : 0;
        var customerLength = r.CustomerId is { } c && c.TryFormat(customer, out var w3) ? w3 : 0;
        var chars = atLength + actorLength + behalfLength + customerLength + 13
            + Length(r.ActorName) + Length(r.SourceAddress) + Length(r.CorrelationId) + Length(r.IdempotencyKey) + Length(r.Action)
            + Length(r.Operation) + Length(r.EntityType) + Length(r.EntityId) + Length(r.Changes) + Length(r.PreviousHash);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(chars));
        try
        {
            var n = Encoding.UTF8.GetBytes(at[..atLength], buffer);
            n += Line(buffer, n, actor[..actorLength]);
            n += Line(buffer, n, r.ActorName);
            n += Line(buffer, n, behalf[..behalfLength]);
            n += Line(buffer, n, r.SourceAddress);
            n += Line(buffer, n, r.CorrelationId);
            n += Line(buffer, n, r.IdempotencyKey);
            n += Line(buffer, n, r.Action);
            n += Line(buffer, n, r.Operation);
            n += Line(buffer, n, r.EntityType);
            n += Line(buffer, n, r.EntityId);
            n += Line(buffer, n, customer[..customerLength]);
            n += Line(buffer, n, r.Changes);
            n += Line(buffer, n, r.PreviousHash);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, n), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        static int Length(string? text) => text?.Length ?? 0;

        static int Line(byte[] buffer, int at, ReadOnlySpan<char> text)
        {
            buffer[at] = (byte)'\n';
            return 1 + Encoding.UTF8.GetBytes(text, buffer.AsSpan(at + 1));
        }
    }

    /// <summary>The hash as first defined (string.Join of the fields): what <see cref="HashOf"/> must equal, for its test.</summary>
    internal static string HashOfJoined(AuditRecord r)
    {
        var canonical = string.Join('\n',
            r.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            r.ActorId?.ToString("D"), r.ActorName, r.OnBehalfOf?.ToString("D"), r.SourceAddress, r.CorrelationId, r.IdempotencyKey,
            r.Action, r.Operation, r.EntityType, r.EntityId, r.CustomerId?.ToString("D"), r.Changes, r.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static IEnumerable<AuditChange> ChangesOf(EntityEntry entry, string? prefix)
    {
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            if (Ignored.Contains(name) || property.Metadata.IsShadowProperty() && name is "id" or "customer_id" or "receipt_id" or "shipment_id" or "supplier_id" or "adjustment_id" or "transfer_id")
            {
                continue;
            }

            var field = prefix + FieldName(name);
            switch (entry.State)
            {
                case EntityState.Added:
                    if (property.CurrentValue is not null)
                    {
                        yield return new AuditChange(field, null, Format(property.CurrentValue));
                    }

                    break;
                case EntityState.Deleted:
                    yield return new AuditChange(field, Format(property.OriginalValue), null);
                    break;
                case EntityState.Modified when property.IsModified:
                    var old = Format(property.OriginalValue);
                    var current = Format(property.CurrentValue);
                    if (old != current)
                    {
                        yield return new AuditChange(field, old, current);
                    }

                    break;
            }
        }
    }

    private static string FieldName(string property)
    {
        var name = property.TrimStart('_');
        return name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal d => d.ToString("0.############", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f when value.GetType().IsPrimitive || value is Guid || value.GetType().IsEnum => f.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value, Json),
    };
}
