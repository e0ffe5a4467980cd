namespace Orderly.Server.Audit;

/// <summary>
/// One committed change to one aggregate: who (and on whose behalf), when, from where, what changed field by
/// field. Append-only (database triggers refuse UPDATE and DELETE) and hash-chained in id order within its
/// <see cref="Chain"/>: records of one aggregate always share a chain (see <see cref="AuditChains"/>).
/// </summary>
public sealed class AuditRecord
{
    public long Id { get; set; }
    /// <summary>The chain this record links into: each record names the hash of the chain's record before it.</summary>
    public int Chain { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public Guid? OnBehalfOf { get; set; }
    public string? SourceAddress { get; set; }
    public string? CorrelationId { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>Create, Update, Delete, or Deny for a refused attempt.</summary>
    public required string Action { get; set; }
    /// <summary>The API operation that made the change, e.g. ApproveOrder.</summary>
    public string? Operation { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    /// <summary>The customer a sales order, shipment or customer record belongs to: the audit trail is scoped like the data.</summary>
    public Guid? CustomerId { get; set; }
    /// <summary>JSON array of { field, old, new }; a null side is left out (records written before 2026-12-06 carry it as null).</summary>
    public required string Changes { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

public sealed record AuditChange(string Field, string? Old, string? New);
