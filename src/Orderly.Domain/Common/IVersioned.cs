namespace Orderly.Domain.Common;

/// <summary>
/// An aggregate people edit: its version increments on every saved change and is exposed as an ETag,
/// so two edits made from the same version cannot both win.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}
