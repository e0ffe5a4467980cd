using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Orderly.Domain.Catalog;
using Orderly.Domain.Customers;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Identity;

namespace Orderly.Server.Audit;

/// <summary>
/// Turns the change tracker's pending changes into one audit record per changed aggregate, and chains the
/// records: each carries the hash of the one before it, so an altered or removed record breaks the chain.
/// </summary>
public static class AuditTrail
{
    public static readonly string Genesis = new('0', 64);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Passwords, stamps and key hashes never reach the audit log; version and update time say nothing new.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "Version", "UpdatedAt", "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "NormalizedEmail", "NormalizedUserName",
        "KeyHash", "LastUsedAt", "AccessFailedCount", "LockoutEnd",
    };

    public static List<AuditRecord> Collect(DbContext db, AuditActor? actor, DateTimeOffset now)
    {
        var byRoot = new Dictionary<(string Type, string Id), (EntityState State, List<AuditChange> Changes)>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached || RootOf(entry) is not { } root)
            {
                continue;
            }

            var key = (root.Type, root.Id);
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

        var at = TruncateToMicroseconds(now);
        var orderCustomers = db.ChangeTracker.Entries<SalesOrder>().ToDictionary(e => e.Entity.Id.ToString(), e => e.Entity.CustomerId);
        Guid? CustomerOf(string type, string id) => type switch
        {
            "Customer" => Guid.Parse(id),
            "SalesOrder" => orderCustomers.TryGetValue(id, out var customer) ? customer : null,
            "Shipment" => db.ChangeTracker.Entries<Shipment>().FirstOrDefault(e => e.Entity.Id.ToString() == id)?.Entity.OrderId.ToString() is { } order
                && orderCustomers.TryGetValue(order, out var owner) ? owner : null,
            _ => null,
        };

        return [.. byRoot
            .Where(pair => pair.Value.Changes.Count > 0 || pair.Value.State != EntityState.Modified)
            .Select(pair => new AuditRecord
            {
                At = at,
                ActorId = actor?.Id,
                ActorName = actor?.Name,
                OnBehalfOf = actor?.OnBehalfOf,
                SourceAddress = actor?.SourceAddress,
                CorrelationId = actor?.CorrelationId,
                IdempotencyKey = actor?.IdempotencyKey,
                Action = pair.Value.State switch { EntityState.Added => "Create", EntityState.Deleted => "Delete", _ => "Update" },
                Operation = actor?.Operation,
                EntityType = pair.Key.Type,
                EntityId = pair.Key.Id,
                CustomerId = CustomerOf(pair.Key.Type, pair.Key.Id),
                Changes = JsonSerializer.Serialize(pair.Value.Changes, Json),
                PreviousHash = "",
                Hash = "",
            })];
    }

    public static AuditRecord Denial(AuditActor? actor, DateTimeOffset now, string entityType, string entityId, string reason, Guid? customerId = null) => new()
    {
        CustomerId = customerId,
        At = TruncateToMicroseconds(now),
        ActorId = actor?.Id,
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

    public static string HashOf(AuditRecord r)
    {
        var canonical = string.Join('\n',
            r.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            r.ActorId?.ToString("D"), r.ActorName, r.OnBehalfOf?.ToString("D"), r.SourceAddress, r.CorrelationId, r.IdempotencyKey,
            r.Action, r.Operation, r.EntityType, r.EntityId, r.CustomerId?.ToString("D"), r.Changes, r.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>PostgreSQL keeps microseconds; hashing the stored precision keeps verification exact on both providers.</summary>
    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    private static (string Type, string Id, string? Prefix)? RootOf(EntityEntry entry) => entry.Entity switch
    {
        SalesOrder o => ("SalesOrder", o.Id.ToString(), null),
        OrderLine l => ("SalesOrder", l.OrderId.ToString(), $"lines[{l.LineNumber}]."),
        Customer c => ("Customer", c.Id.ToString(), null),
        Contact => OwnerOf(entry, "Customer", "customer_id", "contacts[{0}]."),
        Product p => ("Product", p.Id.ToString(), null),
        Warehouse w => ("Warehouse", w.Id.ToString(), null),
        StockPolicy sp => ("StockPolicy", sp.Id.ToString(), null),
        StockReceipt r => ("StockReceipt", r.Id.ToString(), null),
        StockReceiptLine => OwnerOf(entry, "StockReceipt", "receipt_id", "lines[{0}]."),
        StockAdjustment a => ("StockAdjustment", a.Id.ToString(), null),
        StockAdjustmentLine => OwnerOf(entry, "StockAdjustment", "adjustment_id", "lines[{0}]."),
        StockTransfer t => ("StockTransfer", t.Id.ToString(), null),
        StockTransferLine => OwnerOf(entry, "StockTransfer", "transfer_id", "lines[{0}]."),
        Shipment s => ("Shipment", s.Id.ToString(), null),
        ShipmentLine => OwnerOf(entry, "Shipment", "shipment_id", "lines[{0}]."),
        AppUser u => ("User", u.Id.ToString(), null),
        IdentityUserRole<Guid> ur => ("User", ur.UserId.ToString(), "roles."),
        ApiKey k => ("ApiKey", k.Id.ToString(), null),
        Domain.Purchasing.Supplier s => ("Supplier", s.Id.ToString(), null),
        Domain.Purchasing.SupplierProduct => OwnerOf(entry, "Supplier", "supplier_id", "products[{0}]."),
        _ => null,
    };

    private static (string Type, string Id, string? Prefix)? OwnerOf(EntityEntry entry, string type, string foreignKey, string prefix) =>
        (type, entry.Property(foreignKey).CurrentValue?.ToString() ?? "", string.Format(CultureInfo.InvariantCulture, prefix, entry.Property("id").CurrentValue));

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
