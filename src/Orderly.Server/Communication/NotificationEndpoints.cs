using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Server.Identity;

namespace Orderly.Server.Communication;

/// <summary>The caller's in-app notifications.</summary>
public static class NotificationEndpoints
{
    public static void MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/notifications").WithTags("Communication").RequireAuthorization(Policies.Read);
        notifications.MapGet("/", ListAsync).WithName("ListNotifications").WithSummary("The caller's notifications, newest first, with the unread count.");
        notifications.MapGet("/unread-count", UnreadAsync).WithName("CountUnreadNotifications").WithSummary("How many of the caller's notifications are unread.");
        notifications.MapPost("/{id:guid}/read", ReadAsync).WithName("ReadNotification").WithSummary("Marks one of the caller's notifications read.");
        notifications.MapPost("/read-all", ReadAllAsync).WithName("ReadAllNotifications").WithSummary("Marks all the caller's notifications read.");
        notifications.MapGet("/preferences", PreferencesAsync).WithName("GetNotificationPreferences").WithSummary("How the caller is told: kinds muted in the app, kinds also e-mailed, quiet hours for those e-mails.");
        notifications.MapPut("/preferences", SetPreferencesAsync).WithName("SetNotificationPreferences").WithSummary("Replaces how the caller is told (muted, e-mailed, quiet hours).");
    }

    private static async Task<Ok<NotificationListDto>> ListAsync(bool? unread, int? limit, NotificationService notifications, CancellationToken ct) =>
        TypedResults.Ok(await notifications.ListAsync(unread ?? false, limit, ct));

    private static async Task<Ok<UnreadCountDto>> UnreadAsync(NotificationService notifications, CancellationToken ct) =>
        TypedResults.Ok(new UnreadCountDto(await notifications.UnreadAsync(ct)));

    private static async Task<NoContent> ReadAsync(Guid id, NotificationService notifications, CancellationToken ct)
    {
        await notifications.MarkReadAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> ReadAllAsync(NotificationService notifications, CancellationToken ct)
    {
        await notifications.MarkAllReadAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<NotificationPreferencesDto>> PreferencesAsync(NotificationService notifications, CancellationToken ct) =>
        TypedResults.Ok(await notifications.PreferencesAsync(ct));

    private static async Task<Ok<NotificationPreferencesDto>> SetPreferencesAsync(NotificationPreferencesDto request, NotificationService notifications, CancellationToken ct) =>
        TypedResults.Ok(await notifications.SetPreferencesAsync(request, ct));
}
