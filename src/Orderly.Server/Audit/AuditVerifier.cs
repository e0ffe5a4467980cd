using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Audit;

public sealed record AuditVerification(long Checked, long? BrokenAtId, string? Problem)
{
    public bool IsIntact => BrokenAtId is null;
}

/// <summary>Walks the audit chain in id order: every record's hash must match its content and name its predecessor's hash.</summary>
public static class AuditVerifier
{
    private const int Batch = 5000;

    public static async Task<AuditVerification> VerifyAsync(OrderlyDbContext db, CancellationToken ct)
    {
        var previous = AuditTrail.Genesis;
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
                if (record.PreviousHash != previous)
                {
                    return new AuditVerification(count, record.Id, $"Record {record.Id} does not follow the record before it: one was removed or altered.");
                }

                if (AuditTrail.HashOf(record) != record.Hash)
                {
                    return new AuditVerification(count, record.Id, $"Record {record.Id} was altered after it was written.");
                }

                previous = record.Hash;
                lastId = record.Id;
                count++;
            }
        }
    }
}
