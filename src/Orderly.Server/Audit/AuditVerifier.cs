using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Audit;

public sealed record AuditVerification(long Checked, long? BrokenAtId, string? Problem)
{
    public bool IsIntact => BrokenAtId is null;
}

/// <summary>
/// Walks the audit trail in id order, following each chain: every record's hash must match its content and name
/// the hash of the record before it in the same chain (the first of a chain names the genesis hash).
/// </summary>
public static class AuditVerifier
{
    private const int Batch = 5000;

    public static async Task<AuditVerification> VerifyAsync(OrderlyDbContext db, CancellationToken ct)
    {
        var heads = new Dictionary<int, string>();
        long lastId = 0;
        long count = 0;
        while (true)
        {
            var batch = await db.AuditRecords.AsNoTracking().Where(a => a.Id > lastId).OrderBy(a => a.Id).Take(Batch).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return new AuditVerification(count, null, null);
            }

            foreach (var record in batch)
            {
                var previous = heads.GetValueOrDefault(record.Chain, AuditTrail.Genesis);
                if (record.PreviousHash != previous)
                {
                    return new AuditVerification(count, record.Id,
                        $"Record {record.Id} does not follow the record before it in chain {record.Chain}: one was removed, moved or altered.");
                }

                if (AuditTrail.HashOf(record) != record.Hash)
                {
                    return new AuditVerification(count, record.Id, $"Record {record.Id} was altered after it was written.");
                }

                heads[record.Chain] = record.Hash;
                lastId = record.Id;
                count++;
            }
        }
    }
}
