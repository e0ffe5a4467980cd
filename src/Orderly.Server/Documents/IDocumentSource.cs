namespace Orderly.Server.Documents;

/// <summary>A printable document as rendered: its file name, media type and bytes.</summary>
public sealed record RenderedDocument(string FileName, string ContentType, byte[] Content);

/// <summary>
/// One kind of printable document ("invoice", "quotation", "order-confirmation", "delivery-note", "statement",
/// "purchase-order"), rendered for an id in a language (zh-CN or en). Communication attaches documents by asking the
/// registered source of the kind it needs; none registered means no attachment. Null when the id is unknown or not
/// visible to the caller.
/// </summary>
public interface IDocumentSource
{
    string Kind { get; }

    Task<RenderedDocument?> RenderAsync(Guid id, string language, CancellationToken ct);
}
