using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>"Write an e-mail" to a customer's contact, on an order or on the customer: queued, 202 with the timeline interaction.</summary>
public static class CustomerEmailEndpoints
{
    public static void MapCustomerEmailEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Communication").RequireAuthorization(CommunicationPolicies.WriteEmail);
        api.MapPost("/orders/{id:guid}/emails", (Guid id, CustomerEmailRequest request, CustomerEmails emails, Idempotency idempotency, Caller caller, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct) =>
                WriteAsync("order", id, request, (before, token) => emails.WriteToOrderAsync(id, request, before, token), idempotency, caller, json, http, ct))
            .WithName("WriteOrderEmail").AcceptsIdempotencyKey().Produces<CustomerEmailDto>(StatusCodes.Status202Accepted)
            .WithSummary("Writes an e-mail about the order to one of its customer's contacts (default: the primary one): queued and sent in the customer's language, with a reply address that files the answer on this order's timeline.");
        api.MapPost("/customers/{id:guid}/emails", (Guid id, CustomerEmailRequest request, CustomerEmails emails, Idempotency idempotency, Caller caller, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct) =>
                WriteAsync("customer", id, request, (before, token) => emails.WriteToCustomerAsync(id, request, before, token), idempotency, caller, json, http, ct))
            .WithName("WriteCustomerEmail").AcceptsIdempotencyKey().Produces<CustomerEmailDto>(StatusCodes.Status202Accepted)
            .WithSummary("Writes an e-mail to one of the customer's contacts (default: the primary one): queued and sent in the customer's language.");
        api.MapGet("/customers/{id:guid}/email-contacts", GetContactsAsync).WithName("GetCustomerEmailContacts")
            .WithSummary("The customer's e-mail addresses one may write to, the default first.");
    }

    private static async Task<Ok<IReadOnlyList<EmailContactDto>>> GetContactsAsync(Guid id, CustomerEmails emails, CancellationToken ct) =>
        TypedResults.Ok(await emails.ContactsAsync(id, ct));

    private static async Task<IResult> WriteAsync(
        string on, Guid id, CustomerEmailRequest request, Func<Func<CustomerEmailDto, CancellationToken, Task>?, CancellationToken, Task<CustomerEmailDto>> write,
        Idempotency idempotency, Caller caller, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            return TypedResults.Accepted((string?)null, await write(null, ct));
        }

        var scope = $"customer-emails:{caller.PersonId}";
        var hash = Idempotency.HashOf(JsonSerializer.SerializeToUtf8Bytes(new { on, id, request }, json.Value.SerializerOptions));
        if (await idempotency.ClaimAsync(scope, key, hash, ct) is { } replay)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return Results.Text(replay.Body, "application/json", Encoding.UTF8, replay.StatusCode);
        }

        try
        {
            var body = "";
            await write(async (dto, token) =>
            {
                body = JsonSerializer.Serialize(dto, json.Value.SerializerOptions);
                await idempotency.CompleteAsync(scope, key, StatusCodes.Status202Accepted, null, body, token);
            }, ct);
            return Results.Text(body, "application/json", Encoding.UTF8, StatusCodes.Status202Accepted);
        }
        catch
        {
            await idempotency.ReleaseAsync(scope, key);
            throw;
        }
    }
}
