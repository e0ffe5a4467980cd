using Orderly.Server.Platform.Events;

namespace Orderly.Server.Communication;

/// <summary>Reads the ids every event payload may carry (camelCase), whoever raised it.</summary>
public static class EventValues
{
    public static Guid? GuidOf(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var text) && Guid.TryParse(text, out var id) ? id : null;

    public static Guid? CustomerOf(EventEnvelope e, IReadOnlyDictionary<string, string> values) => e.CustomerId ?? GuidOf(values, "customerId");

    public static Guid? OrderOf(EventEnvelope e, IReadOnlyDictionary<string, string> values) =>
        GuidOf(values, "orderId") ?? (e.AggregateType == "SalesOrder" && Guid.TryParse(e.AggregateId, out var id) ? id : null);
}
