using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
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
        services.AddHealthChecks().AddCheck<DocumentFontHealthCheck>("documents", HealthStatus.Degraded);
    }

    public Task PrepareAsync(ModuleStart start, CancellationToken ct)
    {
        var paths = start.Services.GetRequiredService<IOptions<CompanyOptions>>().Value.FontPaths;
        if (CjkFonts.Find(paths) is null)
        {
            start.Log.LogWarning("{Missing}", CjkFonts.Missing(paths));
        }

        return Task.CompletedTask;
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapDocumentEndpoints();
}
