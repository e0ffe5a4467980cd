using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Orderly.Server.Audit;

/// <summary>
/// How the audit trail is split into hash chains. One chain serialises every audited write: each append reads the
/// chain's head and must hold it until commit. On PostgreSQL, where many writers (and many server processes)
/// commit at once, the trail is split into <see cref="AuditOptions.Chains"/> chains by a stable hash of the
/// aggregate, so writers of different aggregates append in parallel while each aggregate's history stays in one
/// chain, in order. SQLite has one writer, so it keeps a single chain. The verifier follows each chain by its
/// number; changing the count later only changes where new records go.
/// </summary>
public static class AuditChains
{
    /// <summary>The chain of an aggregate: FNV-1a of "type/id", stable across processes, versions and machines.</summary>
    public static int Of(string entityType, string entityId, int chains)
    {
        if (chains <= 1)
        {
            return 0;
        }

        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{entityType}/{entityId}"))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)chains);
    }
}

/// <summary><c>Orderly:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>How many hash chains new records spread over on PostgreSQL (SQLite always uses one).</summary>
    [Range(1, 1024)]
    public int Chains { get; set; } = 64;
}
