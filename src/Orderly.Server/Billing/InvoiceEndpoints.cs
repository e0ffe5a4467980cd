using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orderly.Domain.Billing;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Billing;

public static class InvoiceEndpoints
{
    public static void MapInvoiceEndpoints(this IEndpointRouteBuilder app)
    {
        var invoices = app.MapGroup("/api/invoices").WithTags("Billing").RequireAuthorization(BillingPolicies.ReadReceivables);
        invoices.MapPost("/", CreateAsync).WithName("CreateInvoice").AcceptsIdempotencyKey().RequireAuthorization(BillingPolicies.ManageBilling)
            .Produces<InvoiceDto>(StatusCodes.Status201Created)
            .WithSummary("Drafts an invoice for an order: the given lines and quantities, or everything shipped (or ordered, per the customer's policy) and not yet invoiced.");
        invoices.MapPost("/down-payments", CreateDownPaymentAsync).WithName("CreateDownPaymentInvoice").AcceptsIdempotencyKey().RequireAuthorization(BillingPolicies.ManageBilling)
            .Produces<InvoiceDto>(StatusCodes.Status201Created)
            .WithSummary("Drafts a down-payment invoice (预付款) of an order for an amount or a percentage of its gross total; the final invoice deducts it.");
        invoices.MapGet("/", ListAsync).WithName("ListInvoices").WithSummary("Invoices and credit notes by customer, order and status, newest first, a page at a time.");
        invoices.MapGet("/{id:guid}", GetAsync).WithName("GetInvoice").WithSummary("One invoice with its lines, net, tax, total, paid and due.");
        invoices.MapPost("/{id:guid}/issue", async (Guid id, InvoiceService s, BillingQueries q, HttpContext h, CancellationToken ct) =>
        {
            await s.IssueAsync(id, CurrentUser.PersonOf(h.User), ct);
            return TypedResults.Ok(await q.InvoiceAsync(id, ct));
        }).WithName("IssueInvoice").WithSummary("Issues a draft invoice with the next gapless number of the year (INV-YYYY-NNNNNN) and its due date.").RequireAuthorization(BillingPolicies.ManageBilling);
        invoices.MapPost("/{id:guid}/cancel", async (Guid id, InvoiceService s, BillingQueries q, CancellationToken ct) =>
        {
            await s.CancelAsync(id, ct);
            return TypedResults.Ok(await q.InvoiceAsync(id, ct));
        }).WithName("CancelInvoice").WithSummary("Cancels a draft invoice; its quantities may be invoiced again. An issued invoice is credited instead.").RequireAuthorization(BillingPolicies.ManageBilling);
        invoices.MapPost("/{id:guid}/credit-notes", async (Guid id, CreditNoteInput input, InvoiceService s, BillingQueries q, HttpContext h, CancellationToken ct) =>
        {
            var note = await s.CreditAsync(id, input, CurrentUser.PersonOf(h.User), ct);
            return TypedResults.Created($"/api/invoices/{note.Id}", await q.InvoiceAsync(note.Id, ct));
        }).WithName("CreditInvoice").WithSummary("Issues a credit note against an issued invoice for returned quantities or price corrections.").RequireAuthorization(BillingPolicies.ManageBilling);
        invoices.MapPut("/{id:guid}/fapiao", async (Guid id, FapiaoInput input, InvoiceService s, BillingQueries q, CancellationToken ct) =>
        {
            await s.RecordFapiaoAsync(id, input, ct);
            return TypedResults.Ok(await q.InvoiceAsync(id, ct));
        }).WithName("RecordFapiao").WithSummary("Records the fapiao type, the buyer's tax header (on a draft) and the fapiao number the tax system issued.").RequireAuthorization(BillingPolicies.ManageBilling);
        invoices.MapPost("/{id:guid}/write-off", async (Guid id, WriteOffInput input, InvoiceService s, BillingQueries q, HttpContext h, CancellationToken ct) =>
        {
            await s.WriteOffAsync(id, input, CurrentUser.PersonOf(h.User), ct);
            return TypedResults.Ok(await q.InvoiceAsync(id, ct));
        }).WithName("WriteOffInvoice").WithSummary("Writes off part of what is due; not by whoever recorded a payment of the invoice.").RequireAuthorization(BillingPolicies.ManageBilling);
    }

    private static async Task<IResult> CreateAsync(
        CreateInvoiceInput input, HttpContext http, InvoiceService invoices, BillingQueries queries, Idempotency idempotency, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var actor = CurrentUser.PersonOf(http.User);
        return await idempotency.CreateAsync<CreateInvoiceInput, InvoiceDto>(http, json.Value.SerializerOptions, "invoices", actor, input,
            async beforeCommit =>
            {
                InvoiceDto? stored = null;
                var invoice = await invoices.DraftAsync(input, actor, beforeCommit is null ? null : async (invoice, token) =>
                {
                    stored = await queries.InvoiceAsync(invoice.Id, token);
                    await beforeCommit(stored, token);
                }, ct);
                return stored ?? await queries.InvoiceAsync(invoice.Id, ct);
            },
            dto => $"/api/invoices/{dto.Id}", dto => ETags.Write(http, dto.Version));
    }

    private static async Task<IResult> CreateDownPaymentAsync(
        DownPaymentInput input, HttpContext http, InvoiceService invoices, BillingQueries queries, Idempotency idempotency, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var actor = CurrentUser.PersonOf(http.User);
        return await idempotency.CreateAsync<DownPaymentInput, InvoiceDto>(http, json.Value.SerializerOptions, "down-payments", actor, input,
            async beforeCommit =>
            {
                InvoiceDto? stored = null;
                var invoice = await invoices.DraftDownPaymentAsync(input, actor, beforeCommit is null ? null : async (invoice, token) =>
                {
                    stored = await queries.InvoiceAsync(invoice.Id, token);
                    await beforeCommit(stored, token);
                }, ct);
                return stored ?? await queries.InvoiceAsync(invoice.Id, ct);
            },
            dto => $"/api/invoices/{dto.Id}", dto => ETags.Write(http, dto.Version));
    }

    private static async Task<Ok<Page<InvoiceSummaryDto>>> ListAsync(
        BillingQueries queries, Guid? customerId, Guid? orderId, InvoiceStatus? status, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await queries.InvoicesAsync(customerId, orderId, status, limit, cursor, ct));

    private static async Task<Ok<InvoiceDto>> GetAsync(Guid id, BillingQueries queries, HttpContext http, CancellationToken ct)
    {
        var dto = await queries.InvoiceAsync(id, ct);
        ETags.Write(http, dto.Version);
        return TypedResults.Ok(dto);
    }
}
