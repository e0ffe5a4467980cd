namespace Orderly.Domain.Allocation;

/// <summary>How a customer takes short stock; set per customer, overridable per order.</summary>
public enum ReservationPolicy
{
    /// <summary>Reserve what is there, backorder the rest.</summary>
    ShipPartial,

    /// <summary>Reserve only when every line can be served; otherwise everything waits.</summary>
    ShipComplete,

    /// <summary>A line that cannot be served now is refused (422 InsufficientStock).</summary>
    NoBackorder,
}
