using Orderly.Server.Platform;

namespace Orderly.Server.Documents;

/// <summary>The PDF kit and the printable documents: invoice, order confirmation, delivery note, statement (and quotation, with quotations).</summary>
public sealed class DocumentsModule : IOrderlyModule
{
    public string Name => "Documents";

    public void AddServices(ModuleServices capability)
    {
        capability.AddOptions<CompanyOptions>(CompanyOptions.Section);
        var services = capability.Services;
        services.AddScoped<OrderDocumentData>();
        services.AddScoped<InvoiceDocument>();
        services.AddScoped<StatementDocument>();
        services.AddScoped<OrderConfirmationDocument>();
        services.AddScoped<DeliveryNoteDocument>();
        services.AddScoped<QuotationDocument>();
        services.AddScoped<IDocumentSource>(sp => sp.GetRequiredService<QuotationDocument>());
        services.AddScoped<IDocumentSource>(sp => sp.GetRequiredService<InvoiceDocument>());
        services.AddScoped<IDocumentSource>(sp => sp.GetRequiredService<StatementDocument>());
        services.AddScoped<IDocumentSource>(sp => sp.GetRequiredService<OrderConfirmationDocument>());
        services.AddScoped<IDocumentSource>(sp => sp.GetRequiredService<DeliveryNoteDocument>());
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapDocumentEndpoints();
}
