namespace Orderly.Server.Tests.WebApi;

/// <summary>A field of a write body: where it is (property names and array indexes), its JSON type, and whether the request must carry it.</summary>
public sealed record BodyField(string Path, FieldKind Kind, bool Required = false)
{
    public IReadOnlyList<string> Segments => Path.Split('.');
}
