namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// One request of the OpenAPI fuzz corpus: what kind of breakage it carries (<paramref name="Kind"/>, matched against
/// <see cref="KnownInputGaps"/>), a label saying exactly what is wrong, the raw body, its content type (null: none),
/// and a query string to append.
/// </summary>
public sealed record FuzzCase(string Kind, string Label, byte[]? Body, string? ContentType = "application/json", string Query = "")
{
    public override string ToString() => $"{Kind}: {Label}";
}
