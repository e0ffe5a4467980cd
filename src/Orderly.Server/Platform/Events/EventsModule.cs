using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Audit;

namespace Orderly.Server.Platform.Events;

/// <summary>The event backbone: the outbox written in each save's transaction, the dispatcher, the inbox and the feed.</summary>
public sealed class EventsModule : IOrderlyModule
{
    public const string ReadEvents = "ReadEvents";
    public const string ManageEvents = "ManageEvents";

    public string Name => "Events";

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(ReadEvents, Name, Identity.Roles.Staff, "read the events feed (`GET /api/events`), scoped like the events' customers"),
        new(ManageEvents, Name, [Identity.Roles.Admin], "read the outbox (`GET /api/admin/outbox`) and retry dead-lettered events"),
    ];

    public void AddServices(ModuleServices capability)
    {
        capability.AddOptions<EventOptions>(EventOptions.Section);
        capability.Services.AddScoped<EventBuffer>();
        capability.Services.AddSingleton<OutboxSignal>();
        capability.Services.AddScoped<EventInbox>();
        capability.Services.AddSingleton<IInterceptor, OutboxInterceptor>();
        capability.Services.AddSingleton<IInterceptor, OutboxCommitSignal>();
        capability.Services.AddSingleton<OutboxDispatcher>();
        capability.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapEventEndpoints();

    public void ConfigureAudit(AuditMap audit) => audit
        .Exclude<OutboxMessage>("the events are themselves a record of committed changes")
        .Exclude<InboxEntry>("delivery bookkeeping of the dispatcher");
}
