using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Integration;

/// <summary>
/// Outside systems that receive every event (or the listed types) as a signed HTTP POST, configured by the
/// operator under <c>Orderly:Integration:EventSinks</c> (an ERP bridge, a data pipeline).
/// </summary>
public sealed class EventSinkOptions
{
    public const string Section = "Orderly:Integration";

    public List<EventSink> EventSinks { get; set; } = [];
}

public sealed class EventSink
{
    /// <summary>A stable name: the inbox remembers per sink which events it has received.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9-]{0,49}$")]
    public string Name { get; set; } = "";

    [Required, Url]
    public string Url { get; set; } = "";

    /// <summary>The HMAC-SHA256 key of <c>X-Orderly-Signature</c>; at least 16 characters.</summary>
    [Required, MinLength(16)]
    public string Secret { get; set; } = "";

    /// <summary>The event types to send; empty sends all.</summary>
    public List<string> Types { get; set; } = [];

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
