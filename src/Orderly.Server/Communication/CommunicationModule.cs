using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orderly.Domain.Communication;
using Orderly.Server.Audit;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Platform;

namespace Orderly.Server.Communication;

/// <summary>
/// Customer communication: the timeline (interactions, notes, the system's events), every outgoing message (e-mail, SMS,
/// team robots, webhooks) as a queued delivery, inbound e-mail, in-app notifications, follow-up tasks, the public order
/// status and survey pages, and the survey report. The only capability that sends messages.
/// </summary>
public sealed class CommunicationModule : IOrderlyModule
{
    public string Name => "Communication";

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(CommunicationPolicies.Communicate, Name, [Roles.Admin, Roles.SalesManager, Roles.SalesRep, Roles.OrderClerk, Roles.Finance],
            "log `/api/interactions` and `/api/notes`, read customer and order `timeline`s, read and change a customer's `communication` preferences, create a `status-link` and revoke `status-links`, create a delivered order's `survey-link`, create, read and complete `/api/tasks`; reps only on their own customers"),
        new(CommunicationPolicies.WriteEmail, Name, [Roles.Admin, Roles.SalesManager, Roles.SalesRep, Roles.OrderClerk],
            "write an e-mail to a customer's contact: `/api/orders/{id}/emails` and `/api/customers/{id}/emails`, read a customer's `email-contacts`; reps only to their own customers"),
        new(CommunicationPolicies.ReadUnmatched, Name, [Roles.Admin, Roles.SalesManager], "read `/api/communication/unmatched`: customer messages (WeCom) whose sender matches no customer contact"),
        new(CommunicationPolicies.AssignUnmatched, Name, [Roles.Admin, Roles.SalesManager], "`assign` an unmatched message's sender to a customer (`/api/communication/unmatched/{id}/assign`): the sender becomes the customer's WeCom contact and their kept messages move to the customer's timeline"),
        new(CommunicationPolicies.ManageWebhooks, Name, [Roles.Admin], "`/api/webhooks`: register, read, stop; read the `deliveries` log and `replay` one"),
        new(CommunicationPolicies.ReadSurveys, Name, [Roles.Admin, Roles.SalesManager, Roles.SalesRep], "read `/api/surveys` `responses` and the CSAT/NPS `summary`; reps only their own customers'"),
    ];

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/tasks", "MyTasks", CommunicationPolicies.Communicate, 140, NavigationGroups.SalesOrders),
        new("/surveys", "SurveyResults", CommunicationPolicies.ReadSurveys, 150, NavigationGroups.SalesOrders),
        new("/preferences", "NotificationPreferences", CommunicationPolicies.Communicate, 160, NavigationGroups.SalesOrders),
        new("/communication/unmatched", "UnmatchedMessages", CommunicationPolicies.ReadUnmatched, 170, NavigationGroups.SalesOrders),
    ];

    public void AddServices(ModuleServices capability)
    {
        var services = capability.Services;
        capability.AddOptions<CommunicationOptions>(CommunicationOptions.Section);
        services.AddScoped<CustomerDirectory>();
        services.AddScoped<Notifier>();
        services.AddScoped<TimelineService>();
        services.AddScoped<CustomerEmails>();
        services.AddScoped<WeComInbound>();
        services.AddScoped<TaskService>();
        services.AddScoped<TaskReminders>();
        services.AddScoped<NotificationService>();
        services.AddScoped<PreferencesService>();
        services.AddScoped<PublicPages>();
        services.AddScoped<SurveyReports>();
        services.AddScoped<WebhookService>();
        services.AddScoped<WebhookSender>();
        services.AddScoped<EmailSender>();
        services.AddScoped<InboundMailService>();
        services.AddScoped<AliyunSmsClient>();
        services.AddScoped<RobotClient>();
        services.AddScoped<WeComCustomerClient>();
        services.AddSingleton<WeComTokenCache>();
        services.AddSingleton<WebhookTypes>();
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton<WebhookGuard>();
        services.AddHttpClient(nameof(AliyunSmsClient));
        services.AddHttpClient(nameof(RobotClient));
        services.AddHttpClient(nameof(WeComCustomerClient));
        services.AddHttpClient(WebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var guard = sp.GetRequiredService<WebhookGuard>();
            return new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, ConnectCallback = guard.ConnectAsync };
        });
        services.AddSingleton<MessageDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<MessageDispatcher>());
        services.AddHostedService<InboundSmtpServer>();

        capability.AddEventHandler<TimelineProjector>();
        capability.AddEventHandler<MessagePlanner>();
        capability.AddEventHandler<WebhookPlanner>();
        capability.AddEventHandler<InternalNotifier>();
        capability.AddEventHandler<TaskRules>();
        services.AddOrderlyJob<TaskReminderJob>(capability.Configuration, TaskReminderJob.Name, TaskReminderJob.DefaultSchedule);

        var perMinute = capability.Configuration.GetValue($"{CommunicationOptions.Section}:SurveyPostsPerMinute", 10);
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(SurveyEndpoints.SurveyLimit, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString(),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapInteractionEndpoints();
        app.MapCustomerEmailEndpoints();
        app.MapWeComInboundEndpoints();
        app.MapTaskEndpoints();
        app.MapNotificationEndpoints();
        app.MapWebhookEndpoints();
        app.MapSurveyEndpoints();
    }

    public void ConfigureAudit(AuditMap audit) => audit
        .Root<Interaction>("Interaction", i => i.Id, (i, _) => i.CustomerId)
        .Root<FollowUpTask>("FollowUpTask", t => t.Id, (t, _) => t.CustomerId)
        .Root<CustomerCommunication>("CustomerCommunication", c => c.CustomerId, (c, _) => c.CustomerId)
        .Owned<NotificationRecipient>("CustomerCommunication", "recipients[{0}].")
        .Root<UserNotificationPreference>("UserNotificationPreference", p => p.UserId)
        .Root<WebhookSubscription>("WebhookSubscription", w => w.Id)
        .Root<StatusLink>("StatusLink", s => s.Id, (s, _) => s.CustomerId)
        .Root<SurveyInvitation>("SurveyInvitation", s => s.Id, (s, _) => s.CustomerId)
        .Root<SurveyResponse>("SurveyResponse", s => s.Id, (s, _) => s.CustomerId)
        .Exclude<TimelineEntry>("a projection of events that are themselves kept in the outbox")
        .Exclude<OutgoingMessage>("the message queue is its own delivery log (state, attempts, errors); sending is not a business change")
        .Exclude<Notification>("in-app notices to one user; being read is not a business change")
        .Exclude<UnmatchedMessage>("an inbound message log of unknown senders, written once and never changed; removed when assigned, as the audited interactions that replace it")
        .Exclude<OrderMailbox>("a routing token for replies, written once and never changed");

    public async Task PrepareAsync(ModuleStart start, CancellationToken ct) =>
        await start.Services.GetRequiredService<WebhookTypes>().RefreshAsync(start.Services.GetRequiredService<OrderlyDbContext>(), ct);
}
