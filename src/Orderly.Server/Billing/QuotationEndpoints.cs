using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Domain.Billing;
using Orderly.Server.Documents;
using Orderly.Server.Identity;
using Orderly.Server.Orders;

namespace Orderly.Server.Billing;

public static class QuotationEndpoints
{
    public static void MapQuotationEndpoints(this IEndpointRouteBuilder app)
    {
        var quotations = app.MapGroup("/api/quotations").WithTags("Billing").RequireAuthorization(Policies.Read);
        quotations.MapPost("/", async (QuotationInput input, QuotationService s, HttpContext h, CancellationToken ct) =>
        {
            var q = await s.CreateAsync(input, CurrentUser.PersonOf(h.User), ct);
            return TypedResults.Created($"/api/quotations/{q.Id}", await s.GetAsync(q.Id, ct));
        }).WithName("CreateQuotation").WithSummary("Enters a quotation (报价单) with lines priced like an order's, valid until a date (30 days by default).")
            .RequireAuthorization(BillingPolicies.EnterQuotations);
        quotations.MapGet("/", async (QuotationService s, Guid? customerId, QuotationStatus? status, int? limit, string? cursor, CancellationToken ct) =>
            TypedResults.Ok(await s.ListAsync(customerId, status, limit, cursor, ct))).WithName("ListQuotations").WithSummary("Quotations by customer and status, newest first.");
        quotations.MapGet("/{id:guid}", async (Guid id, QuotationService s, CancellationToken ct) => TypedResults.Ok(await s.GetAsync(id, ct)))
            .WithName("GetQuotation").WithSummary("One quotation with its lines.");
        quotations.MapPost("/{id:guid}/send", async (Guid id, QuotationService s, CancellationToken ct) =>
        {
            await s.SendAsync(id, ct);
            return TypedResults.Ok(await s.GetAsync(id, ct));
        }).WithName("SendQuotation").WithSummary("Marks a draft quotation as sent to the customer.").RequireAuthorization(BillingPolicies.EnterQuotations);
        quotations.MapPost("/{id:guid}/decline", async (Guid id, ReasonInput input, QuotationService s, CancellationToken ct) =>
        {
            await s.DeclineAsync(id, input.Reason, ct);
            return TypedResults.Ok(await s.GetAsync(id, ct));
        }).WithName("DeclineQuotation").WithSummary("Records that the customer declined the quotation, with a reason.").RequireAuthorization(BillingPolicies.EnterQuotations);
        quotations.MapPost("/{id:guid}/accept", async (Guid id, QuotationService s, OrderQueries orders, HttpContext h, CancellationToken ct) =>
        {
            var orderId = await s.AcceptAsync(id, CurrentUser.PersonOf(h.User), ct);
            var order = await orders.GetAsync(orderId, ct);
            return TypedResults.Created($"/api/orders/{orderId}", new AcceptedQuotationDto(orderId, order.Number, await s.GetAsync(id, ct)));
        }).WithName("AcceptQuotation").WithSummary("The customer accepted: creates the draft order at the quoted prices (order entry checks run now).")
            .RequireAuthorization(BillingPolicies.EnterQuotations);
        quotations.MapGet("/{id:guid}/document.pdf", (Guid id, string? lang, QuotationDocument d, HttpContext h, CancellationToken ct) =>
            DocumentEndpoints.PdfAsync(h, d.RenderAsync(id, DocumentLanguage.Parse(lang), ct)))
            .ProducesDocument().WithTags("Documents").WithName("QuotationPdf").WithSummary("The quotation as PDF.");
    }
}
