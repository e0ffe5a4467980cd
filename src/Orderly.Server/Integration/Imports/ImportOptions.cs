using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Integration;

/// <summary>Limits of file imports (<c>Orderly:Imports</c>).</summary>
public sealed class ImportOptions
{
    public const string Section = "Orderly:Imports";

    /// <summary>The largest upload accepted; a larger one is refused with 413 before it is read.</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;
}
