using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Integration;

/// <summary>Limits of file imports (<c>Orderly:Imports</c>).</summary>
public sealed class ImportOptions
{
    public const string Section = "Orderly:Imports";

    /// <summary>The largest upload accepted; a larger one is refused with 413 before it is read.</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Rows written per transaction by a commit of a kind written without the change tracker (products): a
    /// <c>valid-only</c> commit's unit, so a failed batch loses only itself. Memory holds one batch, and a batch holds
    /// SQLite's single writer for its duration (~0.3-0.6 s at 5,000 rows on the bench machine). Fewer, bigger commits
    /// rewrite fewer B-tree pages: 5,000 rows cost ~30% less CPU than 1,000 (docs/performance.md, P13).
    /// </summary>
    [Range(100, 20_000)]
    public int CommitBatchRows { get; set; } = DefaultCommitBatchRows;

    public const int DefaultCommitBatchRows = 5000;

    /// <summary>Rows per batch for the kinds written through the change tracker (stock counts, customers, prices, orders).</summary>
    public const int TrackedBatchRows = 1000;
}
