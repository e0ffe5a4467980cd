using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Document numbers from a counter row bumped inside the caller's transaction: one statement, no MAX()+1,
/// no gaps from rolled-back transactions, unique across server nodes.
/// </summary>
public static class DocumentNumbers
{
    public static async Task<long> NextAsync(OrderlyDbContext db, string series, CancellationToken ct)
    {
        var values = await db.Database.SqlQuery<long>(
            $"INSERT INTO number_sequences (name, last_value) VALUES ({series}, 1) ON CONFLICT (name) DO UPDATE SET last_value = number_sequences.last_value + 1 RETURNING last_value AS \"Value\"")
            .ToListAsync(ct);
        return values.Single();
    }

    public static async Task<string> NextOrderNumberAsync(OrderlyDbContext db, int year, CancellationToken ct) =>
        $"SO-{year}-{await NextAsync(db, $"SO-{year}", ct):000000}";
}
