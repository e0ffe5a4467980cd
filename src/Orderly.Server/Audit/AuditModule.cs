using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Platform;

namespace Orderly.Server.Audit;

/// <summary>The hash-chained change history: written by the save pipeline, read through <c>/api/audit</c>.</summary>
public sealed class AuditModule : IOrderlyModule
{
    public string Name => "Audit";

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(Identity.Policies.ReadAudit, Name, [Identity.Roles.Admin, Identity.Roles.SalesManager, Identity.Roles.Finance],
            "read the audit trail (`GET /api/audit`); sales managers only for their team's customers"),
    ];

    public void AddServices(ModuleServices capability)
    {
        capability.AddOptions<AuditOptions>("Orderly:Audit");
        capability.Services.AddSingleton<IInterceptor, AuditInterceptor>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAuditEndpoints();

    public void ConfigureAudit(AuditMap audit) => audit.Exclude<AuditRecord>("the audit trail itself");
}
