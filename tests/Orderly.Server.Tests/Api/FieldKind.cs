namespace Orderly.Server.Tests.WebApi;

/// <summary>The JSON type a field of a write body expects, which decides how to give it a wrong one.</summary>
public enum FieldKind
{
    Text,
    Number,
    WholeNumber,
    Id,
    Bool,
    Date,
    Array,
}
