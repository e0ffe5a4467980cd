using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Billing;

public static class PaymentEndpoints
{
    public static void MapPaymentEndpoints(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/api/payments").WithTags("Billing").RequireAuthorization(BillingPolicies.ReadReceivables);
        payments.MapPost("/", CreateAsync).WithName("RecordPayment").AcceptsIdempotencyKey().RequireAuthorization(BillingPolicies.ManageBilling)
            .Produces<PaymentDto>(StatusCodes.Status201Created)
            .WithSummary("Records a payment received (bank transfer, cash, acceptance bill, online), optionally allocated to invoices; the rest stays as the customer's credit.");
        payments.MapGet("/", async (BillingQueries q, Guid? customerId, bool? unallocated, int? limit, string? cursor, CancellationToken ct) =>
            TypedResults.Ok(await q.PaymentsAsync(customerId, unallocated, limit, cursor, ct)))
            .WithName("ListPayments").WithSummary("Payments by customer, or only those with an unallocated amount, newest first.");
        payments.MapGet("/suggestion", async (PaymentService s, Guid customerId, decimal amount, string? currency, CancellationToken ct) =>
            TypedResults.Ok(await s.SuggestAsync(customerId, amount, currency ?? Domain.Common.Currency.Default, ct)))
            .WithName("SuggestAllocation").WithSummary("How an amount received would settle the customer's open invoices, oldest due first.");
        payments.MapGet("/{id:guid}", async (Guid id, BillingQueries q, CancellationToken ct) => TypedResults.Ok(await q.PaymentAsync(id, ct)))
            .WithName("GetPayment").WithSummary("One payment with its allocations and what is left unallocated.");
        payments.MapPost("/{id:guid}/allocations", async (Guid id, AllocateInput input, PaymentService s, BillingQueries q, HttpContext h, CancellationToken ct) =>
        {
            await s.AllocateAsync(id, input, CurrentUser.PersonOf(h.User), ct);
            return TypedResults.Ok(await q.PaymentAsync(id, ct));
        }).WithName("AllocatePayment").WithSummary("Allocates the unallocated part of a payment (the customer's credit) to open invoices.").RequireAuthorization(BillingPolicies.ManageBilling);
        payments.MapPost("/{id:guid}/refund", async (Guid id, RefundInput input, PaymentService s, BillingQueries q, CancellationToken ct) =>
        {
            await s.RefundAsync(id, input, ct);
            return TypedResults.Ok(await q.PaymentAsync(id, ct));
        }).WithName("RefundPayment").WithSummary("Refunds part or all of a payment's unallocated amount.").RequireAuthorization(BillingPolicies.ManageBilling);
    }

    private static async Task<IResult> CreateAsync(
        PaymentInput input, HttpContext http, PaymentService payments, BillingQueries queries, Idempotency idempotency, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var actor = CurrentUser.PersonOf(http.User);
        return await idempotency.CreateAsync<PaymentInput, PaymentDto>(http, json.Value.SerializerOptions, "payments", actor, input,
            async beforeCommit =>
            {
                PaymentDto? stored = null;
                var payment = await payments.RecordAsync(input, actor, beforeCommit is null ? null : async (payment, token) =>
                {
                    stored = await queries.PaymentAsync(payment.Id, token);
                    await beforeCommit(stored, token);
                }, ct);
                return stored ?? await queries.PaymentAsync(payment.Id, ct);
            },
            dto => $"/api/payments/{dto.Id}", dto => ETags.Write(http, dto.Version));
    }
}
