namespace Orderly.Server.Documents;

public sealed record RenderedDocument(string FileName, string ContentType, byte[] Content);

/// <summary>A printable document kind ("invoice", "quotation", "order-confirmation", "delivery-note", "statement", "purchase-order").</summary>
public interface IDocumentSource
{
    string Kind { get; }

    Task<RenderedDocument?> RenderAsync(Guid id, string language, CancellationToken ct);
}
