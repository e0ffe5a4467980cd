using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Infrastructure.Telemetry;

/// <summary><c>Orderly:Metrics</c>: who may scrape <c>/metrics</c> besides an Admin.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Orderly:Metrics";

    /// <summary>
    /// A shared secret a Prometheus server sends as <c>Authorization: Bearer KEY</c> or <c>X-Scrape-Key: KEY</c>; none
    /// means only Admins may scrape.
    /// </summary>
    [MinLength(16)]
    public string? ScrapeKey { get; set; }
}
