using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Documents;

/// <summary>
/// Degraded while no CJK font for documents is installed: the server runs and takes orders, but every PDF (invoice,
/// confirmation, delivery note, statement, quotation) is answered 503, so the operator sees why on /health.
/// </summary>
public sealed class DocumentFontHealthCheck(IOptions<CompanyOptions> company) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var paths = company.Value.FontPaths;
        return Task.FromResult(CjkFonts.Find(paths) is null
            ? new HealthCheckResult(context.Registration.FailureStatus, CjkFonts.Missing(paths))
            : HealthCheckResult.Healthy());
    }
}
