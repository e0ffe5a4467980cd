using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>Interactions, notes, timelines, a customer's notification preferences and order status links.</summary>
public static class InteractionEndpoints
{
    public static void MapInteractionEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Communication").RequireAuthorization(CommunicationPolicies.Communicate);
        api.MapPost("/interactions", LogAsync).WithName("LogInteraction").AcceptsIdempotencyKey().Produces<InteractionDto>(StatusCodes.Status201Created)
            .WithSummary("Logs a call, visit, e-mail or chat message with a customer; the same externalId on a channel is recorded once (200 with the first).");
        api.MapPost("/notes", NoteAsync).WithName("AddNote").WithSummary("Adds an internal note to a customer's (and order's) timeline; @mentioned users are notified.");
        api.MapGet("/customers/{id:guid}/timeline", (Guid id, string? channel, int? limit, TimelineService timeline, CancellationToken ct) => CustomerTimelineAsync(id, channel, limit, timeline, ct))
            .WithName("GetCustomerTimeline").WithSummary("A customer's interactions, notes and system events (status changes, shipments, invoices, payments, surveys, tasks, messages), in time order, filterable by channel.");
        api.MapGet("/orders/{id:guid}/timeline", (Guid id, string? channel, int? limit, TimelineService timeline, CancellationToken ct) => OrderTimelineAsync(id, channel, limit, timeline, ct))
            .WithName("GetOrderTimeline").WithSummary("An order's interactions, notes and system events in time order, filterable by channel.");
        api.MapGet("/customers/{id:guid}/communication", GetPreferencesAsync).WithName("GetCommunicationPreferences")
            .WithSummary("A customer's language, quiet hours and which recipients are told which events on which channels.");
        api.MapPut("/customers/{id:guid}/communication", SetPreferencesAsync).WithName("SetCommunicationPreferences")
            .WithSummary("Replaces a customer's notification preferences.");
        api.MapPost("/orders/{id:guid}/status-link", CreateStatusLinkAsync).WithName("CreateStatusLink").Produces<StatusLinkDto>(StatusCodes.Status201Created)
            .WithSummary("Creates a public link to the order's status page (no login; the token is shown once).");
        api.MapPost("/orders/{id:guid}/survey-link", CreateSurveyLinkAsync).WithName("CreateSurveyLink").Produces<StatusLinkDto>(StatusCodes.Status201Created)
            .WithSummary("Creates the single-use public survey link of a delivered order whose customer was not invited by e-mail (422 NotDelivered, 409 AlreadyInvited; the token is shown once).");
        api.MapDelete("/status-links/{id:guid}", RevokeStatusLinkAsync).WithName("RevokeStatusLink").WithSummary("Revokes a status link: its page then answers 404.");
    }

    private static async Task<IResult> LogAsync(InteractionRequest request, TimelineService timeline, Idempotency idempotency, Caller caller, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct)
    {
        if (request.ExternalId is null)
        {
            return await idempotency.CreateAsync<InteractionRequest, InteractionDto>(http, json.Value.SerializerOptions, "interactions", caller.PersonId, request,
                async beforeCommit => (await timeline.LogAsync(request, beforeCommit, ct)).Dto, dto => $"/api/interactions/{dto.Id}");
        }

        var (dto, created) = await timeline.LogAsync(request, null, ct);
        return created ? TypedResults.Created($"/api/interactions/{dto.Id}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<Created<InteractionDto>> NoteAsync(NoteRequest request, TimelineService timeline, CancellationToken ct)
    {
        var note = await timeline.NoteAsync(request, ct);
        return TypedResults.Created($"/api/interactions/{note.Id}", note);
    }

    private static async Task<Ok<TimelineDto>> CustomerTimelineAsync(Guid id, string? channel, int? limit, TimelineService timeline, CancellationToken ct) =>
        TypedResults.Ok(await timeline.ForCustomerAsync(id, channel, limit, ct));

    private static async Task<Ok<TimelineDto>> OrderTimelineAsync(Guid id, string? channel, int? limit, TimelineService timeline, CancellationToken ct) =>
        TypedResults.Ok(await timeline.ForOrderAsync(id, channel, limit, ct));

    private static async Task<Ok<CommunicationPreferencesDto>> GetPreferencesAsync(Guid id, PreferencesService preferences, CancellationToken ct) =>
        TypedResults.Ok(await preferences.GetAsync(id, ct));

    private static async Task<Ok<CommunicationPreferencesDto>> SetPreferencesAsync(Guid id, CommunicationPreferencesRequest request, PreferencesService preferences, CancellationToken ct) =>
        TypedResults.Ok(await preferences.SetAsync(id, request, ct));

    private static async Task<Created<StatusLinkDto>> CreateStatusLinkAsync(Guid id, PublicPages pages, CancellationToken ct)
    {
        var link = await pages.CreateStatusLinkAsync(id, ct);
        return TypedResults.Created(link.Url, link);
    }

    private static async Task<Created<StatusLinkDto>> CreateSurveyLinkAsync(Guid id, PublicPages pages, CancellationToken ct)
    {
        var link = await pages.CreateSurveyLinkAsync(id, ct);
        return TypedResults.Created(link.Url, link);
    }

    private static async Task<NoContent> RevokeStatusLinkAsync(Guid id, PublicPages pages, CancellationToken ct)
    {
        await pages.RevokeStatusLinkAsync(id, ct);
        return TypedResults.NoContent();
    }
}
