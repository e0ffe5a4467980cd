namespace Orderly.Server.Tests.WebApi;

/// <summary>One request of the corpus: a label saying what is wrong with it, and the raw bytes sent as application/json.</summary>
public sealed record MalformedBody(string Label, byte[] Bytes)
{
    public override string ToString() => Label;
}
