using Orderly.Domain.Common;

namespace Orderly.Server.Infrastructure;

/// <summary>Versions as strong ETags; updates must name the version they were made from (If-Match).</summary>
public static class ETags
{
    public static string Of(int version) => $"\"{version}\"";

    public static void Write(HttpContext http, int version) => http.Response.Headers.ETag = Of(version);

    public static void RequireMatch(HttpContext http, IVersioned current)
    {
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            throw new PreconditionException(428, "Send the ETag you last read in an If-Match header, so that no one's change is silently overwritten.");
        }

        if (ifMatch.Trim() == "*")
        {
            return;
        }

        var matches = ifMatch.Split(',').Select(t => t.Trim()).Select(t => t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t);
        if (!matches.Contains(Of(current.Version)))
        {
            throw new PreconditionException(412, $"The record changed since you read it (now version {current.Version}); reload and try again.");
        }
    }
}
