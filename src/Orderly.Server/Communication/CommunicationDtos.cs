using Orderly.Domain.Communication;

namespace Orderly.Server.Communication;

public sealed record InteractionRequest(
    Guid CustomerId, InteractionChannel Channel, Direction Direction, string Summary, Guid? OrderId = null, string? Body = null, DateTimeOffset? OccurredAt = null, string? ExternalId = null);

public sealed record InteractionDto(Guid Id, Guid CustomerId, Guid? OrderId, string Kind, string? Channel, string? Direction, string Summary, string? Body, DateTimeOffset OccurredAt, string? ExternalId, Guid? By)
{
    public static InteractionDto From(Interaction i) =>
        new(i.Id, i.CustomerId, i.OrderId, i.Kind, i.Channel?.ToString(), i.Direction?.ToString(), i.Summary, i.Body, i.OccurredAt, i.ExternalId, i.By);
}

public sealed record NoteRequest(Guid CustomerId, string Text, Guid? OrderId = null);

/// <summary>One line of a timeline; <paramref name="State"/> is an e-mail a user wrote: Queued, Sent or Failed.</summary>
public sealed record TimelineItemDto(DateTimeOffset At, string Kind, string? Channel, string? Direction, string Summary, Guid? By, string? Ref, string? State = null);

public sealed record TimelineDto(IReadOnlyList<TimelineItemDto> Items);

public sealed record TaskRequest(string Subject, DateTimeOffset DueAt, Guid AssigneeId, Guid? CustomerId = null, Guid? OrderId = null, Guid? QuotationId = null);

public sealed record TaskDto(Guid Id, string Subject, DateTimeOffset DueAt, Guid AssigneeId, Guid? CustomerId, Guid? OrderId, Guid? QuotationId, string State, bool Overdue, string? Rule, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    public static TaskDto From(FollowUpTask t, DateTimeOffset now) =>
        new(t.Id, t.Subject, t.DueAt, t.AssigneeId, t.CustomerId, t.OrderId, t.QuotationId, t.State.ToString(), t.IsOverdue(now), t.Rule, t.CreatedAt, t.CompletedAt);
}

public sealed record TaskListDto(IReadOnlyList<TaskDto> Items);

public sealed record NotificationDto(Guid Id, string Kind, string Title, string? Body, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record NotificationListDto(IReadOnlyList<NotificationDto> Items, int Unread);

public sealed record UnreadCountDto(int Count);

/// <summary>The caller's internal notices: kinds muted in the app, kinds also e-mailed, and quiet hours for those e-mails.</summary>
public sealed record NotificationPreferencesDto(IReadOnlyList<string> Muted, IReadOnlyList<string>? Emailed = null, QuietHoursDto? QuietHours = null);

public sealed record QuietHoursDto(TimeOnly From, TimeOnly To);

public sealed record RecipientDto(IReadOnlyList<string> Events, IReadOnlyList<MessageChannel> Channels, string? Name = null, string? Email = null, string? Phone = null, string? Language = null, string? WeComUserId = null);

public sealed record CommunicationPreferencesDto(string Language, QuietHoursDto? QuietHours, IReadOnlyList<RecipientDto> Recipients);

public sealed record CommunicationPreferencesRequest(string Language, QuietHoursDto? QuietHours = null, RecipientDto[]? Recipients = null);

public sealed record StatusLinkDto(Guid Id, string Url, string Token);

public sealed record SurveyAnswerRequest(int Score, int? Nps = null, string? Comment = null);

public sealed record SurveyAnswerDto(Guid Id, int Score, int? Nps);

public sealed record SurveyResponseDto(Guid Id, Guid OrderId, Guid CustomerId, int Score, int? Nps, string? Comment, DateTimeOffset AnsweredAt, Guid? OwnerUserId, string? Region);

public sealed record SurveyResponsesDto(IReadOnlyList<SurveyResponseDto> Items);

public sealed record SurveyGroupDto(string Key, decimal? Csat, decimal? Nps, int Responses);

public sealed record SurveySummaryDto(decimal? Csat, decimal? Nps, int Responses, IReadOnlyList<SurveyGroupDto> Groups);

public sealed record WebhookRequest(string Url, string[] Events, string? Secret = null);

public sealed record WebhookDto(Guid Id, string Url, IReadOnlyList<string> Events, bool IsActive, DateTimeOffset CreatedAt, string? Secret = null);

public sealed record WebhookListDto(IReadOnlyList<WebhookDto> Items);

public sealed record DeliveryDto(Guid Id, Guid EventId, string EventType, string State, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset NotBefore, string? LastError);

public sealed record DeliveryListDto(IReadOnlyList<DeliveryDto> Items);
