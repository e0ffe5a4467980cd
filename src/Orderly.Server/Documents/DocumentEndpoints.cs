using Orderly.Server.Billing;
using Orderly.Server.Identity;

namespace Orderly.Server.Documents;

/// <summary>The printable documents as PDF, <c>?lang=zh-CN|en</c>; shown inline so the browser's viewer prints them.</summary>
public static class DocumentEndpoints
{
    public static void MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/orders/{id:guid}/documents/confirmation.pdf", (Guid id, string? lang, OrderConfirmationDocument d, HttpContext h, CancellationToken ct) =>
            PdfAsync(h, d.RenderAsync(id, DocumentLanguage.Parse(lang), ct)))
            .WithTags("Documents").WithName("OrderConfirmationPdf").WithSummary("The order confirmation as PDF.").RequireAuthorization(Policies.Read).ProducesDocument();
        app.MapGet("/api/orders/{id:guid}/documents/delivery-note.pdf", (Guid id, string? lang, DeliveryNoteDocument d, HttpContext h, CancellationToken ct) =>
            PdfAsync(h, d.RenderAsync(id, DocumentLanguage.Parse(lang), ct)))
            .WithTags("Documents").WithName("DeliveryNotePdf").WithSummary("The delivery note (送货单) of what was shipped, with a signature box, as PDF.").RequireAuthorization(Policies.Read).ProducesDocument();
        app.MapGet("/api/invoices/{id:guid}/document.pdf", (Guid id, string? lang, InvoiceDocument d, HttpContext h, CancellationToken ct) =>
            PdfAsync(h, d.RenderAsync(id, DocumentLanguage.Parse(lang), ct)))
            .WithTags("Documents").WithName("InvoicePdf").WithSummary("The invoice or credit note as PDF, with the total in Chinese capital numerals.").RequireAuthorization(BillingPolicies.ReadReceivables).ProducesDocument();
        app.MapGet("/api/customers/{id:guid}/statement.pdf", (Guid id, DateOnly? from, DateOnly? to, string? lang, StatementDocument d, HttpContext h, CancellationToken ct) =>
            PdfAsync(h, d.RenderAsync(id, from, to, DocumentLanguage.Parse(lang), ct)))
            .WithTags("Documents").WithName("StatementPdf").WithSummary("The customer's statement of account (对账单) for a period as PDF.").RequireAuthorization(BillingPolicies.ReadReceivables).ProducesDocument();
    }

    /// <summary>Marks a PDF route, which answers 503 while the server has no font for documents (the OpenAPI document says so).</summary>
    public static RouteHandlerBuilder ProducesDocument(this RouteHandlerBuilder route) => route.WithMetadata(DocumentRoute.Instance);

    /// <summary>The document inline, or 404 when it does not exist for the caller.</summary>
    public static async Task<IResult> PdfAsync(HttpContext http, Task<RenderedDocument?> rendering)
    {
        if (await rendering is not { } document)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such document.");
        }

        http.Response.Headers.ContentDisposition = $"inline; filename=\"{document.FileName}\"";
        return TypedResults.File(document.Content, document.ContentType);
    }
}

/// <summary>Endpoint metadata of a route that renders a PDF document (<see cref="DocumentEndpoints.ProducesDocument"/>).</summary>
public sealed class DocumentRoute
{
    public static readonly DocumentRoute Instance = new();

    private DocumentRoute()
    {
    }
}
