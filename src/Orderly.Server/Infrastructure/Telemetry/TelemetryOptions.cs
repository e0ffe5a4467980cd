using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Infrastructure.Telemetry;

/// <summary><c>Orderly:Telemetry</c>: where traces and metrics go besides the Prometheus endpoint.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Orderly:Telemetry";

    /// <summary>An OTLP collector (e.g. <c>http://otel-collector:4317</c>); the standard OTEL_EXPORTER_OTLP_ENDPOINT wins over it.</summary>
    [Url]
    public string? OtlpEndpoint { get; set; }

    /// <summary>The service name traces and metrics carry.</summary>
    [Required]
    [MaxLength(100)]
    public string ServiceName { get; set; } = "orderly";
}
