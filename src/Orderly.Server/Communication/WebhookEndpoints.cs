using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>Webhook subscriptions for customers' and partners' systems.</summary>
public static class WebhookEndpoints
{
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/webhooks").WithTags("Communication").RequireAuthorization(CommunicationPolicies.ManageWebhooks);
        hooks.MapPost("/", CreateAsync).WithName("CreateWebhook").AcceptsIdempotencyKey().Produces<WebhookDto>(StatusCodes.Status201Created)
            .WithSummary("Subscribes a URL to event types (none: all); URLs aimed at loopback, private, link-local or metadata addresses are refused (422). A generated secret is shown once.");
        hooks.MapGet("/", ListAsync).WithName("ListWebhooks").WithSummary("The webhook subscriptions.");
        hooks.MapDelete("/{id:guid}", DeactivateAsync).WithName("DeactivateWebhook").WithSummary("Stops a subscription; its delivery log stays.");
        hooks.MapGet("/{id:guid}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries").WithSummary("A subscription's delivery log: state, attempts, last error, newest first.");
        hooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/replay", ReplayAsync).WithName("ReplayWebhookDelivery")
            .WithSummary("Sends a delivery again with the same event id; 409 while it is still queued.");
    }

    private static Task<IResult> CreateAsync(WebhookRequest request, WebhookService hooks, Idempotency idempotency, Caller caller, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct) =>
        idempotency.CreateAsync<WebhookRequest, WebhookDto>(http, json.Value.SerializerOptions, "webhooks", caller.PersonId, request,
            beforeCommit => hooks.CreateAsync(request, beforeCommit, ct), dto => $"/api/webhooks/{dto.Id}");

    private static async Task<Ok<WebhookListDto>> ListAsync(WebhookService hooks, CancellationToken ct) => TypedResults.Ok(await hooks.ListAsync(ct));

    private static async Task<NoContent> DeactivateAsync(Guid id, WebhookService hooks, CancellationToken ct)
    {
        await hooks.DeactivateAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DeliveryListDto>> DeliveriesAsync(Guid id, int? limit, WebhookService hooks, CancellationToken ct) =>
        TypedResults.Ok(await hooks.DeliveriesAsync(id, limit, ct));

    private static async Task<Accepted> ReplayAsync(Guid id, Guid deliveryId, WebhookService hooks, CancellationToken ct)
    {
        await hooks.ReplayAsync(id, deliveryId, ct);
        return TypedResults.Accepted((string?)null);
    }
}
